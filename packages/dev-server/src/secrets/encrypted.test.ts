import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

import nacl from "tweetnacl";
import { afterEach, describe, expect, it } from "vitest";

import type { Seed } from "../seed.js";
import type { SecretCiphertexts } from "../store.js";
import { startDevServer, type DevServer } from "../server.js";
import { client, manualClock, query, type ErrorJson } from "../test-support.js";

/** The client side of the scheme, written out with node:crypto: the dev server must never need it. */
const seal = (plaintext: string, hexKey: string): { ciphertext: string; iv: string; tag: string } => {
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(hexKey, "utf8"), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { ciphertext: ciphertext.toString("base64"), iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64") };
};
const open = (field: { ciphertext: string; iv: string; tag: string }, hexKey: string): string => {
  const decipher = createDecipheriv("aes-256-gcm", Buffer.from(hexKey, "utf8"), Buffer.from(field.iv, "base64"));
  decipher.setAuthTag(Buffer.from(field.tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(field.ciphertext, "base64")), decipher.final()]).toString("utf8");
};

const PROJECT_KEY = "6b8f0c2d4e1a3b5c7d9e0f1a2b3c4d5e";
const TOKEN_KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const LEGACY_ID = "55555555-5555-4555-8555-555555555555";
const RAW_ID = "66666666-6666-4666-8666-666666666666";
const READ_TOKEN = `st.7a1f.read-secret-0001.${TOKEN_KEY}`;
const WRITE_TOKEN = `st.7a20.write-secret-0002.${TOKEN_KEY}`;
const SHORT_TOKEN = `st.7a21.short-secret-0003.${TOKEN_KEY}`;
const RAW_TOKEN = `st.7a22.raw-secret-0004.${TOKEN_KEY}`;
const SCOPED_RAW_TOKEN = `st.7a23.raw-scoped-0005.${TOKEN_KEY}`;
const bearer = (token: string): string => token.split(".").slice(0, 3).join(".");
const member = nacl.box.keyPair();

const PLAINTEXTS = {
  DATABASE_URL: "postgres://legacy:pa55-Wörd@db.internal/app",
  PEM: "-----BEGIN KEY-----\nMIIB0wIBADANBgkq\n-----END KEY-----",
  EMOJI_TOKEN: "🔐 ключ 秘密",
  NESTED_ONLY: "in-a-folder-7781",
} as const;

const seed = (): Seed => ({
  projects: [
    {
      slug: "legacy",
      id: LEGACY_ID,
      environments: ["dev", "prod"],
      e2ee: { projectKey: PROJECT_KEY, members: [{ name: "alice", publicKey: Buffer.from(member.publicKey).toString("base64") }] },
      secrets: {
        dev: {
          "/": { DATABASE_URL: PLAINTEXTS.DATABASE_URL, PEM: { value: PLAINTEXTS.PEM, comment: "rotated-by-ops-team" }, EMOJI_TOKEN: PLAINTEXTS.EMOJI_TOKEN },
          "/nested": { NESTED_ONLY: PLAINTEXTS.NESTED_ONLY },
        },
        prod: { "/": { PROD_ONLY: "prod-value-4410" } },
      },
    },
    { slug: "modern", id: RAW_ID, environments: ["dev"], secrets: { dev: { "/": { MODERN: "server-decrypted-9001" }, "/app/api": { API_ONLY: "api-value-3" } } } },
  ],
  serviceTokens: [
    { name: "ci-read", project: "legacy", token: READ_TOKEN, scopes: [{ environment: "dev", secretPath: "/**" }] },
    { name: "ci-write", project: "legacy", token: WRITE_TOKEN, scopes: [{ environment: "dev", secretPath: "/" }], permissions: ["read", "write"] },
    { name: "short", project: "legacy", token: SHORT_TOKEN, expiresIn: 60 },
    { name: "modern", project: "modern", token: RAW_TOKEN },
    { name: "modern-app", project: "modern", token: SCOPED_RAW_TOKEN, scopes: [{ environment: "dev", secretPath: "/app/**" }] },
  ],
});

interface EncryptedJson extends SecretCiphertexts {
  secretCommentCiphertext: string | null;
  secretCommentIV: string | null;
  secretCommentTag: string | null;
  secretPath: string;
  version: number;
}
const keyOf = (secret: EncryptedJson): string => open({ ciphertext: secret.secretKeyCiphertext, iv: secret.secretKeyIV, tag: secret.secretKeyTag }, PROJECT_KEY);
const valueOf = (secret: EncryptedJson): string => open({ ciphertext: secret.secretValueCiphertext, iv: secret.secretValueIV, tag: secret.secretValueTag }, PROJECT_KEY);

describe("end-to-end encrypted projects and service tokens", () => {
  let server: DevServer;
  afterEach(async () => server.close());

  it("keeps no plaintext of an E2EE project, no token secret and no project key in its store", async () => {
    server = await startDevServer({ seed: seed() });
    const dump = JSON.stringify(server.store, (_key, value: unknown) => (value instanceof Map ? [...value.entries()] : value));
    const forbidden = [...Object.keys(PLAINTEXTS), ...Object.values(PLAINTEXTS), "PROD_ONLY", "prod-value-4410", "rotated-by-ops-team", PROJECT_KEY, TOKEN_KEY, "read-secret-0001"];
    for (const text of forbidden) expect(dump, text).not.toContain(text);
    // Also not base64- or hex-encoded as a whole.
    for (const text of Object.values(PLAINTEXTS)) {
      expect(dump).not.toContain(Buffer.from(text).toString("base64"));
      expect(dump).not.toContain(Buffer.from(text).toString("hex"));
    }
    // The raw project of the same server is stored as usual: the check above is not vacuous.
    expect(dump).toContain("server-decrypted-9001");
  });

  it("answers GET /api/v2/service-token with the project, scopes and the project key wrapped by the token's key", async () => {
    server = await startDevServer({ seed: seed() });
    const { status, body } = await client(server).get<Record<string, unknown>>("/api/v2/service-token", bearer(WRITE_TOKEN));
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: "ci-write", projectId: LEGACY_ID, workspace: LEGACY_ID, scopes: [{ environment: "dev", secretPath: "/" }], permissions: ["read", "write"], expiresAt: null });
    expect(open({ ciphertext: String(body["encryptedKey"]), iv: String(body["iv"]), tag: String(body["tag"]) }, TOKEN_KEY)).toBe(PROJECT_KEY);
    expect(Buffer.from(String(body["iv"]), "base64")).toHaveLength(16);
    // A fourth part is ignored by the server (it splits into three), so the full token works as well.
    expect((await client(server).get("/api/v2/service-token", WRITE_TOKEN)).status).toBe(200);
  });

  it("answers the real server's errors: unknown id 404, wrong secret 401, expired 403 (and the token is gone)", async () => {
    const clock = manualClock();
    server = await startDevServer({ seed: seed(), now: clock.now });
    const api = client(server);
    const unknown = await api.get<ErrorJson>("/api/v2/service-token", "st.nope.whatever");
    expect(unknown).toMatchObject({ status: 404, body: { message: "Service token with ID 'nope' not found" } });
    const wrong = await api.get<ErrorJson>("/api/v2/service-token", "st.7a1f.not-the-secret");
    expect(wrong).toMatchObject({ status: 401, body: { message: "Invalid service token", error: "UnauthorizedError" } });
    expect((await api.get("/api/v2/service-token", bearer(SHORT_TOKEN))).status).toBe(200);
    clock.advance(61_000);
    const expired = await api.get<ErrorJson>("/api/v2/service-token", bearer(SHORT_TOKEN));
    expect(expired).toMatchObject({ status: 403, body: { message: "Service token has expired" } });
    expect((await api.get<ErrorJson>("/api/v2/service-token", bearer(SHORT_TOKEN))).status).toBe(404);
  });

  it("lists ciphertext that decrypts, with node:crypto, to the seeded names, values and comments", async () => {
    server = await startDevServer({ seed: seed() });
    const api = client(server);
    const list = await api.get<{ secrets: EncryptedJson[]; imports: unknown[] }>(
      `/api/v3/secrets${query({ workspaceId: LEGACY_ID, environment: "dev", secretPath: "/", recursive: "true" })}`,
      bearer(READ_TOKEN),
    );
    expect(list.status).toBe(200);
    const decrypted = Object.fromEntries(list.body.secrets.map((secret) => [keyOf(secret), valueOf(secret)]));
    expect(decrypted).toEqual(PLAINTEXTS);
    const pem = list.body.secrets.find((secret) => keyOf(secret) === "PEM");
    expect(pem && open({ ciphertext: pem.secretCommentCiphertext ?? "", iv: pem.secretCommentIV ?? "", tag: pem.secretCommentTag ?? "" }, PROJECT_KEY)).toBe("rotated-by-ops-team");
    expect(list.body.secrets.find((secret) => keyOf(secret) === "NESTED_ONLY")?.secretPath).toBe("/nested");
  });

  it("keeps a service token to its scopes and its permissions", async () => {
    server = await startDevServer({ seed: seed() });
    const api = client(server);
    const prod = await api.get<ErrorJson>(`/api/v3/secrets${query({ workspaceId: LEGACY_ID, environment: "prod" })}`, bearer(READ_TOKEN));
    expect(prod.status).toBe(403);
    const name = seal("NEW", PROJECT_KEY);
    const value = seal("v", PROJECT_KEY);
    const body = {
      workspaceId: LEGACY_ID, environment: "dev", secretPath: "/", type: "shared",
      secretKeyCiphertext: name.ciphertext, secretKeyIV: name.iv, secretKeyTag: name.tag,
      secretValueCiphertext: value.ciphertext, secretValueIV: value.iv, secretValueTag: value.tag,
    };
    const readOnly = await api.post<ErrorJson>("/api/v3/secrets/NEW", body, bearer(READ_TOKEN));
    expect(readOnly).toMatchObject({ status: 403, body: { error: "PermissionDenied", message: "You are not allowed to create on secrets" } });
    // The write token's single scope is dev:/ — a request for /nested is answered for / (the real server's override).
    const overridden = await api.get<{ secrets: EncryptedJson[] }>(`/api/v3/secrets${query({ workspaceId: LEGACY_ID, environment: "prod", secretPath: "/nested" })}`, bearer(WRITE_TOKEN));
    expect(overridden.body.secrets.map(keyOf).sort()).toEqual(["DATABASE_URL", "EMOJI_TOKEN", "PEM"]);
  });

  it("creates, reads by name, updates, renames and deletes ciphertext sent by a client", async () => {
    server = await startDevServer({ seed: seed() });
    const api = client(server);
    const token = bearer(WRITE_TOKEN);
    const where = { workspaceId: LEGACY_ID, environment: "dev", secretPath: "/", type: "shared" };
    const sealed = (prefix: string, text: string): Record<string, string> => {
      const field = seal(text, PROJECT_KEY);
      return { [`${prefix}Ciphertext`]: field.ciphertext, [`${prefix}IV`]: field.iv, [`${prefix}Tag`]: field.tag };
    };
    const created = await api.post<{ secret: EncryptedJson }>("/api/v3/secrets/NEW_KEY", { ...where, ...sealed("secretKey", "NEW_KEY"), ...sealed("secretValue", "first\nsecond") }, token);
    expect(created.status).toBe(200);
    expect(valueOf(created.body.secret)).toBe("first\nsecond");
    const again = await api.post<ErrorJson>("/api/v3/secrets/NEW_KEY", { ...where, ...sealed("secretKey", "NEW_KEY"), ...sealed("secretValue", "x") }, token);
    expect(again).toMatchObject({ status: 400, body: { message: "Secret already exists" } });
    const got = await api.get<{ secret: EncryptedJson }>(`/api/v3/secrets/NEW_KEY${query({ workspaceId: LEGACY_ID, environment: "dev" })}`, token);
    expect(keyOf(got.body.secret)).toBe("NEW_KEY");
    const updated = await api.patch<{ secret: EncryptedJson }>("/api/v3/secrets/NEW_KEY", { ...where, ...sealed("secretValue", "ünïcode") }, token);
    expect({ value: valueOf(updated.body.secret), version: updated.body.secret.version }).toEqual({ value: "ünïcode", version: 2 });
    const renamed = await api.patch<{ secret: EncryptedJson }>("/api/v3/secrets/NEW_KEY", { ...where, newSecretName: "RENAMED", ...sealed("secretKey", "RENAMED") }, token);
    expect(keyOf(renamed.body.secret)).toBe("RENAMED");
    expect((await api.get(`/api/v3/secrets/NEW_KEY${query({ workspaceId: LEGACY_ID, environment: "dev" })}`, token)).status).toBe(404);
    expect((await api.del("/api/v3/secrets/RENAMED", where, token)).status).toBe(200);
    expect((await api.get(`/api/v3/secrets/RENAMED${query({ workspaceId: LEGACY_ID, environment: "dev" })}`, token)).status).toBe(404);
    expect(JSON.stringify(server.store.projectById(LEGACY_ID)?.e2ee)).not.toMatch(/NEW_KEY|RENAMED|ünïcode/);
  });

  it("refuses the raw endpoints for an E2EE project (no project bot) and the encrypted ones for a raw project", async () => {
    server = await startDevServer({ seed: seed() });
    const api = client(server);
    const raw = await api.get<ErrorJson>(`/api/v3/secrets/raw${query({ workspaceId: LEGACY_ID, environment: "dev" })}`, bearer(READ_TOKEN));
    expect(raw).toMatchObject({ status: 400, body: { error: "bot_not_found_error" } });
    const modern = await api.get<{ secrets: { secretKey: string; secretValue: string }[] }>(`/api/v3/secrets/raw${query({ workspaceId: RAW_ID, environment: "dev" })}`, bearer(RAW_TOKEN));
    expect(modern.body.secrets.map((secret) => [secret.secretKey, secret.secretValue])).toEqual([["MODERN", "server-decrypted-9001"]]);
    const encrypted = await api.get<ErrorJson>(`/api/v3/secrets${query({ workspaceId: RAW_ID, environment: "dev" })}`, bearer(RAW_TOKEN));
    expect(encrypted.status).toBe(400);
    // A service token of one project reads no other.
    const cross = await api.get<ErrorJson>(`/api/v3/secrets/raw${query({ workspaceId: RAW_ID, environment: "dev" })}`, bearer(READ_TOKEN));
    expect(cross.status).toBe(403);
  });

  it("keeps a service token to its folder globs and read permission on the raw endpoints too", async () => {
    server = await startDevServer({ seed: seed() });
    const api = client(server);
    const token = bearer(SCOPED_RAW_TOKEN);
    const root = await api.get<ErrorJson>(`/api/v3/secrets/raw${query({ workspaceId: RAW_ID, environment: "dev", secretPath: "/" })}`, token);
    expect(root).toMatchObject({ status: 403, body: { error: "PermissionDenied" } });
    const inside = await api.get<{ secrets: { secretKey: string }[] }>(`/api/v3/secrets/raw${query({ workspaceId: RAW_ID, environment: "dev", secretPath: "/app/api" })}`, token);
    expect(inside.body.secrets.map((secret) => secret.secretKey)).toEqual(["API_ONLY"]);
    const write = await api.post<ErrorJson>("/api/v3/secrets/raw/NEW", { workspaceId: RAW_ID, environment: "dev", secretPath: "/app/api", secretValue: "x" }, token);
    expect(write.status).toBe(403);
  });

  it("holds a member's copy of the project key that tweetnacl opens with the member's private key", async () => {
    server = await startDevServer({ seed: seed() });
    const [copy] = server.store.projectById(LEGACY_ID)?.e2ee?.memberKeys ?? [];
    expect(copy?.receiver).toBe("alice");
    const opened = copy && nacl.box.open(Buffer.from(copy.encryptedKey, "base64"), Buffer.from(copy.nonce, "base64"), Buffer.from(copy.senderPublicKey, "base64"), member.secretKey);
    expect(opened && new TextDecoder().decode(opened)).toBe(PROJECT_KEY);
    expect(copy && nacl.box.open(Buffer.from(copy.encryptedKey, "base64"), Buffer.from(copy.nonce, "base64"), Buffer.from(copy.senderPublicKey, "base64"), nacl.box.keyPair().secretKey)).toBeNull();
  });

  it("lists every problem of an E2EE seed", async () => {
    await expect(
      startDevServer({
        seed: {
          projects: [{ slug: "bad", e2ee: { projectKey: "short" }, secrets: { dev: { "/": { A: "1" } } } }],
          serviceTokens: [{ name: "t", project: "bad", token: "st.a.b" }, { name: "u", project: "missing", token: "nope" }],
        },
      }),
    ).rejects.toMatchObject({
      problems: [
        "projects[0].e2ee.projectKey: must be 32 hex characters (a 128-bit key, as the dashboard makes)",
        "serviceTokens[0].token: a token for an end-to-end encrypted project needs its fourth part (the key)",
        'serviceTokens[1].project: no project with slug "missing" in this seed',
        "serviceTokens[1].token: must be st.<id>.<secret>.<key> (the key: 32 hex characters)",
      ],
    });
  });
});
