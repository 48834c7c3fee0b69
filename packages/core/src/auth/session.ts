import { SecretsActionError } from "../errors.js";
import { isApiError } from "../http/api-error.js";
import { isExpiredTokenError } from "./expired-token.js";
import type { HttpClient } from "../http/types.js";
import { login } from "./login.js";
import { renewAccessToken } from "./renew.js";
import { revokeAccessToken } from "./revoke.js";
import type { AccessToken, AuthConfig, AuthMethod } from "./types.js";

export interface SessionOptions {
  /** Clock in ms (default Date.now). */
  now?: (() => number) | undefined;
  /**
   * Renew when the token has less than this left, in ms. Default: 10% of its lifetime but at least 60 s, and never
   * more than half of it (so a short-lived token is not renewed on every request).
   */
  renewBeforeMs?: number | undefined;
}

/** A logged-in identity: the HTTP client and a token that stays valid for the whole run. */
export interface Session {
  readonly http: HttpClient;
  readonly method: AuthMethod;
  /** The access token, logging in on first use (once per session) and renewing it near its expiry. */
  token(): Promise<string>;
  /** The token as last obtained (undefined before the first `token()`), e.g. for an output. */
  current(): AccessToken | undefined;
  /** Renews now (POST /api/v1/auth/token/renew); logs in again if the token is past its max TTL. */
  renew(): Promise<void>;
  /** Revokes the token (POST /api/v1/auth/token/revoke); 'already revoked' is fine. The session is unusable after. */
  revoke(): Promise<void>;
}

/** Renewal margin in ms for a token living `ttlMs`. */
export function renewMargin(ttlMs: number, renewBeforeMs: number | undefined): number {
  if (renewBeforeMs !== undefined) return renewBeforeMs;
  return Math.min(Math.max(ttlMs * 0.1, 60_000), ttlMs / 2);
}

/**
 * The renew failed because the token cannot be renewed any more (max TTL, TTL passed, use limit, or a JWT already
 * expired — after a long retry wait): log in again.
 */
function needsNewLogin(error: unknown): boolean {
  return (isApiError(error) && error.status === 401 && /ttl|uses? limit/i.test(error.serverMessage ?? "")) || isExpiredTokenError(error);
}

/**
 * Creates the run's session. Logs in lazily on the first `token()`, exactly once (concurrent callers share the login;
 * a failed login is not repeated, since each failure counts towards the identity's lockout).
 */
export function createSession(http: HttpClient, auth: AuthConfig, options: SessionOptions = {}): Session {
  const now = options.now ?? Date.now;
  /** Only methods whose credentials can be used again may log in a second time (OIDC mints a new JWT). */
  const canLoginAgain = auth.method !== "token" && auth.method !== "service-token";
  let state: AccessToken | undefined;
  let pending: Promise<AccessToken> | undefined;
  let loginFailure: unknown;
  let revoked = false;

  /** Runs one token-producing step at a time; everyone waiting shares its result. */
  const exclusive = (work: () => Promise<AccessToken>): Promise<AccessToken> => {
    pending ??= work()
      .then((token) => {
        state = token;
        return token;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };

  const firstLogin = async (): Promise<AccessToken> => {
    try {
      return await login(http, auth, { now });
    } catch (error: unknown) {
      loginFailure = error;
      throw error;
    }
  };

  const renewOrLogin = async (current: AccessToken): Promise<AccessToken> => {
    try {
      return await renewAccessToken(http, current.accessToken, { now });
    } catch (error: unknown) {
      if (canLoginAgain && needsNewLogin(error)) return login(http, auth, { now });
      throw error;
    }
  };

  const dueForRenewal = (token: AccessToken): boolean => {
    // A token handed in from outside is used as is: renewing it would mint one its owner does not know about.
    if (auth.method === "token" || auth.method === "service-token" || token.expiresIn <= 0) return false;
    const ttlMs = token.expiresIn * 1000;
    return now() >= token.obtainedAt + ttlMs - renewMargin(ttlMs, options.renewBeforeMs);
  };

  const assertUsable = (): void => {
    if (revoked) {
      throw new SecretsActionError("AUTH", "the session's access token was revoked", {
        hint: "revoke() ends the session: create a new session to make more requests",
      });
    }
    if (loginFailure !== undefined) throw loginFailure;
  };

  return {
    http,
    method: auth.method,
    current: () => state,
    async token(): Promise<string> {
      assertUsable();
      if (pending !== undefined) return (await pending).accessToken;
      if (state === undefined) return (await exclusive(firstLogin)).accessToken;
      const current = state;
      if (dueForRenewal(current)) return (await exclusive(() => renewOrLogin(current))).accessToken;
      return current.accessToken;
    },
    async renew(): Promise<void> {
      assertUsable();
      if (pending !== undefined) await pending;
      if (state === undefined) {
        await exclusive(firstLogin);
        return;
      }
      const current = state;
      await exclusive(() => renewOrLogin(current));
    },
    async revoke(): Promise<void> {
      if (revoked) return;
      if (pending !== undefined) {
        try {
          await pending;
        } catch {
          // nothing was obtained, so nothing to revoke
        }
      }
      const current = state;
      // A service token is not an access token: the revoke endpoint does not know it, and its owner manages it.
      if (current !== undefined && auth.method !== "service-token" && (auth.method !== "token" || auth.revoke === true)) {
        // On failure the session keeps its token, so the caller may try revoke() again.
        await revokeAccessToken(http, current.accessToken);
      }
      revoked = true;
      state = undefined;
    },
  };
}
