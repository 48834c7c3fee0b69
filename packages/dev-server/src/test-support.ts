import { startDevServer, type DevServer, type DevServerOptions } from "./server.js";
import type { Seed } from "./seed.js";

/** Shared fixtures of the dev server's own tests (not part of the package API). */

export const PROJECT_ID = "11111111-1111-4111-8111-111111111111";
export const OTHER_PROJECT_ID = "22222222-2222-4222-8222-222222222222";
export const OIDC_IDENTITY_ID = "33333333-3333-4333-8333-333333333333";
export const AWS_IDENTITY_ID = "44444444-4444-4444-8444-444444444444";

export const MEMBER = { clientId: "member-client", clientSecret: "member-secret-1234" };
export const VIEWER = { clientId: "viewer-client", clientSecret: "viewer-secret-5678" };
export const OUTSIDER = { clientId: "outsider-client", clientSecret: "outsider-secret-9012" };
export const DEV_ONLY = { clientId: "devonly-client", clientSecret: "devonly-secret-3456" };

/** A small project with every feature the tests need. */
export const testSeed = (): Seed => ({
  projects: [
    {
      slug: "demo",
      id: PROJECT_ID,
      environments: ["dev", "staging", "prod"],
      tags: [{ slug: "db", name: "Database", color: "#ff0000" }, "api"],
      secrets: {
        dev: {
          "/": {
            HOST: "db.local",
            DB_URL: "postgres://${dev.app.db.USER}@${HOST}/${prod.DB_NAME}",
            API_KEY: { value: "key-123", comment: "api key", tags: ["api"] },
            MISSING_REF: "x-${NOPE}-${dev.nowhere.KEY}-y",
            MULTI: "line1\nline2",
            MULTI_REF: { value: "${MULTI}", skipMultilineEncoding: true },
          },
          "/app": { APP_PORT: "3000" },
          "/app/db": { USER: { value: "app", tags: ["db"] }, PASSWORD: "pw" },
          "/shared": { REDIS_URL: "redis://shared", SHARED_REF: "${HOST_SHARED}", HOST_SHARED: "shared-host", DUP: "from-shared" },
          "/deep": { DEEP: "deep-value" },
        },
        prod: { "/": { DB_NAME: "appdb", API_KEY: "prod-key", DUP: "from-prod" } },
        staging: { "/": { ONLY_STAGING: "s" } },
      },
      folders: { dev: ["/empty"] },
      imports: {
        dev: { "/": [{ environment: "dev", path: "/shared" }, { environment: "prod", path: "/" }], "/shared": [{ environment: "dev", path: "/deep" }] },
      },
    },
    { slug: "other", id: OTHER_PROJECT_ID, secrets: { dev: { "/": { OTHER: "o" } } } },
  ],
  identities: [
    { name: "member", projects: { demo: "member" }, universalAuth: { clientId: MEMBER.clientId, clientSecrets: [MEMBER.clientSecret], accessTokenTTL: 3600, accessTokenMaxTTL: 7200 } },
    { name: "viewer", projects: { demo: "viewer" }, universalAuth: { clientId: VIEWER.clientId, clientSecrets: [VIEWER.clientSecret] } },
    { name: "outsider", projects: { other: "admin" }, universalAuth: { clientId: OUTSIDER.clientId, clientSecrets: [OUTSIDER.clientSecret] } },
    {
      name: "dev-only",
      projects: { demo: { role: "member", environments: ["dev"] } },
      universalAuth: { clientId: DEV_ONLY.clientId, clientSecrets: [DEV_ONLY.clientSecret] },
    },
    {
      id: OIDC_IDENTITY_ID,
      name: "gha",
      projects: { demo: "viewer" },
      oidcAuth: {
        oidcDiscoveryUrl: "{{self}}/__oidc",
        boundIssuer: "{{self}}/__oidc",
        boundAudiences: ["https://github.com/octo-org", "sts.amazonaws.com"],
        boundSubject: "repo:octo-org/app:ref:refs/heads/*",
        boundClaims: { repository: "octo-org/app", event_name: ["push", "workflow_dispatch"] },
        accessTokenTTL: 600,
        accessTokenMaxTTL: 1200,
      },
    },
  ],
});

/** A clock tests move by hand. */
export const manualClock = (start = Date.parse("2025-03-01T12:00:00Z")): { now: () => number; advance: (ms: number) => void; set: (ms: number) => void } => {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms), set: (ms) => (time = ms) };
};

export const startTestServer = (options: DevServerOptions = {}): Promise<DevServer> => startDevServer({ seed: testSeed(), ...options });

/** JSON shapes the tests read. */
export interface SecretJson {
  id: string;
  _id: string;
  workspace: string;
  environment: string;
  version: number;
  type: string;
  secretKey: string;
  secretValue: string;
  secretComment: string;
  skipMultilineEncoding: boolean;
  secretPath?: string;
  secretValueHidden?: boolean;
  createdAt?: string;
  updatedAt?: string;
  tags?: { id: string; slug: string; name: string; color: string }[];
  secretMetadata?: { key: string; value: string; isEncrypted: boolean }[];
}

export interface ImportJson {
  secretPath: string;
  environment: string;
  folderId?: string;
  secrets: SecretJson[];
}

export interface ListJson {
  secrets: SecretJson[];
  imports?: ImportJson[];
}

export interface TokenJson {
  accessToken: string;
  expiresIn: number;
  accessTokenMaxTTL: number;
  tokenType: string;
}

export interface ErrorJson {
  reqId?: string;
  statusCode: number;
  message: string | { code: string; path: (string | number)[]; message: string }[];
  error: string;
  details?: unknown;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  /** Parsed JSON (the text when the body is not JSON). */
  body: T;
}

/** A tiny HTTP client for the tests. */
export const client = (server: DevServer) => {
  const send = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; json?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers["authorization"] = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    } else if (options.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(options.form).toString();
    }
    const response = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  };
  return {
    send,
    get: <T = Record<string, unknown>>(path: string, token?: string) => send<T>("GET", path, token ? { token } : {}),
    post: <T = Record<string, unknown>>(path: string, json: unknown, token?: string) => send<T>("POST", path, { json, ...(token ? { token } : {}) }),
    patch: <T = Record<string, unknown>>(path: string, json: unknown, token?: string) => send<T>("PATCH", path, { json, ...(token ? { token } : {}) }),
    del: <T = Record<string, unknown>>(path: string, json: unknown, token?: string) => send<T>("DELETE", path, { json, ...(token ? { token } : {}) }),
    /** Universal-auth login; returns the access token (throws on failure). */
    login: async (credentials: { clientId: string; clientSecret: string }): Promise<string> => {
      const response = await send<TokenJson>("POST", "/api/v1/auth/universal-auth/login", { json: credentials });
      if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.accessToken;
    },
  };
};

export const query = (params: Record<string, string>): string => `?${new URLSearchParams(params).toString()}`;
