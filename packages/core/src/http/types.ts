/** The contract between core's modules and its HTTP client. Implemented by `createHttpClient` in client.ts. */
import type { ApiError } from "./api-error.js";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** One request to the Infisical server. `path` is below the server root, e.g. `/api/v3/secrets/raw`. */
export interface HttpRequest {
  method: HttpMethod;
  path: string;
  /** Query parameters; `undefined` values are left out, booleans are sent as "true"/"false". */
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body. */
  json?: unknown;
  /** application/x-www-form-urlencoded body (the official action posts its logins this way). */
  form?: Record<string, string>;
  /** Bearer token for the Authorization header. */
  token?: string;
  /** Per-request headers on top of the client's extra headers. */
  headers?: Record<string, string>;
  /**
   * Called before every attempt, so a credential can be minted again for each try (OIDC JWTs are short-lived).
   * Whatever it returns replaces `json`/`form`.
   */
  refreshBody?: () => Promise<{ json?: unknown; form?: Record<string, string> }>;
  /** Never retry this request, whatever the failure (default false). */
  noRetry?: boolean;
  /**
   * `unprocessed`: retry only failures that prove the server did not act on the request (429, a refused connection,
   * a name that did not resolve), for requests that must not run twice, such as creating a lease. Default `default`.
   */
  retryPolicy?: "default" | "unprocessed";
  /**
   * Also retry an answer this says is safe to repeat, whatever its status and `retryPolicy`: a lease the provider
   * refused over a conflict it rolled back, for instance. Still within the attempt budget and the deadline.
   */
  retryAlso?: (error: ApiError) => boolean;
  /**
   * Reads a 2xx answer as it arrives instead of whole; made again for every attempt. Without it, the whole answer is
   * read and parsed as JSON.
   */
  bodyReader?: () => BodyReader;
  /**
   * What the request is about, so an error can name it ("identity X lacks access to environment dev of project Y").
   * Filled from the query (`workspaceSlug`, `workspaceId`, `projectId`, `environment`, `secretPath`) when not given.
   * Never put a secret here: it goes into messages.
   */
  context?: RequestContext;
}

/**
 * Takes a 2xx answer's bytes as they arrive, so a large answer need never be held whole. `end` gives the parsed JSON,
 * or the whole text for the client to parse as usual (a reader may decline an answer it does not recognise).
 */
export interface BodyReader {
  write(chunk: Buffer): void;
  end(): { value: unknown } | { text: string };
}

/** Non-secret names an error message may show. */
export interface RequestContext {
  project?: string | undefined;
  environment?: string | undefined;
  secretPath?: string | undefined;
  secretName?: string | undefined;
  identityId?: string | undefined;
}

/** A parsed JSON response. */
export interface HttpResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

/** What the client counted, for benchmarks and tests. */
export interface HttpStats {
  /** Requests started, counting each retry. */
  attempts: number;
  /** Logical requests (one per `request()` call). */
  requests: number;
  /** Retries made, by reason (e.g. "429", "503", "ECONNRESET", "timeout"). */
  retries: Record<string, number>;
}

/** Told about each retry before its wait, so an adapter can log it. */
export interface RetryEvent {
  method: HttpMethod;
  path: string;
  attempt: number;
  reason: string;
  delayMs: number;
  /** The failure being retried, as one log line (never holds a secret). */
  error?: string;
}

export interface HttpClient {
  readonly baseUrl: string;
  /** Sends the request with timeouts and retries; resolves on 2xx, throws ApiError / SecretsActionError otherwise. */
  request<T>(request: HttpRequest): Promise<HttpResponse<T>>;
  readonly stats: HttpStats;
  /** Closes the keep-alive connections. */
  close(): Promise<void>;
}
