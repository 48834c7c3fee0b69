import type { IncomingHttpHeaders } from "node:http";

import type { Store, Identity, AccessTokenRecord, ServiceTokenRecord } from "./store.js";
import type { OidcIssuer } from "./oidc-issuer.js";
import type { FaultController } from "./faults.js";
import type { RequestLog } from "./request-log.js";
import type { RateLimiter } from "./rate-limit.js";
import type { LeaseManager } from "./dynamic/lease-manager.js";

/** The request as handlers see it: parsed once by the server, before the route runs. */
export interface RequestContext {
  /** `req-…`, echoed in error bodies. */
  reqId: string;
  method: string;
  /** Without the query string. */
  path: string;
  /** Path and query string as received (fastify's 404 message quotes it). */
  rawUrl: string;
  /** Repeated keys become arrays, as fastify's querystring parser does. */
  query: Record<string, string | string[]>;
  headers: IncomingHttpHeaders;
  /** The client address: the first X-Forwarded-For entry, else the socket's. */
  ip: string;
  params: Record<string, string>;
  /** JSON or form body; undefined when there is none. */
  body: unknown;
  /** The caller, on routes that take a token. */
  auth: Authenticated | undefined;
  /** Adds a note to this request's log record (why a login failed, ...). Never a secret. */
  note(text: string): void;
}

/** A verified identity access token. */
export interface Authenticated {
  identity: Identity;
  /** The identity access token; undefined for a service token. */
  token: AccessTokenRecord | undefined;
  /** Set when the caller is a legacy service token (its `identity` then stands for the token's scopes). */
  serviceToken: ServiceTokenRecord | undefined;
}

/** What a route answers. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A JSON reply. */
export const json = (status: number, data: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8", ...headers },
  body: JSON.stringify(data),
});

/** Everything a route handler may use: the state and the server's services. */
export interface App {
  readonly store: Store;
  /** The clock, in ms (injectable for tests). */
  now(): number;
  /** HS256 secret of access tokens. */
  readonly authSecret: string;
  /** Whether /api/v4 routes exist (false = a late-2024 server). */
  readonly v4: boolean;
  /** The server's own URL, e.g. http://127.0.0.1:54321. */
  url(): string;
  readonly oidc: OidcIssuer;
  readonly faults: FaultController;
  readonly requests: RequestLog;
  readonly rateLimit: RateLimiter;
  /** Dynamic secret leases: provider calls, expiry timers, retries. */
  readonly dynamicSecrets: LeaseManager;
  /** Puts the store back to the seed the server started with. */
  reset(): void;
}
