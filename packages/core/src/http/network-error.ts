import { SecretsActionError } from "../errors.js";
import { pathWithoutQuery } from "./api-error.js";
import { TRANSPORT_ERROR } from "./transport.js";
import type { HttpMethod } from "./types.js";

/** The request never got a usable answer: DNS, refused, reset, TLS, timeout, a body cut off, not JSON. */
export interface NetworkErrorInfo {
  code: "NETWORK" | "TIMEOUT" | "PROTOCOL" | "CONFIG";
  method: HttpMethod;
  path: string;
  /** Short, stable: "ENOTFOUND", "ECONNREFUSED", "ECONNRESET", "timeout", "tls-untrusted", "truncated", "not-json"… */
  reason: string;
  /** What went wrong, without the method and path. */
  what: string;
  hint?: string | undefined;
  /** Whether trying again may help. */
  retryable: boolean;
  cause?: unknown;
}

/** `GET /api/v3/secrets/raw: could not resolve app.infisical.co (ENOTFOUND)` — a transport-level failure. */
export class NetworkError extends SecretsActionError {
  readonly method: HttpMethod;
  readonly path: string;
  readonly reason: string;
  readonly retryable: boolean;
  readonly what: string;

  constructor(info: NetworkErrorInfo) {
    const path = pathWithoutQuery(info.path);
    super(info.code, `${info.method} ${path}: ${info.what}`, {
      ...(info.hint === undefined ? {} : { hint: info.hint }),
      ...(info.cause === undefined ? {} : { cause: info.cause }),
    });
    this.name = "NetworkError";
    this.method = info.method;
    this.path = path;
    this.reason = info.reason;
    this.retryable = info.retryable;
    this.what = info.what;
  }

  /** The same error with another hint. */
  withHint(hint: string | undefined): NetworkError {
    return new NetworkError({
      code: this.code as NetworkErrorInfo["code"],
      method: this.method,
      path: this.path,
      reason: this.reason,
      what: this.what,
      hint,
      retryable: this.retryable,
      cause: this.cause,
    });
  }
}

/** Where the request was going, for the hint. */
export interface TransportContext {
  method: HttpMethod;
  path: string;
  /** e.g. "app.infisical.com" or "127.0.0.1:8080". */
  host: string;
  /** The configured domain, e.g. "https://app.infisical.com". */
  domain: string;
  /** The proxy in use, e.g. "http://proxy:3128", if any. */
  proxy?: string | undefined;
  /** The per-request timeout in ms, for the message. */
  timeoutMs: number;
  /** Whether the response had started (headers received) when it failed. */
  inBody?: boolean;
  /** How the front door calls its CA setting, e.g. "the ca-certificate input" (default "the CA option"). */
  caOption?: string | undefined;
}

const UNTRUSTED = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
]);

/**
 * Every `code` and message in an error, its causes and (for AggregateError) its parts, and the status a proxy refused
 * a tunnel with, if one did.
 */
function collect(error: unknown): { codes: string[]; messages: string[]; proxyStatus: number | undefined } {
  const codes: string[] = [];
  const messages: string[] = [];
  let proxyStatus: number | undefined;
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (typeof value !== "object" || value === null || seen.has(value) || depth > 6) return;
    seen.add(value);
    const record = value as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown; statusCode?: unknown };
    if (typeof record.code === "string") codes.push(record.code);
    if (typeof record.message === "string") messages.push(record.message);
    if (record.code === TRANSPORT_ERROR.proxyStatus && typeof record.statusCode === "number") proxyStatus ??= record.statusCode;
    visit(record.cause, depth + 1);
    if (Array.isArray(record.errors)) for (const part of record.errors) visit(part, depth + 1);
  };
  visit(error, 0);
  return { codes, messages, proxyStatus };
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** Turns whatever the transport or Node threw into a NetworkError with a reason, a retry decision and a hint. */
export function classifyTransportError(error: unknown, context: TransportContext): NetworkError {
  const { codes, messages, proxyStatus } = collect(error);
  const has = (code: string): boolean => codes.includes(code);
  const text = messages.join(" | ");
  const via = context.proxy ? ` through the proxy ${context.proxy}` : "";
  const base = { method: context.method, path: context.path, cause: error };
  const make = (
    code: NetworkErrorInfo["code"],
    reason: string,
    what: string,
    hint: string,
    retryable: boolean,
  ): NetworkError => new NetworkError({ ...base, code, reason, what, hint, retryable });

  if (proxyStatus !== undefined) {
    return make(
      "NETWORK",
      `proxy-${proxyStatus}`,
      `the proxy ${context.proxy ?? ""} refused to open a tunnel to ${context.host} (status ${proxyStatus})`,
      proxyStatus === 407
        ? "the proxy wants credentials: put them in the proxy URL (http://user:password@proxy:port)"
        : `check the proxy settings, or add ${context.host} to NO_PROXY if it should be reached directly`,
      proxyStatus >= 500,
    );
  }
  if (has(TRANSPORT_ERROR.connectTimeout)) {
    return make(
      "TIMEOUT",
      "connect-timeout",
      `could not connect to ${context.host}${via} within ${seconds(context.timeoutMs)}`,
      `check the domain ${context.domain} and the runner's network (a firewall or a missing proxy setting often causes this)`,
      true,
    );
  }
  if (has(TRANSPORT_ERROR.headersTimeout) || has(TRANSPORT_ERROR.bodyTimeout) || has("ETIMEDOUT")) {
    return make(
      "TIMEOUT",
      "timeout",
      `no answer from ${context.host}${via} within ${seconds(context.timeoutMs)}`,
      `check the domain ${context.domain}, the network and the proxy; raise the timeout if the server is just slow`,
      true,
    );
  }
  if (has("ENOTFOUND")) {
    return make(
      "NETWORK",
      "ENOTFOUND",
      `could not resolve ${context.host} (ENOTFOUND)`,
      `check the domain ${context.domain} for a typo, and the runner's DNS`,
      false,
    );
  }
  if (has("EAI_AGAIN")) {
    return make(
      "NETWORK",
      "EAI_AGAIN",
      `DNS lookup for ${context.host} failed (EAI_AGAIN)`,
      "the runner's DNS did not answer: check its network",
      true,
    );
  }
  if (has(TRANSPORT_ERROR.proxyTls)) {
    // Before the server's certificate checks: the same codes, but about the proxy's certificate.
    const code = codes.find((c) => c !== TRANSPORT_ERROR.proxyTls);
    const untrustedProxy = codes.some((c) => UNTRUSTED.has(c));
    return make(
      "NETWORK",
      "proxy-tls",
      `TLS to the proxy ${context.proxy ?? ""} failed${code ? ` (${code})` : ""}`,
      untrustedProxy
        ? `the proxy's certificate is not trusted: pass its CA's PEM certificate in ${context.caOption ?? "the CA option"} (or set NODE_EXTRA_CA_CERTS)`
        : "check the proxy URL and its certificate",
      false,
    );
  }
  const untrusted = codes.find((code) => UNTRUSTED.has(code));
  if (untrusted) {
    return make(
      "NETWORK",
      "tls-untrusted",
      `the TLS certificate of ${context.host} is not trusted (${untrusted})`,
      `it is self-signed or signed by a private CA: pass that CA's PEM certificate in ${context.caOption ?? "the CA option"} (or set NODE_EXTRA_CA_CERTS)`,
      false,
    );
  }
  if (has("ERR_TLS_CERT_ALTNAME_INVALID")) {
    return make(
      "NETWORK",
      "tls-hostname",
      `the TLS certificate of ${context.host} does not name that host (ERR_TLS_CERT_ALTNAME_INVALID)`,
      `use the domain the certificate was issued for, instead of ${context.domain}`,
      false,
    );
  }
  if (has("CERT_HAS_EXPIRED") || has("CERT_NOT_YET_VALID")) {
    const code = has("CERT_HAS_EXPIRED") ? "CERT_HAS_EXPIRED" : "CERT_NOT_YET_VALID";
    return make(
      "NETWORK",
      "tls-expired",
      `the TLS certificate of ${context.host} is not valid now (${code})`,
      "renew the server's certificate, or check the runner's clock",
      false,
    );
  }
  if (has("ERR_SSL_WRONG_VERSION_NUMBER") || /wrong version number|packet length too long/i.test(text)) {
    return make(
      "NETWORK",
      "tls-not-tls",
      `${context.host} did not answer with TLS`,
      `that port speaks plain HTTP: did you mean ${context.domain.replace(/^https:/, "http:")}?`,
      false,
    );
  }
  if (codes.some((code) => code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS") || code === "EPROTO")) {
    const code = codes.find((c) => c.startsWith("ERR_SSL") || c.startsWith("ERR_TLS") || c === "EPROTO") ?? "TLS";
    return make("NETWORK", "tls", `the TLS handshake with ${context.host} failed (${code})`, `check the domain, ${context.caOption ?? "the CA option"} and any TLS-inspecting proxy`, false);
  }
  if (has("ECONNREFUSED")) {
    const target = context.proxy ? `the proxy ${context.proxy} or ${context.host}` : context.host;
    return make(
      "NETWORK",
      "ECONNREFUSED",
      `connection to ${context.host}${via} refused (ECONNREFUSED)`,
      `nothing is listening at ${target}: check the domain and port, and that the server is running`,
      true,
    );
  }
  const bodyCut = context.inBody === true;
  if (bodyCut && (has("ECONNRESET") || has("ERR_STREAM_PREMATURE_CLOSE") || /terminated|aborted/i.test(text))) {
    return make(
      "PROTOCOL",
      "truncated",
      `the answer from ${context.host} was cut off before its end`,
      `a proxy or the server closed the connection mid-answer; if it persists, check the network to ${context.domain}`,
      true,
    );
  }
  // Node calls a connection the server closed before answering "socket hang up", with the code ECONNRESET.
  const closed = /socket hang up|other side closed|socket closed/i.test(text);
  if (has("ECONNRESET") || has("EPIPE") || closed) {
    const reason = closed ? "socket" : has("ECONNRESET") ? "ECONNRESET" : has("EPIPE") ? "EPIPE" : "socket";
    return make(
      "NETWORK",
      reason,
      `the connection to ${context.host}${via} was closed before an answer (${reason === "socket" ? "socket closed" : reason})`,
      "a proxy or firewall may be cutting it; if this runner needs a proxy, set HTTPS_PROXY",
      true,
    );
  }
  if (has("ERR_INVALID_CHAR") || has("ERR_INVALID_HTTP_TOKEN")) {
    // Node names the header, never its value.
    return make(
      "CONFIG",
      "bad-header",
      `not sent: ${messages[0] ?? "a header holds a character HTTP does not allow"}`,
      "a token, credential or extra-headers value holds a line break or another control character: copy it again without one",
      false,
    );
  }
  if (codes.some((code) => code.startsWith("HPE_"))) {
    return make(
      "PROTOCOL",
      "not-http",
      `${context.host} did not answer with HTTP`,
      `check the domain ${context.domain}: is the scheme (https:// vs http://) and port right?`,
      false,
    );
  }
  if (has("EHOSTUNREACH") || has("ENETUNREACH") || has("ENETDOWN") || has("EHOSTDOWN")) {
    const code = codes.find((c) => ["EHOSTUNREACH", "ENETUNREACH", "ENETDOWN", "EHOSTDOWN"].includes(c)) ?? "EHOSTUNREACH";
    return make("NETWORK", code, `${context.host} is unreachable (${code})`, "check the runner's network and the proxy settings", true);
  }
  const code = codes[0];
  const detail = messages[0] ?? String(error);
  return make(
    "NETWORK",
    code ?? "unknown",
    `request to ${context.host}${via} failed: ${detail}${code && !detail.includes(code) ? ` (${code})` : ""}`,
    `check the domain ${context.domain} and the runner's network`,
    false,
  );
}
