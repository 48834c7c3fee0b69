import { ApiError, pathWithoutQuery } from "./api-error.js";
import { apiErrorHint } from "./api-error-hint.js";
import { NetworkError } from "./network-error.js";
import { parseRetryAfter, parseRetryAfterText } from "./retry-after.js";
import type { HttpMethod, HttpResponse, RequestContext } from "./types.js";

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** What one attempt came to: a response, or an error and whether trying again may help. */
export type AttemptResult<T> =
  | { ok: true; response: HttpResponse<T> }
  | { ok: false; error: ApiError | NetworkError; retryable: boolean; retryAfterMs?: number | undefined };

/** Statuses retried whatever the body says. A 5xx is also retried when it carries Retry-After. */
export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export interface ResponseContext {
  method: HttpMethod;
  path: string;
  /** e.g. "app.infisical.com". */
  host: string;
  /** The configured domain, e.g. "https://app.infisical.com". */
  domain: string;
  context: RequestContext;
  /** Clock reading for Retry-After dates. */
  now: number;
}

interface ErrorBody {
  serverError: string | undefined;
  serverMessage: string | undefined;
  reqId: string | undefined;
  /** First field named by a 422's issues. */
  field: string | undefined;
  json: boolean;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads Infisical's error body `{reqId, statusCode, error, message}`; `message` may be a 422's zod issue array. */
export function readErrorBody(text: string): ErrorBody {
  const none: ErrorBody = { serverError: undefined, serverMessage: undefined, reqId: undefined, field: undefined, json: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return none;
  }
  if (typeof parsed !== "object" || parsed === null) return { ...none, json: true };
  const body = parsed as { error?: unknown; message?: unknown; reqId?: unknown };
  let serverMessage: string | undefined;
  let field: string | undefined;
  if (typeof body.message === "string") {
    serverMessage = body.message;
  } else if (Array.isArray(body.message)) {
    const parts = body.message.map((issue: unknown) => {
      if (typeof issue !== "object" || issue === null) return String(issue);
      const { path, message } = issue as { path?: unknown; message?: unknown };
      const name = Array.isArray(path) ? path.map(String).join(".") : undefined;
      field ??= name || undefined;
      return name ? `${name}: ${String(message)}` : String(message);
    });
    serverMessage = parts.join("; ");
  }
  return {
    serverError: typeof body.error === "string" ? body.error : undefined,
    serverMessage,
    reqId: typeof body.reqId === "string" ? body.reqId : undefined,
    field,
    json: true,
  };
}

/** A 2xx body: JSON, or nothing. Not JSON means the domain is not the API; JSON cut short is worth another try. */
function successBody<T>(status: number, headers: ResponseHeaders, text: string, ctx: ResponseContext): AttemptResult<T> {
  if (text.trim() === "") return { ok: true, response: { status, headers, body: undefined as T } };
  try {
    return { ok: true, response: { status, headers, body: JSON.parse(text) as T } };
  } catch (error: unknown) {
    const contentType = headerValue(headers["content-type"]) ?? "";
    if (/json/i.test(contentType) || /^\s*[[{]/.test(text)) {
      const truncated = new NetworkError({
        code: "PROTOCOL",
        method: ctx.method,
        path: ctx.path,
        reason: "truncated",
        what: `the JSON answer from ${ctx.host} ends early or is malformed`,
        hint: `a proxy or the server cut the answer short; if it persists, check the network to ${ctx.domain}`,
        retryable: true,
        cause: error,
      });
      return { ok: false, error: truncated, retryable: true };
    }
    const kind = contentType.split(";")[0]?.trim();
    const notJson = new NetworkError({
      code: "PROTOCOL",
      method: ctx.method,
      path: ctx.path,
      reason: "not-json",
      what: `${status} answer from ${ctx.host} is ${kind ? `${kind}, not JSON` : "not JSON"}`,
      hint: `the domain ${ctx.domain} seems to point at a web page or a proxy, not the Infisical API: check the domain (and any path in it)`,
      retryable: false,
    });
    return { ok: false, error: notJson, retryable: false };
  }
}

/**
 * Turns a complete answer into a result: the parsed 2xx body, or an ApiError with its hint and retry decision.
 * A 4xx other than 429 is never retried, even with Retry-After: failed logins count towards the identity's lockout.
 */
export function interpretResponse<T>(status: number, headers: ResponseHeaders, text: string, ctx: ResponseContext): AttemptResult<T> {
  if (status >= 200 && status < 300) return successBody<T>(status, headers, text, ctx);

  const info = readErrorBody(text);
  const headerWait = parseRetryAfter(headers["retry-after"], ctx.now);
  const retryAfterMs = headerWait ?? (status === 429 ? parseRetryAfterText(info.serverMessage) : undefined);
  const reqId = info.reqId ?? headerValue(headers["x-request-id"]);
  let hint = apiErrorHint({
    method: ctx.method,
    path: pathWithoutQuery(ctx.path),
    status,
    serverError: info.serverError,
    serverMessage: info.serverMessage,
    reqId,
    retryAfterMs,
    field: info.field,
    json: info.json,
    domain: ctx.domain,
    context: ctx.context,
  });
  const location = headerValue(headers.location);
  if (status >= 300 && status < 400 && location !== undefined && URL.canParse(location, ctx.domain)) {
    const to = new URL(location, ctx.domain);
    hint = `the server redirects to ${to.origin}${to.pathname}: set the domain to that server (https:// rather than http://?)`;
  }
  const error = new ApiError({
    method: ctx.method,
    path: ctx.path,
    status,
    serverError: info.serverError,
    serverMessage: info.serverMessage,
    reqId,
    retryAfterMs,
    hint,
  });
  const retryable = RETRYABLE_STATUS.has(status) || (status >= 500 && headerWait !== undefined);
  return { ok: false, error, retryable, retryAfterMs };
}
