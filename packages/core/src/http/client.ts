import { ConfigError } from "../errors.js";
import { ApiError, pathWithoutQuery } from "./api-error.js";
import { backoffDelay } from "./backoff.js";
import { normaliseDomain } from "./domain.js";
import { NetworkError, classifyTransportError } from "./network-error.js";
import { describeProxy, type ProxyOptions } from "./proxy.js";
import { interpretResponse, type AttemptResult } from "./response.js";
import { createTransport, type Transport } from "./transport.js";
import type { HttpClient, HttpRequest, HttpResponse, HttpStats, RequestContext, RetryEvent } from "./types.js";
import { userAgent, type UserAgentOptions } from "./user-agent.js";

/** Options of `createHttpClient`. Everything but `baseUrl` has a default. */
export interface HttpClientOptions {
  /** The Infisical server, e.g. `https://app.infisical.com` (checked by `normaliseDomain`). */
  baseUrl: string;
  /** Connect, headers and body timeout of each attempt, in ms (default 30 000). Clipped to the time left. */
  timeoutMs?: number | undefined;
  /** Time budget of the whole run from the client's creation, in ms (default 120 000; `Infinity` for none). */
  deadlineMs?: number | undefined;
  /** Attempts per request, the first included (default 5). */
  maxAttempts?: number | undefined;
  /** First backoff ceiling in ms (default 1 000); doubles each retry. */
  backoffBaseMs?: number | undefined;
  /** Largest backoff ceiling in ms (default 20 000). */
  backoffMaxMs?: number | undefined;
  /** Headers sent on every request (e.g. from the `extra-headers` input). */
  extraHeaders?: Record<string, string> | undefined;
  /** User-Agent parts (default `secrets-action/<version> (node/<version>)`). */
  userAgent?: UserAgentOptions | undefined;
  /** PEM CA certificate(s) trusted on top of Node's bundled roots. */
  caCertPem?: string | undefined;
  /** How the front door names its CA setting in hints, e.g. "the ca-certificate input" (default "the CA option"). */
  caOptionName?: string | undefined;
  /** Proxy settings the adapter read from the environment (core never reads env). */
  proxy?: ProxyOptions | undefined;
  /** Waits between retries (default setTimeout). */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Clock in ms (default Date.now). */
  now?: (() => number) | undefined;
  /** Uniform in [0, 1) for jitter (default Math.random). */
  random?: (() => number) | undefined;
  /** A transport to use instead of the client's own (the caller keeps ownership: `close()` leaves it open). */
  transport?: Transport | undefined;
  /** Told about each retry before its wait. */
  onRetry?: ((event: RetryEvent) => void) | undefined;
}

/** The client, plus what `normaliseDomain` warned about. */
export interface InfisicalHttpClient extends HttpClient {
  /** Warnings about the domain (plain http to a remote host, a path ending in /api), for the adapter to log. */
  readonly warnings: readonly string[];
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_DEADLINE_MS = 120_000;
const DEFAULT_MAX_ATTEMPTS = 5;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const MAX_TIMER_MS = 2_147_483_647;

/** "0.3 s", "8 s", "120 s". */
function seconds(ms: number): string {
  const value = ms / 1000;
  return `${value >= 10 || Number.isInteger(value) ? Math.round(value) : Math.round(value * 10) / 10} s`;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function checkOptions(options: HttpClientOptions): void {
  const problems: string[] = [];
  const positive = (name: string, value: number | undefined): void => {
    if (value !== undefined && !(value > 0)) problems.push(`${name}: must be a positive number of milliseconds, got ${value}.`);
  };
  positive("timeout", options.timeoutMs);
  positive("deadline", options.deadlineMs);
  positive("backoff base", options.backoffBaseMs);
  positive("backoff max", options.backoffMaxMs);
  if (options.maxAttempts !== undefined && !(Number.isInteger(options.maxAttempts) && options.maxAttempts >= 1)) {
    problems.push(`max attempts: must be a whole number of at least 1, got ${options.maxAttempts}.`);
  }
  for (const [name, value] of Object.entries(options.extraHeaders ?? {})) {
    if (!HEADER_NAME.test(name)) problems.push(`extra-headers: "${name}" is not a valid header name.`);
    // Never echo the value: extra headers often carry credentials for a proxy or gateway.
    else if (/[\r\n\0]/.test(value)) problems.push(`extra-headers: the value of "${name}" contains a line break.`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}

/** Names that may appear in messages: taken from the query and a few well-known body fields, never values. */
function deriveContext(request: HttpRequest): RequestContext {
  const fromQuery = request.query ?? {};
  const fromBody =
    typeof request.json === "object" && request.json !== null && !Array.isArray(request.json)
      ? (request.json as Record<string, unknown>)
      : {};
  const pick = (...keys: string[]): string | undefined => {
    for (const key of keys) {
      const q = fromQuery[key];
      if (typeof q === "string" && q !== "") return q;
      const b = fromBody[key];
      if (typeof b === "string" && b !== "") return b;
    }
    return undefined;
  };
  const given = request.context ?? {};
  return {
    project: given.project ?? pick("workspaceSlug", "projectSlug", "workspaceId", "projectId"),
    environment: given.environment ?? pick("environment"),
    secretPath: given.secretPath ?? pick("secretPath"),
    secretName: given.secretName,
    identityId: given.identityId,
  };
}

/**
 * Creates the one HTTP client of a run: one keep-alive connection pool, timeouts, retries with full-jitter backoff for
 * 429/502/503/504, 5xx with Retry-After and network errors, never for other 4xx; ApiError with a hint on failure.
 */
export function createHttpClient(options: HttpClientOptions): InfisicalHttpClient {
  checkOptions(options);
  const { url: baseUrl, warnings } = normaliseDomain(options.baseUrl);
  const target = new URL(baseUrl);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const backoff = { baseMs: options.backoffBaseMs ?? 1_000, maxMs: options.backoffMaxMs ?? 20_000, random };

  // An injected transport stays the caller's: it decides proxy and TLS, and close() leaves it open.
  const ownsTransport = options.transport === undefined;
  const transport: Transport = options.transport ?? createTransport({ target, timeoutMs, caCertPem: options.caCertPem, proxy: options.proxy });
  const proxy = transport.proxy === undefined ? undefined : describeProxy(transport.proxy);
  const deadlineText = seconds(deadlineMs);
  const defaultHeaders: Record<string, string> = {
    accept: "application/json",
    "user-agent": userAgent(options.userAgent),
    ...lowerKeys(options.extraHeaders),
  };
  const deadlineAt = now() + deadlineMs;
  const stats: HttpStats = { attempts: 0, requests: 0, retries: {} };

  /** The request's path and query below the server root (which may have a path of its own). */
  const buildPath = (request: HttpRequest): string => {
    if (!request.path.startsWith("/")) throw new TypeError(`HttpRequest.path must start with "/": ${pathWithoutQuery(request.path)}`);
    const url = new URL(baseUrl + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.append(key, String(value));
    }
    return `${url.pathname}${url.search}`;
  };

  const attempt = async <T>(
    request: HttpRequest,
    payload: { json?: unknown; form?: Record<string, string> },
    attemptTimeoutMs: number,
    remainingMs: number,
    context: RequestContext,
  ): Promise<AttemptResult<T>> => {
    const headers: Record<string, string> = { ...defaultHeaders, ...lowerKeys(request.headers) };
    let body: string | undefined;
    if (payload.json !== undefined) {
      body = JSON.stringify(payload.json);
      headers["content-type"] = "application/json";
    } else if (payload.form !== undefined) {
      body = new URLSearchParams(payload.form).toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;

    const where = {
      method: request.method,
      path: request.path,
      host: target.host,
      domain: baseUrl,
      proxy,
      timeoutMs: attemptTimeoutMs,
      caOption: options.caOptionName,
    };
    const path = buildPath(request);
    const controller = new AbortController();
    const timer = Number.isFinite(remainingMs) ? setTimeout(() => controller.abort(), Math.min(remainingMs, MAX_TIMER_MS)) : undefined;
    const deadlineError = (cause: unknown): NetworkError =>
      new NetworkError({
        code: "TIMEOUT",
        method: request.method,
        path: request.path,
        reason: "deadline",
        what: `no answer from ${target.host} before the run's ${deadlineText} deadline`,
        hint: "the server or the network is too slow for the deadline: check them, or raise the deadline option",
        retryable: false,
        cause,
      });
    const answer = await transport.send({
      method: request.method,
      path,
      headers,
      body,
      timeoutMs: attemptTimeoutMs,
      signal: controller.signal,
      bodyReader: request.bodyReader,
    });
    if (timer !== undefined) clearTimeout(timer);
    if (answer.ok) {
      if ("value" in answer.body) return { ok: true, response: { status: answer.status, headers: answer.headers, body: answer.body.value as T } };
      return interpretResponse<T>(answer.status, answer.headers, answer.body.text, {
        method: request.method,
        path: request.path,
        host: target.host,
        domain: baseUrl,
        context,
        now: now(),
      });
    }
    if (controller.signal.aborted) return { ok: false, error: deadlineError(answer.error), retryable: false };
    const classified = classifyTransportError(answer.error, { ...where, inBody: answer.inBody });
    // The attempt's timeout was all the time left, so its timer raced the deadline's: either way the deadline ended
    // it, and a retry could not be answered in time.
    if (classified.code === "TIMEOUT" && attemptTimeoutMs >= remainingMs) return { ok: false, error: deadlineError(answer.error), retryable: false };
    return { ok: false, error: classified, retryable: classified.retryable };
  };

  /** Failures after which the server certainly did nothing: safe to retry even a request that must not run twice. */
  const UNPROCESSED: ReadonlySet<string> = new Set(["429", "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

  const reasonOf = (error: ApiError | NetworkError): string => (error instanceof ApiError ? String(error.status) : error.reason);

  const appendHint = (error: ApiError | NetworkError, extra: string): ApiError | NetworkError =>
    error.withHint(error.hint ? `${error.hint}; ${extra}` : extra);

  const request = async <T>(request: HttpRequest): Promise<HttpResponse<T>> => {
    stats.requests += 1;
    const context = deriveContext(request);
    for (let attemptNo = 1; ; attemptNo += 1) {
      const remaining = deadlineAt - now();
      if (remaining <= 0) {
        throw new NetworkError({
          code: "TIMEOUT",
          method: request.method,
          path: request.path,
          reason: "deadline",
          what: `not sent: the run's ${deadlineText} deadline has passed`,
          hint: "earlier requests took the whole time budget: check the server and network, or raise the deadline option",
          retryable: false,
        });
      }
      let payload: { json?: unknown; form?: Record<string, string> } = {};
      if (request.json !== undefined) payload.json = request.json;
      if (request.form !== undefined) payload.form = request.form;
      if (request.refreshBody !== undefined) payload = await request.refreshBody();

      stats.attempts += 1;
      const result = await attempt<T>(request, payload, Math.min(timeoutMs, remaining), remaining, context);
      if (result.ok) return result.response;

      const { error } = result;
      const safeToRepeat = error instanceof ApiError && request.retryAlso?.(error) === true;
      if (request.noRetry === true || (!result.retryable && !safeToRepeat)) throw error;
      if (request.retryPolicy === "unprocessed" && !safeToRepeat && !UNPROCESSED.has(reasonOf(error))) throw error;
      if (attemptNo >= maxAttempts) {
        throw attemptNo === 1 ? error : appendHint(error, `gave up after ${attemptNo} attempts`);
      }
      const delayMs = result.retryAfterMs ?? backoffDelay(attemptNo - 1, backoff);
      const left = deadlineAt - now();
      if (delayMs >= left) {
        throw appendHint(
          error,
          `gave up after ${attemptNo} attempt${attemptNo === 1 ? "" : "s"}: waiting ${seconds(delayMs)} more would pass the run's ${deadlineText} deadline`,
        );
      }
      const reason = reasonOf(error);
      stats.retries[reason] = (stats.retries[reason] ?? 0) + 1;
      options.onRetry?.({ method: request.method, path: pathWithoutQuery(request.path), attempt: attemptNo, reason, delayMs, error: error.toLine() });
      await sleep(delayMs);
    }
  };

  return {
    baseUrl,
    warnings,
    stats,
    request,
    async close(): Promise<void> {
      if (ownsTransport) await transport.close();
    },
  };
}
