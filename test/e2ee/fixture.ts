/** A legacy end-to-end encrypted project on the dev server, its service tokens, and a raw project read with one. */
import { startDevServer, type DevServer } from "@secrets-action/dev-server";

export const LEGACY = { slug: "legacy-e2ee", id: "9b2f3c4d-5e6f-4a70-8b81-a2b3c4d5e6f7" };
export const MODERN = { slug: "modern-kms", id: "0c3d4e5f-6a7b-4c8d-9e0f-b1c2d3e4f5a6" };
export const PROJECT_KEY = "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e";
const TOKEN_KEY = "e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9";

/** `st.<id>.<secret>.<key>`: what a user puts in INFISICAL_TOKEN. */
export const TOKENS = {
  /** Read, one scope dev:/ — project and environment come from it. */
  read: `st.5e1a.e2ee-read-secret-71c4.${TOKEN_KEY}`,
  /** Read and write, dev and prod. */
  write: `st.5e1b.e2ee-write-secret-82d5.${TOKEN_KEY}`,
  /** The same id and secret with another key: authenticates, but cannot unwrap the project key. */
  wrongKey: `st.5e1a.e2ee-read-secret-71c4.00000000000000000000000000000000`,
  modern: `st.5e1c.modern-secret-93e6.${TOKEN_KEY}`,
} as const;

const pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\nAAAAC3NzaC1lZDI1NTE5AAAAIHc0\n-----END OPENSSH PRIVATE KEY-----";

/** The plaintexts of the E2EE project's dev:/ folder: exactly what later steps must see. */
export const E2EE_SECRETS: Record<string, string> = {
  DATABASE_URL: "postgres://legacy:Pa55w0rd-e2ee@db.internal:5432/app",
  DEPLOY_KEY: pem,
  GREETING: "grüß dich ✓ 🔐 ключ",
  JSON_CONFIG: '{"api":"https://api.internal","secret":"json-leaf-e2ee-4411"}',
  SPACES_AND_QUOTES: `  it's "quoted"  `,
};
export const SHARED_SECRETS: Record<string, string> = { FROM_IMPORT: "imported-e2ee-value-55" };
export const PROD_SECRETS: Record<string, string> = { PROD_ONLY: "prod-e2ee-value-66" };
export const MODERN_SECRETS: Record<string, string> = { MODERN_VALUE: "server-decrypted-value-77" };

export function seed(): Record<string, unknown> {
  return {
    projects: [
      {
        slug: LEGACY.slug,
        id: LEGACY.id,
        environments: ["dev", "prod"],
        e2ee: { projectKey: PROJECT_KEY },
        secrets: { dev: { "/": E2EE_SECRETS, "/shared": SHARED_SECRETS }, prod: { "/": PROD_SECRETS } },
        imports: { dev: { "/": [{ environment: "dev", path: "/shared" }] } },
      },
      { slug: MODERN.slug, id: MODERN.id, environments: ["dev"], secrets: { dev: { "/": MODERN_SECRETS } } },
    ],
    serviceTokens: [
      { name: "ci-read", project: LEGACY.slug, token: TOKENS.read, scopes: [{ environment: "dev", secretPath: "/" }] },
      { name: "ci-write", project: LEGACY.slug, token: TOKENS.write, scopes: [{ environment: "dev", secretPath: "/**" }, { environment: "prod", secretPath: "/" }], permissions: ["read", "write"] },
      { name: "modern", project: MODERN.slug, token: TOKENS.modern, scopes: [{ environment: "dev", secretPath: "/" }] },
    ],
  };
}

/** Every plaintext, by a name, for the leak scanner (and the store inspection). */
export const ALL_PLAINTEXTS: Record<string, string> = {
  ...E2EE_SECRETS,
  ...SHARED_SECRETS,
  ...PROD_SECRETS,
  JSON_LEAF: "json-leaf-e2ee-4411",
  TOKEN_READ: TOKENS.read,
  TOKEN_WRITE: TOKENS.write,
  TOKEN_KEY,
  PROJECT_KEY,
};

export function startE2eeServer(): Promise<DevServer> {
  return startDevServer({ seed: seed(), log: false });
}
