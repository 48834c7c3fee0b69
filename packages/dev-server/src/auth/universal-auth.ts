import { timingSafeEqual } from "node:crypto";

import type { App } from "../context.js";
import { unauthorized } from "../errors.js";
import { hashSecret, type ClientSecret, type Identity, type UniversalAuthConfig } from "../store.js";
import { issueAccessToken, type TokenResponse } from "./access-tokens.js";

/**
 * Universal Auth login, in the order of `identity-ua-service.ts`: unknown client id, lockout, secret lookup by
 * 4-character prefix, failed-attempt counting, client secret TTL, use limit, then a token.
 */

const LOCKED = "This identity auth method is temporarily locked, please try again later";

const lockoutKey = (identity: Identity, clientId: string): string => `lockout:identity:${identity.id}:universal-auth:${clientId}`;

const sameHash = (a: string, b: string): boolean => {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
};

const findClientSecret = (config: UniversalAuthConfig, clientSecret: string): ClientSecret | undefined => {
  const prefix = clientSecret.slice(0, 4);
  const hash = hashSecret(clientSecret);
  return config.clientSecrets.find((candidate) => !candidate.revoked && candidate.prefix === prefix && sameHash(candidate.hash, hash));
};

/** Logs in with a client id and secret; every failure is a 401 with the real server's message. */
export const universalAuthLogin = (app: App, clientId: string, clientSecret: string, note: (text: string) => void): TokenResponse => {
  const identity = app.store.identityByClientId(clientId);
  const config = identity?.universalAuth;
  if (!identity || !config) {
    note("unknown client id");
    throw unauthorized("Invalid credentials");
  }
  const now = app.now();
  const key = lockoutKey(identity, clientId);
  const stored = app.store.lockouts.get(key);
  const lockout = stored && stored.expiresAt > now ? stored : undefined;
  if (stored && !lockout) app.store.lockouts.delete(key);
  if (lockout?.lockedOut) {
    note("locked out");
    throw unauthorized(LOCKED);
  }

  const secret = findClientSecret(config, clientSecret);
  if (!secret) {
    if (config.lockoutEnabled) {
      const next = { failedAttempts: (lockout?.failedAttempts ?? 0) + 1, lockedOut: false, expiresAt: 0 };
      next.lockedOut = next.failedAttempts >= config.lockoutThreshold;
      next.expiresAt = now + (next.lockedOut ? config.lockoutDurationSeconds : config.lockoutCounterResetSeconds) * 1000;
      app.store.lockouts.set(key, next);
      note(next.lockedOut ? `wrong client secret; now locked for ${config.lockoutDurationSeconds}s` : `wrong client secret (${next.failedAttempts} of ${config.lockoutThreshold})`);
    } else {
      note("wrong client secret");
    }
    throw unauthorized("Invalid credentials");
  }
  if (lockout) app.store.lockouts.delete(key);

  if (secret.ttl > 0 && now > secret.createdAt + secret.ttl * 1000) {
    secret.revoked = true;
    note("client secret expired");
    throw unauthorized("Access denied due to expired client secret");
  }
  if (secret.numUsesLimit > 0 && secret.numUses >= secret.numUsesLimit) {
    secret.revoked = true;
    note("client secret use limit reached");
    throw unauthorized("Access denied due to client secret usage limit reached");
  }
  secret.numUses += 1;
  return issueAccessToken(app, identity, "universal-auth", config, {}, secret.id);
};
