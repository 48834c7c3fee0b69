/**
 * The error family of the dev server, answered with the bodies the real Infisical server sends
 * (`backend/src/server/plugins/error-handler.ts`): `{reqId, statusCode, message, error, details?}`.
 */

/** One zod issue, as the real server puts them in the `message` array of a 422 ValidationFailure. */
export interface ValidationIssue {
  code: string;
  path: (string | number)[];
  message: string;
  [extra: string]: unknown;
}

/**
 * Which body layout an error is answered with:
 * - `standard`: `{reqId, statusCode, message, error, details?}` (reqId is left out in late-2024 mode, like §9 observed);
 * - `bare`: `{statusCode, message, error}` with no reqId, as the late-2024 bodies the reference quotes verbatim;
 * - `route-not-found`: fastify's own 404 `{message, error:"Not Found", statusCode}` for a route that does not exist.
 */
export type ErrorShape = "standard" | "bare" | "route-not-found";

/** An error the server answers with an Infisical-shaped body. Thrown anywhere below a route handler. */
export class HttpError extends Error {
  readonly statusCode: number;
  /** The `error` field: `BadRequest`, `NotFound`, `TokenError`, `PermissionDenied`, ... */
  readonly errorName: string;
  /** The `message` field: a string, or the zod issues of a 422. */
  readonly body: string | ValidationIssue[];
  readonly details: unknown;
  readonly shape: ErrorShape;
  readonly headers: Record<string, string>;

  constructor(
    statusCode: number,
    errorName: string,
    body: string | ValidationIssue[],
    options: { details?: unknown; shape?: ErrorShape; headers?: Record<string, string> } = {},
  ) {
    super(typeof body === "string" ? body : "Validation failed");
    this.name = "HttpError";
    this.statusCode = statusCode;
    this.errorName = errorName;
    this.body = body;
    this.details = options.details;
    this.shape = options.shape ?? "standard";
    this.headers = options.headers ?? {};
  }

  /** The JSON body for this error. `legacy` drops reqId, as a late-2024 server did. */
  toBody(reqId: string, legacy: boolean): Record<string, unknown> {
    if (this.shape === "route-not-found") {
      return { message: this.body, error: "Not Found", statusCode: this.statusCode };
    }
    const body: Record<string, unknown> = {};
    if (this.shape === "standard" && !legacy) body["reqId"] = reqId;
    body["statusCode"] = this.statusCode;
    body["message"] = this.body;
    body["error"] = this.errorName;
    if (this.details !== undefined && !legacy) body["details"] = this.details;
    return body;
  }
}

/** 400 BadRequest (default message as `lib/errors`). */
export const badRequest = (message = "The request is invalid", name = "BadRequest"): HttpError =>
  new HttpError(400, name, message);

/** 401 UnauthorizedError. */
export const unauthorized = (message = "You are not allowed to access this resource", name = "UnauthorizedError"): HttpError =>
  new HttpError(401, name, message);

/** 403 ForbiddenError (ForbiddenRequestError on the real server). */
export const forbidden = (
  message = "You are not allowed to access this resource",
  name = "ForbiddenError",
  details?: unknown,
): HttpError => new HttpError(403, name, message, details === undefined ? {} : { details });

/** 403 PermissionDenied, the casl check: `You are not allowed to <action> on <subject>`. */
export const permissionDenied = (action: string, subject: string, details: unknown[]): HttpError =>
  new HttpError(403, "PermissionDenied", `You are not allowed to ${action} on ${subject}`, { details });

/** 403 TokenError: a bad, expired or malformed JWT. */
export const tokenError = (message: string): HttpError => new HttpError(403, "TokenError", message);

/** 404 NotFound (or a custom name such as `SecretPathNotFound`). */
export const notFound = (message = "The requested entity is not found", name = "NotFound"): HttpError =>
  new HttpError(404, name, message);

/** 422 ValidationFailure with zod issues. */
export const validationFailure = (issues: ValidationIssue[]): HttpError => new HttpError(422, "ValidationFailure", issues);

/** 500 "Something went wrong"; `bare` drops reqId as the late-2024 bodies the reference quotes. */
export const internalError = (name = "InternalServerError", bare = false): HttpError =>
  new HttpError(500, name, "Something went wrong", bare ? { shape: "bare" } : {});

/** Fastify's 404 for a route that does not exist: `Route GET:/api/v4/secrets?... not found`. */
export const routeNotFound = (method: string, rawUrl: string): HttpError =>
  new HttpError(404, "Not Found", `Route ${method}:${rawUrl} not found`, { shape: "route-not-found" });

/** One helper to turn anything thrown into a message. */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
