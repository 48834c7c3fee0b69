import { STATUS_CODES } from "node:http";
import { SecretsActionError } from "../errors.js";
import type { HttpMethod } from "./types.js";

/** What the server answered, as far as an error may repeat it (no token, secret or request body). */
export interface ApiErrorInfo {
  method: HttpMethod;
  /** Path without the query string. */
  path: string;
  status: number;
  /** The body's `error` field, e.g. "PermissionDenied", "TokenError", "ValidationFailure". */
  serverError?: string | undefined;
  /** The body's `message`; for a 422, its issues joined as `field: message; …`. */
  serverMessage?: string | undefined;
  /** The body's `reqId`, to give to support. */
  reqId?: string | undefined;
  /** How long the server asked us to wait (Retry-After, or the 429 message). */
  retryAfterMs?: number | undefined;
  /** What to do about it. */
  hint?: string | undefined;
}

/** A JWT or service token inside a server message is replaced: messages go to logs. */
export function redactTokens(text: string): string {
  return text
    .replace(/\beyJ[\w-]*\.[\w-]+\.[\w-]*/g, "[redacted token]")
    .replace(/\bst\.[\w-]+\.[\w-]+\.[\w-]+/g, "[redacted token]");
}

/** Drops the query string (and fragment) from a path: a query never belongs in a message. */
export function pathWithoutQuery(path: string): string {
  const cut = path.search(/[?#]/);
  return cut === -1 ? path : path.slice(0, cut);
}

/**
 * The server answered with an error status. Message, one line:
 * `401 from POST /api/v1/auth/universal-auth/login: Invalid credentials`; `toLine()` adds ` — <hint>`.
 */
export class ApiError extends SecretsActionError {
  readonly method: HttpMethod;
  readonly path: string;
  readonly status: number;
  readonly serverError: string | undefined;
  readonly serverMessage: string | undefined;
  readonly reqId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(info: ApiErrorInfo, options: { cause?: unknown } = {}) {
    const path = pathWithoutQuery(info.path);
    const serverMessage = info.serverMessage === undefined ? undefined : redactTokens(info.serverMessage);
    const what = serverMessage?.trim() || info.serverError?.trim() || STATUS_CODES[info.status] || "error";
    super("API", `${info.status} from ${info.method} ${path}: ${what}`, {
      ...(info.hint === undefined ? {} : { hint: info.hint }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = "ApiError";
    this.method = info.method;
    this.path = path;
    this.status = info.status;
    this.serverError = info.serverError;
    this.serverMessage = serverMessage;
    this.reqId = info.reqId;
    this.retryAfterMs = info.retryAfterMs;
  }

  /** The same error with another hint (e.g. one that adds why the client gave up). */
  withHint(hint: string | undefined): ApiError {
    return new ApiError(
      {
        method: this.method,
        path: this.path,
        status: this.status,
        serverError: this.serverError,
        serverMessage: this.serverMessage,
        reqId: this.reqId,
        retryAfterMs: this.retryAfterMs,
        hint,
      },
      this.cause === undefined ? {} : { cause: this.cause },
    );
  }
}

/** Whether an unknown thrown value is an ApiError (works across bundle copies: checks `code` and `status`). */
export function isApiError(error: unknown): error is ApiError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { code?: unknown }).code === "API" &&
    typeof (error as { status?: unknown }).status === "number"
  );
}
