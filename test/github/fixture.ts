/** The project the action's end-to-end tests read: every kind of value that has broken secrets actions before. */
import { startDevServer, type DevServer } from "@secrets-action/dev-server";

export const PROJECT = { slug: "e2e", id: "8a1e2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b" };
export const CLIENT = { clientId: "e2e-client-id", clientSecret: "e2e-client-secret-5d7f9b1c" };
export const VIEWER = { clientId: "e2e-viewer-id", clientSecret: "e2e-viewer-secret-8e0a2c4d" };
export const OIDC_IDENTITY = "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e";

const pem = [
  "-----BEGIN RSA PRIVATE KEY-----",
  "MIIEowIBAAKCAQEA1c7+9Ae2Yx0pQ8vN3kF5mR2tL6wJ9hS4dX1zB7cV0nK8yU3e",
  "Qw5rT2gH6jM9pL4sD7fA1xC3vB8nZ0kY5uI2oE6tR9wQ4aS7dF1gH3jK5lZ8xC0v",
  "-----END RSA PRIVATE KEY-----",
].join("\n");

/** The folder's own secrets, by key: the exact values a later step must see. */
export const ROOT_SECRETS: Record<string, string> = {
  PLAIN_VALUE: "plain-value-1234",
  PEM_KEY: pem,
  JSON_VALUE: '{"user":"svc-account","password":"json-leaf-password-77","nested":{"token":"nested-leaf-token-88"}}',
  QUOTES: `it's "double" and 'single' quoted`,
  DOLLARS: "cost $HOME ${PATH} $(whoami) `id` \\ backslash",
  UNICODE: "ünïcødé ✓ 🔑 مرحبا 中文",
  EMPTY_VALUE: "",
  LARGE_VALUE: `large-${"0123456789abcdef".repeat(2560)}`,
  TRAILING_NEWLINE: "ends with a newline\n",
  WORKFLOW_COMMAND: "::warning::not a real warning %0A::add-mask::x",
  SHORT: "true",
  SHADOWED: "root-wins-over-import",
};

export const IMPORTED: Record<string, string> = { FROM_IMPORT: "imported-value-42", SHADOWED: "import-loses" };
export const NESTED: Record<string, string> = { NESTED_ONLY: "nested-value-99", SHADOWED: "nested-deeper-value" };

export function seed(): Record<string, unknown> {
  return {
    projects: [
      {
        slug: PROJECT.slug,
        id: PROJECT.id,
        environments: ["dev", "prod"],
        secrets: {
          dev: { "/": ROOT_SECRETS, "/shared": IMPORTED, "/app/config": NESTED, "/names": { "my-key": "dash-name-value", "dotted.key": "dotted-value-1", PATH: "/evil/bin", Foo: "lower-foo-value", FOO: "upper-foo-value" } },
        },
        imports: { dev: { "/": [{ environment: "dev", path: "/shared" }] } },
      },
    ],
    identities: [
      { name: "e2e", projects: { [PROJECT.slug]: "member" }, universalAuth: { clientId: CLIENT.clientId, clientSecrets: [{ secret: CLIENT.clientSecret }], accessTokenTTL: 3600, accessTokenMaxTTL: 86400 } },
      { name: "e2e-viewer", projects: {}, universalAuth: { clientId: VIEWER.clientId, clientSecrets: [{ secret: VIEWER.clientSecret }] } },
      {
        id: OIDC_IDENTITY,
        name: "e2e-github",
        projects: { [PROJECT.slug]: "viewer" },
        oidcAuth: {
          oidcDiscoveryUrl: "{{self}}/__oidc",
          boundIssuer: "{{self}}/__oidc",
          boundAudiences: "https://github.com/octo-org, infisical-e2e",
          boundSubject: "repo:octo-org/app:ref:refs/heads/*",
          boundClaims: { repository: "octo-org/app" },
          accessTokenTTL: 600,
          accessTokenMaxTTL: 600,
        },
      },
    ],
  };
}

/** Every value of the fixture, by a name, for the leak scanner. */
export const ALL_SECRETS: Record<string, string> = {
  ...ROOT_SECRETS,
  ...Object.fromEntries(Object.entries(IMPORTED).map(([k, v]) => [`shared/${k}`, v])),
  ...Object.fromEntries(Object.entries(NESTED).map(([k, v]) => [`app/${k}`, v])),
  CLIENT_SECRET: CLIENT.clientSecret,
  JSON_LEAF_PASSWORD: "json-leaf-password-77",
  JSON_LEAF_TOKEN: "nested-leaf-token-88",
};

export async function startFixtureServer(options: Parameters<typeof startDevServer>[0] = {}): Promise<DevServer> {
  return startDevServer({ seed: seed(), log: false, ...options });
}

/** Inputs for universal auth against `server`, in the official action's vocabulary. */
export function universalInputs(server: DevServer, extra: Record<string, string> = {}): Record<string, string> {
  return { domain: server.url, "client-id": CLIENT.clientId, "client-secret": CLIENT.clientSecret, "project-slug": PROJECT.slug, "env-slug": "dev", ...extra };
}
