/**
 * Dynamic secrets in the dev server against a real PostgreSQL over real HTTP: every lease is a real role, checked by
 * logging in with it; revocation, renewal, expiry (shortened with `timeScale`), failed revocations and their retries,
 * the errors of the real server, and the management endpoints. One PostgreSQL and one dev server for the file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer, type Seed } from "@secrets-action/dev-server";
import pgClient from "pg";

import { postgresDynamicSecret, startPostgres, type TestPostgres } from "../support/postgres.js";
import { eventually } from "../support/eventually.js";

const MEMBER = { clientId: "dyn-member", clientSecret: "dyn-member-secret" };
const VIEWER = { clientId: "dyn-viewer", clientSecret: "dyn-viewer-secret" };
const OUTSIDER = { clientId: "dyn-outsider", clientSecret: "dyn-outsider-secret" };
const SERVICE_TOKEN = `st.7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910.${"a1".repeat(16)}.${"0123456789abcdef".repeat(2)}`;
const WHERE = { projectSlug: "dyn", environmentSlug: "dev", path: "/" };
const TIME_SCALE = 60;

let pg: TestPostgres;
let server: DevServer;
let memberToken: string;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const call = async (method: string, path: string, body?: unknown, token: string | null = memberToken): Promise<Answer> => {
  const headers: Record<string, string> = {};
  if (token !== null) headers["authorization"] = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const login = async (credentials: { clientId: string; clientSecret: string }): Promise<string> => {
  const answer = await call("POST", "/api/v1/auth/universal-auth/login", credentials, null);
  expect(answer.status).toBe(200);
  return answer.body["accessToken"] as string;
};

interface LeaseAnswer {
  lease: { id: string; externalEntityId: string; expireAt: string; createdAt: string; status: string | null; statusDetails: string | null };
  dynamicSecret: { name: string; defaultTTL: string; maxTTL: string | null };
  data: { DB_USERNAME: string; DB_PASSWORD: string };
}

const lease = async (name: string, extra: Record<string, unknown> = {}): Promise<LeaseAnswer> => {
  const answer = await call("POST", "/api/v1/dynamic-secrets/leases", { dynamicSecretName: name, ...WHERE, ...extra });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as unknown as LeaseAnswer;
};

const roleCount = async (): Promise<number> => Number((await pg.query<{ n: string }>("SELECT count(*) AS n FROM pg_roles"))[0]?.n);

/** Drops a role the server left behind on purpose. */
const dropRole = async (name: string): Promise<void> => {
  await pg.query(`REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM "${name}"`);
  await pg.query(`DROP ROLE "${name}"`);
};

const setGate = (blocked: boolean): Promise<unknown> => pg.query(`UPDATE revocation_gate SET blocked = ${blocked ? "true" : "false"}`);

beforeAll(async () => {
  pg = await startPostgres();
  // A switch the tests flip to make revocations fail (a function, so the statement has no `;` inside).
  await pg.query("CREATE TABLE revocation_gate (blocked boolean NOT NULL)");
  await pg.query("INSERT INTO revocation_gate VALUES (false)");
  await pg.query(
    "CREATE FUNCTION gate_revocation() RETURNS void LANGUAGE plpgsql AS $$ BEGIN IF (SELECT blocked FROM revocation_gate) THEN RAISE EXCEPTION 'revocation blocked by the test'; END IF; END $$",
  );
  const seed: Seed = {
    projects: [
      {
        slug: "dyn",
        environments: ["dev", "prod"],
        dynamicSecrets: {
          dev: {
            "/": [
              postgresDynamicSecret(pg, { name: "pg-app", defaultTTL: "1h", maxTTL: "24h" }),
              postgresDynamicSecret(pg, { name: "pg-short", defaultTTL: "1m", maxTTL: "10m" }),
              postgresDynamicSecret(pg, {
                name: "pg-gated",
                inputs: {
                  revocationStatement: 'SELECT gate_revocation(); REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM "{{username}}"; DROP ROLE "{{username}}";',
                },
              }),
              postgresDynamicSecret(pg, {
                name: "pg-broken",
                inputs: { creationStatement: `CREATE USER "{{username}}" WITH PASSWORD '{{password}}'; SELECT '{{password}}'::int;` },
              }),
              postgresDynamicSecret(pg, { name: "pg-named", usernameTemplate: "ci_{{identity.name}}_{{randomUsername}}" }),
            ],
          },
          prod: { "/": [postgresDynamicSecret(pg, { name: "pg-prod" })] },
        },
      },
      { slug: "elsewhere" },
    ],
    identities: [
      { name: "member", projects: { dyn: "member" }, universalAuth: { clientId: MEMBER.clientId, clientSecrets: [MEMBER.clientSecret] } },
      { name: "viewer", projects: { dyn: "viewer" }, universalAuth: { clientId: VIEWER.clientId, clientSecrets: [VIEWER.clientSecret] } },
      { name: "outsider", projects: { elsewhere: "admin" }, universalAuth: { clientId: OUTSIDER.clientId, clientSecrets: [OUTSIDER.clientSecret] } },
    ],
    serviceTokens: [{ name: "ci", project: "dyn", token: SERVICE_TOKEN, scopes: [{ environment: "dev" }] }],
  };
  server = await startDevServer({ seed, dynamicSecrets: { timeScale: TIME_SCALE, retryDelaysMs: [300, 300, 300, 300] } });
  memberToken = await login(MEMBER);
});

afterAll(async () => {
  await server?.close();
  await pg?.stop();
});

describe("leases are real PostgreSQL roles", () => {
  it("a lease is a role that can log in and read the tables, expiring at expireAt", async () => {
    const before = Date.now();
    const { lease: created, data, dynamicSecret } = await lease("pg-app", { ttl: "2h" });
    expect(data.DB_USERNAME).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(data.DB_PASSWORD).toHaveLength(48);
    expect(data.DB_PASSWORD).toMatch(/[a-z]/);
    expect(data.DB_PASSWORD).toMatch(/[A-Z]/);
    expect(data.DB_PASSWORD).toMatch(/[0-9]/);
    expect(data.DB_PASSWORD).toMatch(/^[0-9A-Za-z]+$/);
    expect(created.externalEntityId).toBe(data.DB_USERNAME);
    expect(created.status).toBeNull();
    expect(Object.keys(created).sort()).toEqual(
      ["config", "createdAt", "dynamicSecretId", "expireAt", "externalEntityId", "id", "status", "statusDetails", "updatedAt", "version"].sort(),
    );
    expect(dynamicSecret).toMatchObject({ name: "pg-app", type: "sql-database", defaultTTL: "1h", maxTTL: "24h", status: null, metadata: [] });
    expect(dynamicSecret).not.toHaveProperty("inputs");
    const expireAt = Date.parse(created.expireAt);
    expect(expireAt - before).toBeGreaterThanOrEqual(2 * 3600_000 - 1000);
    expect(expireAt - before).toBeLessThan(2 * 3600_000 + 5000);

    expect(await pg.canLogin(data.DB_USERNAME, data.DB_PASSWORD)).toBe(true);
    expect(await pg.canLogin(data.DB_USERNAME, "wrong-password")).toBe(false);
    expect((await pg.validUntil(data.DB_USERNAME))?.getTime()).toBe(expireAt);
    const client = new pgClient.Client({ host: pg.host, port: pg.port, database: pg.database, user: data.DB_USERNAME, password: data.DB_PASSWORD });
    await client.connect();
    try {
      expect((await client.query("SELECT name FROM items ORDER BY id")).rows).toEqual([{ name: "first" }, { name: "second" }]);
    } finally {
      await client.end();
    }
    await call("DELETE", `/api/v1/dynamic-secrets/leases/${created.id}`, WHERE);
  });

  it("the name is lowercased, and a username template names the identity", async () => {
    const { lease: created, data } = await lease("PG-NAMED");
    expect(data.DB_USERNAME).toMatch(/^ci_member_[0-9A-Za-z]{32}$/);
    expect(await pg.roleExists(data.DB_USERNAME)).toBe(true);
    await call("DELETE", `/api/v1/dynamic-secrets/leases/${created.id}`, WHERE);
    expect(await pg.roleExists(data.DB_USERNAME)).toBe(false);
  });

  it("revoking drops the role: it can no longer log in, and the lease is gone", async () => {
    const { lease: created, data } = await lease("pg-app");
    const revoked = await call("DELETE", `/api/v1/dynamic-secrets/leases/${created.id}`, WHERE);
    expect(revoked.status).toBe(200);
    expect(revoked.body["lease"]).toMatchObject({ id: created.id, externalEntityId: data.DB_USERNAME });
    expect(await pg.roleExists(data.DB_USERNAME)).toBe(false);
    expect(await pg.canLogin(data.DB_USERNAME, data.DB_PASSWORD)).toBe(false);
    const again = await call("GET", `/api/v1/dynamic-secrets/leases/${created.id}?projectSlug=dyn&environmentSlug=dev&path=/`);
    expect(again.status).toBe(404);
    expect(again.body["message"]).toBe(`Dynamic secret lease with ID '${created.id}' not found`);
    expect(server.store.leases.has(created.id)).toBe(false);
  });

  it("renewing moves expireAt and VALID UNTIL by the TTL, and refuses to pass createdAt + maxTTL", async () => {
    const { lease: created, data } = await lease("pg-app", { ttl: "1h" });
    const renewed = await call("POST", `/api/v1/dynamic-secrets/leases/${created.id}/renew`, { ...WHERE, ttl: "2h" });
    expect(renewed.status).toBe(200);
    const newExpiry = Date.parse((renewed.body["lease"] as { expireAt: string }).expireAt);
    expect(newExpiry).toBe(Date.parse(created.expireAt) + 2 * 3600_000);
    expect((await pg.validUntil(data.DB_USERNAME))?.getTime()).toBe(newExpiry);

    // Without a ttl (or an empty one) the default (1h) is added.
    const byDefault = await call("POST", `/api/v1/dynamic-secrets/leases/${created.id}/renew`, { ...WHERE, ttl: "" });
    expect(Date.parse((byDefault.body["lease"] as { expireAt: string }).expireAt)).toBe(newExpiry + 3600_000);

    // 4h used of 24h: another 21h would end past createdAt + 24h.
    const tooFar = await call("POST", `/api/v1/dynamic-secrets/leases/${created.id}/renew`, { ...WHERE, ttl: "21h" });
    expect(tooFar.status).toBe(400);
    expect(tooFar.body).toMatchObject({
      statusCode: 400,
      error: "BadRequest",
      message: "The requested renewal would exceed the maximum allowed lease duration. Please choose a shorter TTL",
    });
    expect((await pg.validUntil(data.DB_USERNAME))?.getTime()).toBe(newExpiry + 3600_000);
    const details = await call("GET", `/api/v1/dynamic-secrets/leases/${created.id}?projectSlug=dyn&environmentSlug=dev&path=/`);
    expect(details.status).toBe(200);
    expect(details.body["lease"]).toMatchObject({ id: created.id, expireAt: new Date(newExpiry + 3600_000).toISOString(), dynamicSecret: { name: "pg-app" } });
    await call("DELETE", `/api/v1/dynamic-secrets/leases/${created.id}`, WHERE);
  });

  it("a TTL beyond maxTTL is refused before any role is created", async () => {
    const before = await roleCount();
    const answer = await call("POST", "/api/v1/dynamic-secrets/leases", { dynamicSecretName: "pg-app", ...WHERE, ttl: "25h" });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ statusCode: 400, error: "BadRequest", message: "TTL cannot be larger than max TTL" });
    expect(typeof answer.body["reqId"]).toBe("string");
    expect(await roleCount()).toBe(before);
  });

  it("a provider error is a 400 with the password redacted, and the transaction leaves no role behind", async () => {
    const before = await roleCount();
    const answer = await call("POST", "/api/v1/dynamic-secrets/leases", { dynamicSecretName: "pg-broken", ...WHERE });
    expect(answer.status).toBe(400);
    expect(answer.body["message"]).toBe('Failed to create lease from provider: invalid input syntax for type integer: "[REDACTED]"');
    expect(await roleCount()).toBe(before);
    expect(server.store.leases.size).toBe(0);
  });
});

describe("expiry", () => {
  it("the server revokes a lease by itself at expireAt (timeScale 60: a 1m lease lasts one second)", async () => {
    const started = Date.now();
    const { lease: created, data } = await lease("pg-short", { ttl: "1m" });
    expect(Date.parse(created.expireAt) - started).toBeGreaterThanOrEqual(59_000);
    expect(Date.parse(created.expireAt) - started).toBeLessThan(65_000);
    expect(await pg.roleExists(data.DB_USERNAME)).toBe(true);
    expect(await eventually(async () => !(await pg.roleExists(data.DB_USERNAME)))).toBe(true);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(8_000);
    expect(server.store.leases.has(created.id)).toBe(false);
    const leases = await call("GET", "/api/v1/dynamic-secrets/pg-short/leases?projectSlug=dyn&environmentSlug=dev&path=/");
    expect(leases.body).toEqual({ leases: [] });
  });

  it("POST /__dev/dynamic-secrets/leases/:id/expire runs the expiry at once", async () => {
    const { lease: created, data } = await lease("pg-app", { ttl: "1h" });
    const response = await fetch(`${server.url}/__dev/dynamic-secrets/leases/${created.id}/expire`, { method: "POST" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ revoked: true });
    expect(await pg.roleExists(data.DB_USERNAME)).toBe(false);
    const unknown = await fetch(`${server.url}/__dev/dynamic-secrets/leases/${created.id}/expire`, { method: "POST" });
    expect(unknown.status).toBe(400);
  });
});

describe("revocations that meet", () => {
  it("a revoke racing the expiry both succeed: one drops the role, neither reports a failure", async () => {
    const { lease: created, data } = await lease("pg-app");
    const [revoked, expired] = await Promise.all([
      call("DELETE", `/api/v1/dynamic-secrets/leases/${created.id}`, WHERE),
      fetch(`${server.url}/__dev/dynamic-secrets/leases/${created.id}/expire`, { method: "POST" }),
    ]);
    expect(revoked.status).toBe(200);
    expect((revoked.body["lease"] as { status: string | null }).status).toBeNull();
    expect(expired.status === 200 || expired.status === 400).toBe(true);
    expect(await pg.roleExists(data.DB_USERNAME)).toBe(false);
    expect(server.store.leases.has(created.id)).toBe(false);
  });
});

describe("leases that meet", () => {
  it("parallel leases and revocations of one database all succeed (PostgreSQL refuses concurrent GRANTs on one object)", async () => {
    const created = await Promise.all(Array.from({ length: 12 }, () => lease("pg-app")));
    for (const { data } of created) expect(await pg.canLogin(data.DB_USERNAME, data.DB_PASSWORD)).toBe(true);
    const revoked = await Promise.all(created.map(({ lease: one }) => call("DELETE", `/api/v1/dynamic-secrets/leases/${one.id}`, WHERE)));
    expect(revoked.map((answer) => answer.status)).toEqual(created.map(() => 200));
    for (const { data } of created) expect(await pg.roleExists(data.DB_USERNAME)).toBe(false);
  });
});

describe("failed revocation", () => {
  it("keeps the lease as 'Failed to delete' (still 200) and retries until the role is gone", async () => {
    const { lease: created, data } = await lease("pg-gated");
    await setGate(true);
    try {
      const answer = await call("DELETE", `/api/v1/dynamic-secrets/leases/${created.id}`, WHERE);
      expect(answer.status).toBe(200);
      const failed = answer.body["lease"] as { status: string; statusDetails: string };
      expect(failed.status).toBe("Failed to delete");
      expect(failed.statusDetails).toBe("Failed to revoke lease from provider: revocation blocked by the test");
      expect(await pg.roleExists(data.DB_USERNAME)).toBe(true);
      expect(server.store.leases.get(created.id)?.status).toBe("Failed to delete");
    } finally {
      await setGate(false);
    }
    expect(await eventually(async () => !(await pg.roleExists(data.DB_USERNAME)))).toBe(true);
    expect(await eventually(async () => !server.store.leases.has(created.id))).toBe(true);
  });

  it("isForced deletes the lease even though the provider fails", async () => {
    const { lease: created, data } = await lease("pg-gated");
    await setGate(true);
    try {
      const first = await call("DELETE", `/api/v1/dynamic-secrets/leases/${created.id}`, WHERE);
      expect((first.body["lease"] as { status: string }).status).toBe("Failed to delete");
      const forced = await call("DELETE", `/api/v1/dynamic-secrets/leases/${created.id}`, { ...WHERE, isForced: true });
      expect(forced.status).toBe(200);
      expect((forced.body["lease"] as { id: string }).id).toBe(created.id);
      expect(server.store.leases.has(created.id)).toBe(false);
      // The provider failed, so the role is still there: forcing only forgets the lease.
      expect(await pg.roleExists(data.DB_USERNAME)).toBe(true);
    } finally {
      await setGate(false);
    }
    await dropRole(data.DB_USERNAME);
  });
});

describe("errors of the real server", () => {
  it("unknown project, folder, dynamic secret and lease are 404s with the real messages", async () => {
    const noProject = await call("POST", "/api/v1/dynamic-secrets/leases", { dynamicSecretName: "pg-app", ...WHERE, projectSlug: "nope" });
    expect([noProject.status, noProject.body["message"], noProject.body["error"]]).toEqual([404, "Project with slug 'nope' not found", "NotFound"]);
    const noSecret = await call("POST", "/api/v1/dynamic-secrets/leases", { dynamicSecretName: "nope", ...WHERE });
    expect([noSecret.status, noSecret.body["message"]]).toEqual([404, "Dynamic secret with name 'nope' in folder with path '/' not found"]);
    const noFolder = await call("POST", "/api/v1/dynamic-secrets/leases", { dynamicSecretName: "pg-app", ...WHERE, path: "/missing" });
    expect([noFolder.status, noFolder.body["message"]]).toEqual([404, "Folder with path '/missing' in environment with slug 'dev' not found"]);
    const id = "00000000-0000-4000-8000-000000000000";
    const noLease = await call("POST", `/api/v1/dynamic-secrets/leases/${id}/renew`, WHERE);
    expect([noLease.status, noLease.body["message"]]).toEqual([404, `Dynamic secret lease with ID '${id}' not found`]);
  });

  it("a lease of another environment is not found through this one", async () => {
    const { lease: created } = await lease("pg-prod", { environmentSlug: "prod" });
    const wrongPlace = await call("DELETE", `/api/v1/dynamic-secrets/leases/${created.id}`, WHERE);
    expect([wrongPlace.status, wrongPlace.body["message"]]).toEqual([404, `Dynamic secret lease with ID '${created.id}' not found`]);
    expect((await call("DELETE", `/api/v1/dynamic-secrets/leases/${created.id}`, { ...WHERE, environmentSlug: "prod" })).status).toBe(200);
  });

  it("TTLs: under a minute and over ten years are 422, a number is 400", async () => {
    const short = await call("POST", "/api/v1/dynamic-secrets/leases", { dynamicSecretName: "pg-app", ...WHERE, ttl: "30s" });
    expect(short.status).toBe(422);
    expect(short.body).toMatchObject({ statusCode: 422, error: "ValidationFailure", message: [{ code: "custom", message: "TTL must be a greater than 1min", path: ["ttl"] }] });
    const long = await call("POST", "/api/v1/dynamic-secrets/leases", { dynamicSecretName: "pg-app", ...WHERE, ttl: "11y" });
    expect(long.status).toBe(422);
    expect(long.body["message"]).toEqual([{ code: "custom", message: "TTL must be less than 10 years", path: ["ttl"] }]);
    const number = await call("POST", "/api/v1/dynamic-secrets/leases", { dynamicSecretName: "pg-app", ...WHERE, ttl: 3600 });
    expect([number.status, number.body["message"]]).toEqual([400, "Date must be string"]);
    const renewShort = await call("POST", "/api/v1/dynamic-secrets/leases/x/renew", { ...WHERE, ttl: "59s" });
    expect(renewShort.status).toBe(422);
  });

  it("a viewer may not lease (403 PermissionDenied), an outsider is not a member, a service token is refused", async () => {
    const before = await roleCount();
    const viewer = await call("POST", "/api/v1/dynamic-secrets/leases", { dynamicSecretName: "pg-app", ...WHERE }, await login(VIEWER));
    expect(viewer.status).toBe(403);
    expect(viewer.body).toMatchObject({ error: "PermissionDenied", message: "You are not allowed to lease on dynamic-secrets" });
    const outsider = await call("POST", "/api/v1/dynamic-secrets/leases", { dynamicSecretName: "pg-app", ...WHERE }, await login(OUTSIDER));
    expect(outsider.status).toBe(403);
    expect(outsider.body["error"]).toMatch(/^Identity is not a member of the specified project/);
    const token = await call("POST", "/api/v1/dynamic-secrets/leases", { dynamicSecretName: "pg-app", ...WHERE }, SERVICE_TOKEN);
    expect(token.status).toBe(403);
    expect(token.body).toMatchObject({ error: "Forbidden access to /api/v1/dynamic-secrets/leases", message: "You are not allowed to access this resource" });
    const anonymous = await call("POST", "/api/v1/dynamic-secrets/leases", { dynamicSecretName: "pg-app", ...WHERE }, null);
    expect([anonymous.status, anonymous.body["message"]]).toEqual([401, "Token missing"]);
    expect(await roleCount()).toBe(before);
  });
});

describe("management endpoints", () => {
  it("create, get, list, lease, delete (with leases: revoked in the background)", async () => {
    const inputs = { client: "postgres", host: pg.host, port: pg.port, database: pg.database, username: pg.adminUser, password: pg.adminPassword };
    const created = await call("POST", "/api/v1/dynamic-secrets", { ...WHERE, name: "pg-api", defaultTTL: "30m", maxTTL: "2h", provider: { type: "sql-database", inputs } });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const secret = created.body["dynamicSecret"] as { id: string; inputs: Record<string, unknown> };
    expect(secret).toMatchObject({ name: "pg-api", defaultTTL: "30m", maxTTL: "2h", type: "sql-database" });
    expect(secret.inputs).toMatchObject({ ...inputs, renewStatement: 'ALTER ROLE "{{username}}" VALID UNTIL \'{{expiration}}\';' });

    const duplicate = await call("POST", "/api/v1/dynamic-secrets", { ...WHERE, name: "pg-api", defaultTTL: "30m", provider: { type: "sql-database", inputs } });
    expect([duplicate.status, duplicate.body["message"]]).toEqual([400, "Provided dynamic secret already exists under the folder"]);
    const mysql = await call("POST", "/api/v1/dynamic-secrets", { ...WHERE, name: "my", defaultTTL: "30m", provider: { type: "sql-database", inputs: { ...inputs, client: "mysql2" } } });
    expect(mysql.status).toBe(400);
    expect(mysql.body["message"]).toMatch(/client "mysql2" is not supported by the dev server/);
    const wrongPassword = await call("POST", "/api/v1/dynamic-secrets", { ...WHERE, name: "bad", defaultTTL: "30m", provider: { type: "sql-database", inputs: { ...inputs, password: "nope" } } });
    expect(wrongPassword.status).toBe(400);
    expect(wrongPassword.body["message"]).toMatch(/^Failed to connect with provider: password authentication failed for user "\[REDACTED\]"$/);
    const tooShort = await call("POST", "/api/v1/dynamic-secrets", { ...WHERE, name: "short", defaultTTL: "10s", provider: { type: "sql-database", inputs } });
    expect(tooShort.status).toBe(422);

    const got = await call("GET", "/api/v1/dynamic-secrets/pg-api?projectSlug=dyn&environmentSlug=dev&path=/");
    expect(got.status).toBe(200);
    expect((got.body["dynamicSecret"] as { id: string }).id).toBe(secret.id);
    const viewerGet = await call("GET", "/api/v1/dynamic-secrets/pg-api?projectSlug=dyn&environmentSlug=dev&path=/", undefined, await login(VIEWER));
    expect(viewerGet.status).toBe(403);
    const list = await call("GET", "/api/v1/dynamic-secrets?projectSlug=dyn&environmentSlug=dev&path=/");
    expect((list.body["dynamicSecrets"] as { name: string }[]).map((s) => s.name)).toEqual(["pg-app", "pg-short", "pg-gated", "pg-broken", "pg-named", "pg-api"]);
    expect(list.body["dynamicSecrets"] as object[]).not.toContainEqual(expect.objectContaining({ inputs: expect.anything() }));

    const { lease: leased, data } = await lease("pg-api");
    const leases = await call("GET", "/api/v1/dynamic-secrets/pg-api/leases?projectSlug=dyn&environmentSlug=dev&path=/");
    expect((leases.body["leases"] as { id: string }[]).map((l) => l.id)).toEqual([leased.id]);
    expect(Date.parse(leased.expireAt) - Date.parse(leased.createdAt)).toBe(30 * 60_000);

    const deleting = await call("DELETE", "/api/v1/dynamic-secrets/pg-api", WHERE);
    expect(deleting.status).toBe(200);
    expect(deleting.body["dynamicSecret"]).toMatchObject({ name: "pg-api", status: "Deleting" });
    expect(await eventually(async () => !(await pg.roleExists(data.DB_USERNAME)))).toBe(true);
    expect(await eventually(async () => server.store.getDynamicSecret("dyn", "dev", "/", "pg-api") === undefined)).toBe(true);
    const gone = await call("GET", "/api/v1/dynamic-secrets/pg-api?projectSlug=dyn&environmentSlug=dev&path=/");
    expect([gone.status, gone.body["message"]]).toEqual([404, "Dynamic secret with name 'pg-api in folder '/' not found"]);
  });
});

describe("updating a dynamic secret", () => {
  it("PATCH changes TTLs, inputs and the name; a bad connection changes nothing", async () => {
    const inputs = { client: "postgres", host: pg.host, port: pg.port, database: pg.database, username: pg.adminUser, password: pg.adminPassword };
    expect((await call("POST", "/api/v1/dynamic-secrets", { ...WHERE, name: "pg-patch", defaultTTL: "1h", provider: { type: "sql-database", inputs } })).status).toBe(200);
    const patched = await call("PATCH", "/api/v1/dynamic-secrets/pg-patch", { ...WHERE, data: { defaultTTL: "45m", maxTTL: "3h", newName: "pg-patched" } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body["dynamicSecret"]).toMatchObject({ name: "pg-patched", defaultTTL: "45m", maxTTL: "3h" });
    const { lease: leased } = await lease("pg-patched");
    expect(Date.parse(leased.expireAt) - Date.parse(leased.createdAt)).toBe(45 * 60_000);
    await call("DELETE", `/api/v1/dynamic-secrets/leases/${leased.id}`, WHERE);

    const badPassword = await call("PATCH", "/api/v1/dynamic-secrets/pg-patched", { ...WHERE, data: { inputs: { password: "wrong" } } });
    expect(badPassword.status).toBe(400);
    expect(badPassword.body["message"]).toMatch(/^Failed to connect with provider: /);
    expect(server.store.getDynamicSecret("dyn", "dev", "/", "pg-patched")?.inputs.password).toBe(pg.adminPassword);
    const viewer = await call("PATCH", "/api/v1/dynamic-secrets/pg-patched", { ...WHERE, data: { defaultTTL: "2h" } }, await login(VIEWER));
    expect([viewer.status, viewer.body["message"]]).toEqual([403, "You are not allowed to edit-root-credential on dynamic-secrets"]);
    const missing = await call("PATCH", "/api/v1/dynamic-secrets/pg-patch", { ...WHERE, data: {} });
    expect([missing.status, missing.body["message"]]).toEqual([404, "Dynamic secret with name 'pg-patch' in folder '/' not found"]);
    expect((await call("DELETE", "/api/v1/dynamic-secrets/pg-patched", WHERE)).status).toBe(200);
  });
});

describe("an unlicensed server", () => {
  it("refuses leases with the real plan-restriction 400, as a self-hosted server without a licence", async () => {
    const other = await startDevServer({
      seed: { projects: [{ slug: "dyn", dynamicSecrets: { dev: { "/": [postgresDynamicSecret(pg)] } } }], identities: [{ name: "member", projects: { dyn: "member" }, universalAuth: { clientId: "c", clientSecrets: ["s"] } }] },
      dynamicSecrets: { licensed: false },
    });
    try {
      const login = await fetch(`${other.url}/api/v1/auth/universal-auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ clientId: "c", clientSecret: "s" }) });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const before = await roleCount();
      const answer = await fetch(`${other.url}/api/v1/dynamic-secrets/leases`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ dynamicSecretName: "pg-app", ...WHERE }),
      });
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { message: string }).message).toBe("Failed to create lease due to plan restriction. Upgrade plan to create dynamic secret.");
      expect(await roleCount()).toBe(before);
    } finally {
      await other.close();
    }
  });
});

describe("forced deletes and revoke-all", () => {
  it("a forced delete of a dynamic secret forgets its leases at once and leaves their roles", async () => {
    const inputs = { client: "postgres", host: pg.host, port: pg.port, database: pg.database, username: pg.adminUser, password: pg.adminPassword };
    expect((await call("POST", "/api/v1/dynamic-secrets", { ...WHERE, name: "pg-forced", defaultTTL: "1h", provider: { type: "sql-database", inputs } })).status).toBe(200);
    const { lease: leased, data } = await lease("pg-forced");
    const deleted = await call("DELETE", "/api/v1/dynamic-secrets/pg-forced", { ...WHERE, isForced: true });
    expect(deleted.status).toBe(200);
    expect(deleted.body["dynamicSecret"]).toMatchObject({ name: "pg-forced", status: null });
    expect(server.store.getDynamicSecret("dyn", "dev", "/", "pg-forced")).toBeUndefined();
    expect(server.store.leases.has(leased.id)).toBe(false);
    expect(await pg.roleExists(data.DB_USERNAME)).toBe(true);
    await dropRole(data.DB_USERNAME);
  });

  it("POST /__dev/dynamic-secrets/revoke-all drops every leased role", async () => {
    const first = await lease("pg-app");
    const second = await lease("pg-named");
    const response = await fetch(`${server.url}/__dev/dynamic-secrets/revoke-all`, { method: "POST" });
    expect(await response.json()).toEqual({ revoked: 2, remaining: 0 });
    expect(await pg.roleExists(first.data.DB_USERNAME)).toBe(false);
    expect(await pg.roleExists(second.data.DB_USERNAME)).toBe(false);
  });
});

describe("close", () => {
  it("cancels timers and ends connections, leaving the roles of live leases in place", async () => {
    const other = await startDevServer({
      seed: { projects: [{ slug: "dyn", dynamicSecrets: { dev: { "/": [postgresDynamicSecret(pg)] } } }], identities: [{ name: "member", projects: { dyn: "member" }, universalAuth: { clientId: "c", clientSecrets: ["s"] } }] },
    });
    const token = ((await (await fetch(`${other.url}/api/v1/auth/universal-auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ clientId: "c", clientSecret: "s" }) })).json()) as { accessToken: string }).accessToken;
    const answer = await fetch(`${other.url}/api/v1/dynamic-secrets/leases`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ dynamicSecretName: "pg-app", ...WHERE }),
    });
    const { data } = (await answer.json()) as LeaseAnswer;
    expect(other.dynamicSecrets.pendingTimers).toBe(1);
    await other.close();
    expect(other.dynamicSecrets.pendingTimers).toBe(0);
    expect(await pg.roleExists(data.DB_USERNAME)).toBe(true);
    await dropRole(data.DB_USERNAME);
  });

  it("with revokeOnClose, close() drops the roles of live leases first", async () => {
    const other = await startDevServer({
      seed: { projects: [{ slug: "dyn", dynamicSecrets: { dev: { "/": [postgresDynamicSecret(pg)] } } }] },
      dynamicSecrets: { revokeOnClose: true },
    });
    const secret = other.store.getDynamicSecret("dyn", "dev", "/", "pg-app");
    if (!secret) throw new Error("seeded dynamic secret missing");
    const { data } = await other.dynamicSecrets.createLease(secret, "ci", "1h");
    expect(await pg.roleExists(data["DB_USERNAME"] ?? "")).toBe(true);
    await other.close();
    expect(await pg.roleExists(data["DB_USERNAME"] ?? "")).toBe(false);
  });
});
