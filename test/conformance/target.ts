import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startDevServer } from "@secrets-action/dev-server";

/** Where the conformance suite sends its requests, and with which credentials. */
export interface ConformanceTarget {
  url: string;
  /** True against the embedded dev server; false against a real server named by INFISICAL_URL. */
  dev: boolean;
  projectId: string;
  projectSlug: string;
  clientId: string;
  clientSecret: string;
  viewer: { clientId: string; clientSecret: string } | undefined;
  close(): Promise<void>;
}

export const fixturePath = join(dirname(fileURLToPath(import.meta.url)), "fixture.yaml");

/**
 * The embedded dev server seeded with fixture.yaml, or — when INFISICAL_URL is set — a real server, with
 * INFISICAL_CLIENT_ID / INFISICAL_CLIENT_SECRET / INFISICAL_PROJECT_ID / INFISICAL_PROJECT_SLUG (and optionally
 * INFISICAL_VIEWER_CLIENT_ID / INFISICAL_VIEWER_CLIENT_SECRET) describing a project laid out as fixture.yaml.
 */
export async function conformanceTarget(): Promise<ConformanceTarget> {
  const env = process.env;
  if (env["INFISICAL_URL"]) {
    const need = (name: string): string => {
      const value = env[name];
      if (!value) throw new Error(`conformance: INFISICAL_URL is set, so ${name} is needed too`);
      return value;
    };
    return {
      url: env["INFISICAL_URL"].replace(/\/+$/, ""),
      dev: false,
      projectId: need("INFISICAL_PROJECT_ID"),
      projectSlug: need("INFISICAL_PROJECT_SLUG"),
      clientId: need("INFISICAL_CLIENT_ID"),
      clientSecret: need("INFISICAL_CLIENT_SECRET"),
      viewer:
        env["INFISICAL_VIEWER_CLIENT_ID"] && env["INFISICAL_VIEWER_CLIENT_SECRET"]
          ? { clientId: env["INFISICAL_VIEWER_CLIENT_ID"], clientSecret: env["INFISICAL_VIEWER_CLIENT_SECRET"] }
          : undefined,
      close: async () => {},
    };
  }
  const server = await startDevServer({ seed: fixturePath });
  return {
    url: server.url,
    dev: true,
    projectId: "9f6a3a52-8f2e-4b8a-9d0b-2b8f2c1e7a10",
    projectSlug: "conformance",
    clientId: "conformance-client-id",
    clientSecret: "conformance-client-secret",
    viewer: { clientId: "conformance-viewer-id", clientSecret: "conformance-viewer-secret" },
    close: () => server.close(),
  };
}

/** A secret in an answer: the fields the suite reads by name (the others are checked with toMatchObject). */
export interface SecretJson {
  secretKey: string;
  secretValue: string;
  secretPath: string;
  environment: string;
  [field: string]: unknown;
}

/**
 * An answer as the suite reads it: the fields of a list, a secret, a token or an error body, each asserted by the test
 * that reads it (an answer that is not JSON is left as its text).
 */
export interface ApiJson {
  secrets: SecretJson[];
  imports: { secretPath: string; environment: string; secrets: SecretJson[] }[];
  secret: SecretJson;
  accessToken: string;
  tokenType: string;
  statusCode: number;
  error: string;
  message: unknown;
  [field: string]: unknown;
}

/** A JSON request; resolves with the status and parsed body (or raw text when not JSON). */
export async function call(
  target: ConformanceTarget,
  method: string,
  path: string,
  options: { token?: string; query?: Record<string, string>; json?: unknown; form?: Record<string, string> } = {},
): Promise<{ status: number; body: ApiJson }> {
  const url = new URL(target.url + path);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (options.token) headers["authorization"] = `Bearer ${options.token}`;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(options.form).toString();
  }
  const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Left as text: some answers (a proxy's page) are not JSON, and the test says so.
  }
  return { status: response.status, body: parsed as ApiJson };
}

/** Logs in with universal auth and returns the access token. */
export async function login(target: ConformanceTarget, clientId = target.clientId, clientSecret = target.clientSecret): Promise<string> {
  const { status, body } = await call(target, "POST", "/api/v1/auth/universal-auth/login", { json: { clientId, clientSecret } });
  if (status !== 200) throw new Error(`login failed: ${status} ${JSON.stringify(body)}`);
  return body.accessToken;
}
