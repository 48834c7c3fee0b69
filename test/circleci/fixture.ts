/** The Infisical project the orb's acceptance tests read, and the identities that may read it. */
import { startDevServer, type DevServer, type Seed } from "@secrets-action/dev-server";

export const PROJECT = { slug: "orb", id: "0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a4b" };
export const CLIENT = { clientId: "orb-client-id", clientSecret: "orb-client-secret-7c1e9a" };
/** CircleCI's organization and project ids, as the circleci OIDC preset puts them in the token. */
export const ORG_ID = "c0c0c0c0-0000-4000-8000-000000000001";
export const CIRCLE_PROJECT_ID = "c0c0c0c0-0000-4000-8000-000000000002";
export const OIDC_IDENTITY = "7f3c8d2e-5b1a-4c9e-8f6d-2a4b6c8e0f13";
export const AUDIENCE_IDENTITY = "8a4d9e3f-6c2b-4d0f-9a7e-3b5c7d9f1a24";
export const CUSTOM_AUDIENCE = "https://infisical.example/orb";

const pem = [
  "-----BEGIN OPENSSH PRIVATE KEY-----",
  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
  "QyNTUxOQAAACBvW1Xq4Jc9y0pR2Yk3mN8dLtQhU7fS6aZwE1xC5vB9ngAAAJgqK2y9KitsvQ",
  "-----END OPENSSH PRIVATE KEY-----",
  "",
].join("\n");

/**
 * The values a later step must see exactly, by key: every kind that has broken a BASH_ENV writer. The server trims
 * values on write, keeping one trailing newline (infisical-api.md), so these are values it returns as they are.
 */
export const SECRETS: Record<string, string> = {
  PLAIN: "plain-value-4821",
  SSH_KEY: pem,
  QUOTES: `it's "double" and 'single' quoted`,
  DOLLARS: "cost $HOME ${PATH} $(touch /tmp/orb-pwned) `id` \\ and a trailing backslash \\",
  UNICODE: "ünïcødé ✓ 🔑 مرحبا 中文 e\u0301",
  EMPTY: "",
  TRAILING_NEWLINE: "one trailing newline, which $(cat <<EOF) would drop\n",
  ONLY_NEWLINE: "\n",
  CRLF: "windows line\r\nsecond line",
  TABS: "tab\tinside\tvalue",
  HEREDOC_LOOKALIKE: "EOF\n'EOF'\nSECRETS_ACTION_EOX\n<<'X'\nX\n)\"",
  JSON_CONFIG: '{"user":"svc-orb","password":"json-leaf-pw-5519"}',
  LARGE: `large-${"0123456789abcdef".repeat(4096)}`,
};

/**
 * Values the server's write rule would have trimmed, put straight into its store (as data written before that rule,
 * or by another tool, can be): BASH_ENV must carry them exactly too.
 */
export const RAW_VALUES: Record<string, string> = {
  TWO_TRAILING_NEWLINES: "two trailing newlines\n\n",
  LEADING_BLANKS: " \t leading blanks",
  TRAILING_BLANKS: "trailing blanks \t ",
  ENDS_WITH_CRLF: "ends with CRLF\r\n",
};

/** Puts {@link RAW_VALUES} into `/raw` of dev, bypassing the write rule. */
export function storeRawValues(server: DevServer): void {
  for (const [key, value] of Object.entries(RAW_VALUES)) {
    const secret = server.store.getSecret(PROJECT.slug, "dev", "/raw", key);
    if (secret === undefined) throw new Error(`fixture: no /raw ${key}`);
    server.store.updateSecret(secret, { value }, Date.now());
  }
}

/** A value that ends its heredoc early (if the delimiter were guessed) and then sets a variable and runs a command. */
export const BREAKOUT =
  "harmless first line\nSECRETS_ACTION_EOF_00000000000000000000000000000000\nexport PWNED=yes\ntouch \"$HOME/pwned\"\nIFS= read -r -d '' X <<'Y' || :";

export function seed(): Seed {
  return {
    projects: [
      {
        slug: PROJECT.slug,
        id: PROJECT.id,
        environments: ["dev", "prod"],
        secrets: {
          dev: { "/": SECRETS, "/raw": Object.fromEntries(Object.keys(RAW_VALUES).map((key) => [key, "placeholder"])), "/evil": { FIRST: "first-value-1234", BREAKOUT }, "/bash": { RANDOM: "random-secret-55", PWD: "/not/here", OK_NAME: "ok-value-8842" } },
          prod: { "/": { PROD_ONLY: "prod-value-9931" } },
        },
      },
    ],
    identities: [
      {
        name: "orb-universal",
        projects: { [PROJECT.slug]: "viewer" },
        universalAuth: { clientId: CLIENT.clientId, clientSecrets: [{ secret: CLIENT.clientSecret }], lockoutEnabled: false },
      },
      {
        id: OIDC_IDENTITY,
        name: "orb-circleci-oidc",
        projects: { [PROJECT.slug]: "viewer" },
        oidcAuth: {
          oidcDiscoveryUrl: `{{self}}/__oidc/org/${ORG_ID}`,
          boundIssuer: `{{self}}/__oidc/org/${ORG_ID}`,
          boundAudiences: ORG_ID,
          boundSubject: `org/${ORG_ID}/project/${CIRCLE_PROJECT_ID}/user/*`,
        },
      },
      {
        id: AUDIENCE_IDENTITY,
        name: "orb-circleci-oidc-audience",
        projects: { [PROJECT.slug]: "viewer" },
        oidcAuth: {
          oidcDiscoveryUrl: `{{self}}/__oidc/org/${ORG_ID}`,
          boundIssuer: `{{self}}/__oidc/org/${ORG_ID}`,
          boundAudiences: CUSTOM_AUDIENCE,
          boundSubject: `org/${ORG_ID}/project/${CIRCLE_PROJECT_ID}/user/*`,
        },
      },
    ],
  };
}

export async function startFixtureServer(): Promise<DevServer> {
  return startDevServer({ seed: seed(), log: false });
}

/** Every value of the fixture and every credential, for the leak scanner. */
export const ALL_SECRETS: Record<string, string> = {
  ...SECRETS,
  ...RAW_VALUES,
  JSON_LEAF_PASSWORD: "json-leaf-pw-5519",
  CLIENT_SECRET: CLIENT.clientSecret,
  FIRST: "first-value-1234",
  BREAKOUT,
  RANDOM: "random-secret-55",
  OK_NAME: "ok-value-8842",
  PROD_ONLY: "prod-value-9931",
};

/** The job environment a context holding universal-auth credentials gives. */
export function universalContext(server: DevServer): Record<string, string> {
  return { INFISICAL_CLIENT_ID: CLIENT.clientId, INFISICAL_CLIENT_SECRET: CLIENT.clientSecret, INFISICAL_DOMAIN: server.url };
}
