/**
 * What the test/core files share: the seed, a dev server per test, and core assembled exactly as a CI front door
 * assembles it (createHttpClient → createSession → createSecretsClient → fetchSecrets), with injected waits so retries
 * take no real time, and checks that every message a user reads is one line, carries its hint and leaks nothing.
 */
import { fileURLToPath } from "node:url";
import { afterEach, expect } from "vitest";
import {
  type AuthConfig,
  type HttpClientOptions,
  type InfisicalHttpClient,
  type RetryEvent,
  type SecretsActionError,
  type SecretsClient,
  type SecretsClientOptions,
  type Session,
  type SessionOptions,
  createHttpClient,
  createSecretsClient,
  createSession,
} from "@secrets-action/core";
import { type DevServer, type DevServerOptions, startDevServer } from "@secrets-action/dev-server";

/** The SecretsActionError a call fails with (shared with core's own tests). */
export { failure } from "../../packages/core/src/http/test-helpers.js";

export const SEED = fileURLToPath(new URL("./seed.yaml", import.meta.url));

export const SHOP_ID = "5a0c7e1e-3f7b-4c55-9d7e-6a1f0c2b9e01";
export const OTHER_ID = "5a0c7e1e-3f7b-4c55-9d7e-6a1f0c2b9e02";
export const CI_IDENTITY_ID = "0c1d0000-0000-4000-8000-000000000001";
export const GHA_IDENTITY_ID = "0c1d0000-0000-4000-8000-000000000002";
export const BROKEN_DISCOVERY_IDENTITY_ID = "0c1d0000-0000-4000-8000-000000000003";
export const AWS_IDENTITY_ID = "0c1d0000-0000-4000-8000-000000000004";

/** Universal-auth credentials of the seed's identities. */
export const CREDENTIALS = {
  ci: { clientId: "ci-client-id", clientSecret: "ci-client-secret-4f9a2c" },
  viewer: { clientId: "viewer-client-id", clientSecret: "viewer-client-secret-8b1d" },
  outsider: { clientId: "outsider-client-id", clientSecret: "outsider-client-secret-c3e5" },
  stagingOnly: { clientId: "staging-only-client-id", clientSecret: "staging-only-client-secret-d2a7" },
  lockMe: { clientId: "lock-me-client-id", clientSecret: "lock-me-client-secret-e6f0" },
  usedUp: { clientId: "used-up-client-id", clientSecret: "used-up-client-secret-f1b2" },
  shortLived: { clientId: "short-lived-client-id", clientSecret: "short-lived-client-secret-a9c4" },
  oneUse: { clientId: "one-use-client-id", clientSecret: "one-use-client-secret-b7d3" },
  renewing: { clientId: "renewing-client-id", clientSecret: "renewing-client-secret-5e8a" },
  capped: { clientId: "capped-client-id", clientSecret: "capped-client-secret-7c2f" },
} as const;

/** AWS keys the seed's STS accepts: allowed, another account, a role outside the allowed ARNs. */
export const AWS_KEYS = {
  allowed: { accessKeyId: "AKIAIOSFODNN7CIROLE1", secretAccessKey: "aws-secret-ci-role-Zq81nB4v" },
  otherAccount: { accessKeyId: "AKIAIOSFODNN7OTHERAC", secretAccessKey: "aws-secret-other-acct-Lp02mX7c" },
  wrongRole: { accessKeyId: "AKIAIOSFODNN7WRONGRL", secretAccessKey: "aws-secret-wrong-role-Ty63kW9s" },
} as const;

/** dev `/` as the server expands it (DB_URL references DB_PASSWORD). */
export const DEV_ROOT: Readonly<Record<string, string>> = {
  API_URL: "https://api.shop.test",
  DB_PASSWORD: "dev-db-pass-7f3k2q",
  STRIPE_KEY: "sk_test_shop_91ab0c",
  PUBLIC_NAME: "Shop Dev",
  DB_URL: "postgres://app:dev-db-pass-7f3k2q@db.shop.test/app",
  MULTILINE: "line one\nline two",
};

/** Values and credentials that must never appear in an error, a hint or a retry log line. */
export const SECRET_VALUES: readonly string[] = [
  "dev-db-pass-7f3k2q",
  "sk_test_shop_91ab0c",
  "prod-db-pass-q9w8e7",
  "other-project-value-x1",
  ...Object.values(CREDENTIALS).map((credential) => credential.clientSecret),
  ...Object.values(AWS_KEYS).map((key) => key.secretAccessKey),
];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** A dev server on 127.0.0.1:0 seeded from seed.yaml, closed after the test. */
export async function startServer(options: DevServerOptions = {}): Promise<DevServer> {
  const server = await startDevServer({ seed: SEED, ...options });
  cleanups.push(() => server.close());
  return server;
}

/** A clock tests move by hand; shared by the server and the client where expiry matters. */
export function manualClock(start = Date.parse("2025-06-02T09:00:00Z")): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

/** One front door's core objects, plus what the client waited and retried. */
export interface FrontDoor {
  http: InfisicalHttpClient;
  session: Session;
  secrets: SecretsClient;
  /** Every wait the client asked for, in ms. */
  sleeps: number[];
  retries: RetryEvent[];
  /** Every access token the session held (for leak checks). */
  tokens(): string[];
}

export interface FrontDoorOptions {
  auth?: AuthConfig;
  http?: Partial<HttpClientOptions>;
  session?: SessionOptions;
  secrets?: SecretsClientOptions;
  /** Called with each wait instead of waiting (e.g. to move the server's clock). */
  onSleep?: (ms: number) => void;
}

/** createHttpClient → createSession → createSecretsClient, as an adapter does, with instant recorded waits. */
export function frontDoor(server: DevServer, options: FrontDoorOptions = {}): FrontDoor {
  const sleeps: number[] = [];
  const retries: RetryEvent[] = [];
  const http = createHttpClient({
    baseUrl: server.url,
    sleep: async (ms) => {
      sleeps.push(ms);
      options.onSleep?.(ms);
    },
    onRetry: (event) => retries.push(event),
    userAgent: { ci: "test-core" },
    ...options.http,
  });
  cleanups.push(() => http.close());
  const session = createSession(http, options.auth ?? { method: "universal", ...CREDENTIALS.ci }, options.session);
  const seen = new Set<string>();
  const tracked: Session = {
    http: session.http,
    method: session.method,
    current: () => session.current(),
    renew: () => session.renew(),
    revoke: () => session.revoke(),
    async token() {
      const token = await session.token();
      seen.add(token);
      return token;
    },
  };
  return { http, session: tracked, secrets: createSecretsClient(tracked, options.secrets), sleeps, retries, tokens: () => [...seen] };
}

/** The error a promise rejects with; fails the test if it resolves or throws something not ours. */
/** `{KEY: value}` of merged secrets, for exact comparisons. */
export function asRecord(secrets: readonly { key: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(secrets.map((secret) => [secret.key, secret.value]));
}

/** Every string a user could read from an error: message, hint, one-line form, and the causes' messages. */
function readableText(error: SecretsActionError): string[] {
  const texts = [error.message, error.hint ?? "", error.toLine()];
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 5 && cause instanceof Error; depth++) {
    texts.push(cause.message);
    cause = cause.cause;
  }
  return texts;
}

/** Fails when any secret value, credential or token shows up in the texts. */
export function expectNoLeak(texts: readonly string[], extraSecrets: readonly string[] = []): void {
  for (const text of texts) {
    for (const secret of [...SECRET_VALUES, ...extraSecrets]) {
      if (secret.length > 0) expect(text, "a secret reached a message").not.toContain(secret);
    }
    // No bearer token or JWT of any kind.
    expect(text).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
  }
}

/**
 * The line a user reads: one line, `<what> — <hint>`, the hint containing `hint`, and nothing secret in it.
 * Returns the line for further checks.
 */
export function expectUserLine(error: SecretsActionError, hint: string | RegExp, extraSecrets: readonly string[] = []): string {
  const line = error.toLine();
  expect(line).not.toMatch(/[\r\n]/);
  expect(error.hint, `no hint on: ${line}`).toBeDefined();
  expect(line).toContain(` — ${error.hint ?? ""}`);
  if (typeof hint === "string") expect(error.hint).toContain(hint);
  else expect(error.hint).toMatch(hint);
  expectNoLeak(readableText(error), extraSecrets);
  return line;
}
