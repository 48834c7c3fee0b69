import { randomUUID } from "node:crypto";

import type { App, Authenticated, RequestContext } from "../context.js";
import { badRequest, tokenError, unauthorized } from "../errors.js";
import { authenticateServiceToken } from "./service-tokens.js";
import { JwtError, signJwt, verifyJwt, type JwtPayload } from "../jwt.js";
import type { AccessTokenRecord, AuthMethod, Identity, TokenLifetime } from "../store.js";

/**
 * Identity access tokens: HS256 JWTs signed with the server's auth secret, backed by a token record that carries
 * the TTL, max TTL, use limit and revocation (`identity-access-token-service.ts` on the real server).
 */

/** The body every login and renew answers with. */
export interface TokenResponse {
  accessToken: string;
  expiresIn: number;
  accessTokenMaxTTL: number;
  tokenType: "Bearer";
}

/** The real server's messages for jsonwebtoken failures (error-handler.ts). */
const TOKEN_MESSAGES: Record<string, string> = {
  "jwt expired": "Your token has expired. Please re-authenticate.",
  "jwt malformed": "The provided access token is malformed. Please use a valid token or generate a new one and try again.",
  "invalid algorithm": "The access token is signed with an invalid algorithm. Please provide a valid token and try again.",
};

/** Verifies a JWT of this server; a failure is the 403 TokenError the real server answers. */
export const verifyServerJwt = (app: App, token: string): JwtPayload => {
  try {
    return verifyJwt(token, app.authSecret, { now: app.now() });
  } catch (error) {
    if (error instanceof JwtError) throw tokenError(TOKEN_MESSAGES[error.message] ?? error.message);
    throw error;
  }
};

const signToken = (app: App, claims: JwtPayload, ttl: number): string =>
  signJwt({ ...claims, authTokenType: "identityAccessToken" }, app.authSecret, {
    algorithm: "HS256",
    now: app.now(),
    ...(ttl > 0 ? { expiresIn: ttl } : {}),
  });

/**
 * Creates a token record and its JWT. `period > 0` makes a periodic token (expiresIn = period, max TTL 1000000000).
 * `claims` go into the JWT beside `identityId`, `identityAccessTokenId` and `authTokenType`.
 */
export const issueAccessToken = (
  app: App,
  identity: Identity,
  method: AuthMethod,
  lifetime: TokenLifetime & { accessTokenPeriod?: number },
  claims: JwtPayload = {},
  clientSecretId?: string,
): TokenResponse => {
  const period = lifetime.accessTokenPeriod ?? 0;
  const record: AccessTokenRecord = app.store.addToken({
    id: randomUUID(),
    identityId: identity.id,
    authMethod: method,
    clientSecretId,
    createdAt: app.now(),
    lastRenewedAt: undefined,
    ttl: period > 0 ? period : lifetime.accessTokenTTL,
    maxTTL: period > 0 ? 1000000000 : lifetime.accessTokenMaxTTL,
    period,
    numUses: 0,
    numUsesLimit: lifetime.accessTokenNumUsesLimit,
    revoked: false,
  });
  const payload: JwtPayload = {
    identityId: identity.id,
    ...(clientSecretId !== undefined ? { clientSecretId } : {}),
    identityAccessTokenId: record.id,
    ...claims,
  };
  return { accessToken: signToken(app, payload, record.ttl), expiresIn: record.ttl, accessTokenMaxTTL: record.maxTTL, tokenType: "Bearer" };
};

/** The record behind a verified JWT; revoked or unknown tokens are 401 "No identity access token found". */
const liveRecord = (app: App, payload: JwtPayload): AccessTokenRecord => {
  const id = payload["identityAccessTokenId"];
  const record = typeof id === "string" ? app.store.tokens.get(id) : undefined;
  if (!record || record.revoked) throw unauthorized("No identity access token found");
  return record;
};

/** Use limit and TTL (counted from the last renew, else from creation), as `validateAccessTokenExp`. */
const validateExpiry = (app: App, record: AccessTokenRecord): void => {
  if (record.numUsesLimit > 0 && record.numUses > 0 && record.numUses >= record.numUsesLimit) {
    app.store.tokens.delete(record.id);
    throw unauthorized("Unable to renew because access token number of uses limit reached");
  }
  if (record.ttl > 0 && app.now() > (record.lastRenewedAt ?? record.createdAt) + record.ttl * 1000) {
    app.store.tokens.delete(record.id);
    throw unauthorized("Failed to renew MI access token due to TTL expiration");
  }
};

/**
 * Authenticates a request like `inject-identity` + `verifyAuth`: `x-api-key` is refused, the Authorization header
 * loses its first 7 characters whatever they are, `st.` tokens are service tokens, anything else must be an
 * identity access JWT of this server with a live record. Each successful call counts one use of the token.
 */
export const authenticate = (app: App, ctx: RequestContext): Authenticated => {
  if (ctx.headers["x-api-key"]) {
    throw badRequest("API key authentication is not supported anymore. Please switch to identity authentication.");
  }
  const header = ctx.headers.authorization;
  const token = typeof header === "string" ? header.slice(7) : "";
  if (!token) throw unauthorized("Token missing");
  if (token.startsWith("st.")) return authenticateServiceToken(app, ctx, token);
  const payload = verifyServerJwt(app, token);
  if (payload["authTokenType"] !== "identityAccessToken") throw unauthorized("Token missing");
  const record = liveRecord(app, payload);
  validateExpiry(app, record);
  record.numUses += 1;
  const identity = app.store.identity(record.identityId);
  if (!identity) throw unauthorized("No identity access token found");
  return { identity, token: record, serviceToken: undefined };
};

/** `POST /api/v1/auth/token/renew`: checks the token like the real server and returns a NEW JWT. */
export const renewAccessToken = (app: App, accessToken: string): TokenResponse => {
  const payload = verifyServerJwt(app, accessToken);
  if (payload["authTokenType"] !== "identityAccessToken") throw badRequest("Only identity access tokens can be renewed");
  const record = liveRecord(app, payload);
  validateExpiry(app, record);
  const now = app.now();
  if (record.maxTTL > 0 && record.period === 0) {
    const maxExpiry = record.createdAt + record.maxTTL * 1000;
    if (now > maxExpiry) {
      app.store.tokens.delete(record.id);
      throw unauthorized("Failed to renew MI access token due to Max TTL expiration");
    }
    if (now + record.ttl * 1000 > maxExpiry) {
      app.store.tokens.delete(record.id);
      throw unauthorized("Failed to renew MI access token past its Max TTL expiration");
    }
  }
  record.lastRenewedAt = now;
  const claims: JwtPayload = {
    identityId: payload["identityId"],
    ...(payload["clientSecretId"] !== undefined ? { clientSecretId: payload["clientSecretId"] } : {}),
    identityAccessTokenId: record.id,
  };
  return { accessToken: signToken(app, claims, record.ttl), expiresIn: record.ttl, accessTokenMaxTTL: record.maxTTL, tokenType: "Bearer" };
};

/** `POST /api/v1/auth/token/revoke`. */
export const revokeAccessToken = (app: App, accessToken: string): void => {
  const payload = verifyServerJwt(app, accessToken);
  if (payload["authTokenType"] !== "identityAccessToken") throw unauthorized("Only identity access tokens can be revoked");
  liveRecord(app, payload).revoked = true;
};
