/**
 * Core's service-token path against the dev server over real HTTP: what is sent, what is stored, what comes back, and
 * what a user reads when a ciphertext, a tag or a key is wrong.
 */
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type HttpClient,
  type Session,
  createHttpClient,
  createServiceTokenSecretsClient,
  createSession,
  fetchSecrets,
  getServiceTokenInfo,
  parseServiceToken,
} from "@secrets-action/core";
import type { DevServer } from "@secrets-action/dev-server";
import { ALL_PLAINTEXTS, E2EE_SECRETS, LEGACY, PROJECT_KEY, SHARED_SECRETS, TOKENS, startE2eeServer } from "./fixture.js";

let server: DevServer;
let http: HttpClient;
/** Every bearer core sent, as the server received it. */
let bearers: string[];
let paths: string[];

beforeEach(async () => {
  server = await startE2eeServer();
  const inner = createHttpClient({ baseUrl: server.url, maxAttempts: 1 });
  bearers = [];
  paths = [];
  http = {
    baseUrl: inner.baseUrl,
    stats: inner.stats,
    close: () => inner.close(),
    request: (request) => {
      if (request.token !== undefined) bearers.push(request.token);
      paths.push(`${request.method} ${request.path}`);
      return inner.request(request);
    },
  };
});
afterEach(async () => {
  await http.close();
  await server.close();
});

const storeDump = (): string => JSON.stringify(server.store, (_key, value: unknown) => (value instanceof Map ? [...value.entries()] : value));

async function clientFor(token: string): Promise<{ session: Session; client: ReturnType<typeof createServiceTokenSecretsClient> }> {
  const session = createSession(http, { method: "service-token", serviceToken: token });
  const info = await getServiceTokenInfo(session);
  return { session, client: createServiceTokenSecretsClient(session, info, parseServiceToken(token).key) };
}

describe("service token in core", () => {
  it("sends st.<id>.<secret> only, never the key, and never calls the revoke endpoint", async () => {
    const { session, client } = await clientFor(TOKENS.read);
    await client.list({ projectId: LEGACY.id, environment: "dev" });
    await session.revoke();
    expect(new Set(bearers)).toEqual(new Set([TOKENS.read.split(".").slice(0, 3).join(".")]));
    expect(paths).not.toContain("POST /api/v1/auth/token/revoke");
  });

  it("fetches and merges an E2EE folder and its import exactly as for a raw project", async () => {
    const { client } = await clientFor(TOKENS.read);
    const result = await fetchSecrets(client, { projectId: LEGACY.id, environment: "dev", includeImports: true });
    expect(Object.fromEntries(result.secrets.map((secret) => [secret.key, secret.value]))).toEqual({ ...SHARED_SECRETS, ...E2EE_SECRETS });
    expect(result.secrets.find((secret) => secret.key === "FROM_IMPORT")?.source).toBe("import");
  });

  it("round-trips random names, values and comments (multi-line, unicode) while the server stores only ciphertext", async () => {
    const { client } = await clientFor(TOKENS.write);
    const name = fc.stringMatching(/^[A-Z][A-Z0-9_]{2,20}$/);
    const value = fc.oneof(fc.string({ unit: "grapheme", minLength: 8 }), fc.array(fc.string({ unit: "grapheme", minLength: 8 }), { minLength: 2, maxLength: 4 }).map((lines) => lines.join("\n")));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(name, value, value, async (key, first, second) => {
        run += 1;
        const unique = `${key}_${run}`;
        const location = { projectId: LEGACY.id, environment: "dev", path: "/", name: unique };
        const created = await client.create({ ...location, value: first, comment: `about ${first}` });
        expect({ key: created.key, value: created.value, comment: created.comment }).toEqual({ key: unique, value: first, comment: `about ${first}` });
        expect(storeDump()).not.toContain(unique);
        expect(storeDump()).not.toContain(JSON.stringify(first).slice(1, -1));
        const updated = await client.update({ ...location, value: second });
        expect(updated.value).toBe(second);
        expect((await client.get(location)).value).toBe(second);
        await client.delete(location);
        await expect(client.get(location)).rejects.toMatchObject({ status: 404 });
      }),
      { numRuns: 15 },
    );
  });

  it("encrypts each field with a fresh IV: the same value twice gives two different ciphertexts", async () => {
    const { client } = await clientFor(TOKENS.write);
    await client.create({ projectId: LEGACY.id, environment: "prod", name: "TWIN_A", value: "same-value-123" });
    await client.create({ projectId: LEGACY.id, environment: "prod", name: "TWIN_B", value: "same-value-123" });
    const stored = server.store.projectById(LEGACY.id)?.e2ee?.secrets.filter((secret) => secret.environment === "prod").slice(-2) ?? [];
    expect(stored).toHaveLength(2);
    expect(stored[0]?.secretValueIV).not.toBe(stored[1]?.secretValueIV);
    expect(stored[0]?.secretValueCiphertext).not.toBe(stored[1]?.secretValueCiphertext);
  });

  it("names the position of a secret whose tag, name or IV was changed on the server, and returns nothing", async () => {
    const secrets = server.store.projectById(LEGACY.id)?.e2ee?.secrets.filter((secret) => secret.environment === "dev" && secret.path === "/") ?? [];
    const [first, second, , fourth] = secrets;
    if (!first || !second || !fourth) throw new Error("fixture: dev:/ has fewer than four secrets");
    const flip = (b64: string): string => {
      const bytes = Buffer.from(b64, "base64");
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x80;
      return bytes.toString("base64");
    };
    const { client } = await clientFor(TOKENS.read);
    const list = () => fetchSecrets(client, { projectId: LEGACY.id, environment: "dev" });

    const tag = second.secretValueTag;
    second.secretValueTag = flip(tag);
    await expect(list()).rejects.toMatchObject({ code: "CRYPTO", message: "secret #2 in dev:/ (value of DEPLOY_KEY): decryption failed (the authentication tag does not match)" });
    second.secretValueTag = tag;

    first.secretKeyCiphertext = flip(first.secretKeyCiphertext);
    await expect(list()).rejects.toMatchObject({ code: "CRYPTO", message: "secret #1 in dev:/ (name): decryption failed (the authentication tag does not match)" });

    fourth.secretValueIV = "c2hvcnQ=";
    const error: unknown = await list().catch((caught: unknown) => caught);
    // The first bad secret stops the read; no plaintext is in any message.
    expect(String((error as Error).message)).toMatch(/^secret #1 in dev:\//);
    for (const plaintext of Object.values(ALL_PLAINTEXTS)) expect(JSON.stringify(error)).not.toContain(plaintext);
  });

  it("refuses a token whose key does not unwrap the project key, before reading any secret", async () => {
    const { client } = await clientFor(TOKENS.wrongKey);
    await expect(client.list({ projectId: LEGACY.id, environment: "dev" })).rejects.toMatchObject({
      code: "CRYPTO",
      message: "service token ci-read (project key): decryption failed (the authentication tag does not match)",
    });
    expect(paths.filter((path) => path === "GET /api/v3/secrets")).toEqual([]);
  });

  it("keeps no plaintext, token secret or key of the E2EE project in the dev server's store", () => {
    const dump = storeDump();
    for (const [name, plaintext] of Object.entries(ALL_PLAINTEXTS)) expect(dump, name).not.toContain(plaintext);
    expect(dump).not.toContain(PROJECT_KEY);
  });
});
