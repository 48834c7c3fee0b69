/**
 * Logging in from the action's config, for the main step and for the post step (which logs in again when the saved
 * token has expired before the leases could be revoked).
 */
import { type AuthConfig, type HttpClient, type InfisicalHttpClient, type Session, createSession, parseServiceToken } from "@secrets-action/core";
import type { ActionConfig, RunnerEnv } from "./config.js";
import { httpClient } from "./http.js";
import { requestIdToken } from "./id-token.js";
import type { Runner } from "./runner.js";

/** A session and the clients under it; `close` ends their connections. */
export interface ActionSession {
  session: Session;
  auth: AuthConfig;
  http: InfisicalHttpClient;
  close(): Promise<void>;
}

/** Creates (does not yet log in) a session for the configured method; every credential is masked as it appears. */
export function openSession(config: ActionConfig, env: RunnerEnv, runner: Runner): ActionSession {
  const http = httpClient(config, env, runner);
  // OIDC asks the runner's token service for a fresh JWT on every login attempt: one client for all of them.
  const tokenService = config.auth.method === "oidc" ? httpClient(config, env, runner, new URL(config.auth.requestUrl).origin) : undefined;
  // The whole service token, and its key alone, are secrets too (only `st.<id>.<secret>` is ever sent).
  if (config.auth.method === "service-token") runner.maskAll([config.auth.serviceToken, parseServiceToken(config.auth.serviceToken).key ?? config.auth.serviceToken]);
  const auth = authConfig(config, runner, tokenService);
  return {
    session: createSession(http, auth),
    auth,
    http,
    close: async () => {
      await Promise.all([http.close(), tokenService?.close()]);
    },
  };
}

function authConfig(config: ActionConfig, runner: Runner, tokenService: HttpClient | undefined): AuthConfig {
  const auth = config.auth;
  switch (auth.method) {
    case "service-token":
      return { method: "service-token", serviceToken: auth.serviceToken };
    case "universal":
      return { method: "universal", clientId: auth.clientId, clientSecret: auth.clientSecret };
    case "token":
      return { method: "token", accessToken: auth.token };
    case "aws-iam":
      return {
        method: "aws-iam",
        identityId: auth.identityId,
        region: auth.region,
        credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: auth.secretAccessKey, ...(auth.sessionToken ? { sessionToken: auth.sessionToken } : {}) },
      };
    case "oidc": {
      if (!tokenService) throw new Error("oidc: no client for the runner's token service");
      return {
        method: "oidc",
        identityId: auth.identityId,
        // Minted again for every login attempt: an ID token is short-lived.
        getJwt: async () => {
          const jwt = await requestIdToken(tokenService, auth);
          runner.mask(jwt);
          return jwt;
        },
      };
    }
  }
}

