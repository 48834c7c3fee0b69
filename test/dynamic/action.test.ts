/**
 * Dynamic secrets through the committed GitHub Action bundle, against the dev server and a real PostgreSQL: the main
 * step leases a role and exports its credentials, a later step logs in with them, and the post step drops the role —
 * also when the main step failed after leasing, and after the lease expired on its own.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamicSecretsClient, createHttpClient, createSession, isSecretsActionError } from "@secrets-action/core";
import { type DevServer, type Seed, startDevServer } from "@secrets-action/dev-server";
import { createJob, runStep } from "../support/github-runner.js";
import { assertNoLeaks } from "../support/leak-scanner.js";
import { type TestPostgres, postgresDynamicSecret, startPostgres } from "../support/postgres.js";
import { eventually } from "../support/eventually.js";

const CLIENT = { clientId: "dyn-action-id", clientSecret: "dyn-action-secret-3c5e7a9b" };
const READER = { clientId: "dyn-reader-id", clientSecret: "dyn-reader-secret-1b3d5f7h" };
const SECRETS = { API_KEY: "api-key-value-9f8e7d6c", DB_PASSWORD: "a-secret-named-like-a-credential" };
/** The dev server runs lease clocks 60 times faster: a 1m lease expires after one second. */
const TIME_SCALE = 60;

let postgres: TestPostgres;
let server: DevServer;

beforeAll(async () => {
  postgres = await startPostgres();
  const seed: Seed = {
    projects: [
      {
        slug: "shop",
        environments: ["ci"],
        secrets: { ci: { "/": { API_KEY: SECRETS.API_KEY }, "/clash": { DB_PASSWORD: SECRETS.DB_PASSWORD } } },
        dynamicSecrets: {
          ci: {
            "/": [postgresDynamicSecret(postgres, { name: "pg-tests", defaultTTL: "1h", maxTTL: "24h" })],
            "/short": [postgresDynamicSecret(postgres, { name: "pg-short", defaultTTL: "1m", maxTTL: "10m" })],
          },
        },
      },
    ],
    identities: [
      { name: "ci", projects: { shop: "member" }, universalAuth: { clientId: CLIENT.clientId, clientSecrets: [CLIENT.clientSecret] } },
      { name: "reader", projects: { shop: "viewer" }, universalAuth: { clientId: READER.clientId, clientSecrets: [READER.clientSecret] } },
    ],
  } as Seed;
  server = await startDevServer({ seed, dynamicSecrets: { timeScale: TIME_SCALE } });
});

afterAll(async () => {
  await server?.close();
  await postgres?.stop();
});

const inputs = (extra: Record<string, string> = {}): Record<string, string> => ({
  domain: server.url,
  "client-id": CLIENT.clientId,
  "client-secret": CLIENT.clientSecret,
  "project-slug": "shop",
  "env-slug": "ci",
  ...extra,
});

const roleCount = async (): Promise<number> => Number((await postgres.query<{ n: string }>("SELECT count(*) AS n FROM pg_roles"))[0]?.n);

/** Logs in as the leased user and reads the test table, as a job's integration tests would. */
async function queryAs(user: string, password: string): Promise<number> {
  const client = new pg.Client({ host: postgres.host, port: postgres.port, database: postgres.database, user, password });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>("SELECT count(*) AS n FROM public.items");
    return Number(result.rows[0]?.n);
  } finally {
    await client.end();
  }
}

describe.each(["20", "24"] as const)("a lease through the action on Node %s", (node) => {
  it("exports working credentials next to the secrets, and the post step drops the role", async () => {
    const job = createJob();
    const main = await runStep({ job, node, inputs: inputs({ "dynamic-secrets": "pg-tests@30m PGUSER=DB_USERNAME PGPASSWORD=DB_PASSWORD" }) });
    expect(main.errors).toEqual([]);
    expect(main.exitCode).toBe(0);
    const user = main.env["PGUSER"] ?? "";
    const password = main.env["PGPASSWORD"] ?? "";
    expect(user).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(password).toHaveLength(48);
    expect(main.env["API_KEY"]).toBe(SECRETS.API_KEY);
    expect(Object.keys(main.env).sort()).toEqual(["API_KEY", "PGPASSWORD", "PGUSER"]);

    // A later step: the credentials log in and read the tables.
    expect(await queryAs(user, password)).toBeGreaterThanOrEqual(0);
    const validUntil = await postgres.validUntil(user);
    expect(validUntil).not.toBeNull();

    // Outputs: the lease, not secret; the credentials masked before anything was printed.
    const leaseId = main.outputs["lease-id"] ?? "";
    expect(leaseId).toMatch(/^[0-9a-f-]{36}$/);
    const expiresAt = new Date(main.outputs["lease-expires-at"] ?? "");
    expect(Math.abs(expiresAt.getTime() - (validUntil?.getTime() ?? 0))).toBeLessThan(1_000);
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(25 * 60_000);
    expect(JSON.parse(main.outputs["leases"] ?? "[]")).toEqual([
      { name: "pg-tests", path: "/", id: leaseId, expiresAt: expiresAt.toISOString(), variables: ["PGUSER", "PGPASSWORD"] },
    ]);
    expect(main.masks).toContain(user);
    expect(main.masks).toContain(password);
    expect(main.raw.indexOf(`::add-mask::${password}`)).toBeLessThan(main.raw.indexOf("Leased pg-tests"));
    expect(main.log).toContain(`Leased pg-tests for 30m: lease ${leaseId}, expires ${expiresAt.toISOString()}.`);
    assertNoLeaks(main.log, { ...SECRETS, user, password });

    const post = await runStep({ job, node, step: "post", masker: main.masker });
    expect(post.exitCode).toBe(0);
    expect(post.warnings).toEqual([]);
    expect(post.log).toContain(`Revoked lease ${leaseId} (pg-tests).`);
    expect(await postgres.roleExists(user)).toBe(false);
    expect(await postgres.canLogin(user, password)).toBe(false);
    assertNoLeaks(post.log, { ...SECRETS, user, password });
  });
});

describe("leases and failures", () => {
  it("leases one dynamic secret twice, renamed apart: two working roles, each lease's variables named in the leases output, both revoked", async () => {
    const job = createJob();
    const lines = "pg-tests@10m A_USER=DB_USERNAME A_PASS=DB_PASSWORD\npg-tests@20m B_USER=DB_USERNAME B_PASS=DB_PASSWORD";
    const main = await runStep({ job, inputs: inputs({ "fetch-secrets": "false", "dynamic-secrets": lines }) });
    expect(main.errors).toEqual([]);
    const env = main.env;
    expect(Object.keys(env).sort()).toEqual(["A_PASS", "A_USER", "B_PASS", "B_USER"]);
    expect(env["A_USER"]).not.toBe(env["B_USER"]);
    expect(await queryAs(env["A_USER"] ?? "", env["A_PASS"] ?? "")).toBeGreaterThanOrEqual(0);
    expect(await queryAs(env["B_USER"] ?? "", env["B_PASS"] ?? "")).toBeGreaterThanOrEqual(0);
    const leases = JSON.parse(main.outputs["leases"] ?? "[]") as { id: string; expiresAt: string; variables: string[] }[];
    expect(leases.map((lease) => lease.variables)).toEqual([
      ["A_USER", "A_PASS"],
      ["B_USER", "B_PASS"],
    ]);
    expect(main.outputs["lease-id"]).toBe(leases.map((lease) => lease.id).join("\n"));
    expect(main.outputs["lease-expires-at"]).toBe(leases[0]?.expiresAt);
    assertNoLeaks(main.log, env);

    const post = await runStep({ job, step: "post", masker: main.masker });
    expect(post.warnings).toEqual([]);
    for (const user of [env["A_USER"] ?? "", env["B_USER"] ?? ""]) expect(await postgres.roleExists(user)).toBe(false);
  });

  it("refuses a TTL above the dynamic secret's max before any role is made, exporting nothing", async () => {
    const before = await roleCount();
    const main = await runStep({ inputs: inputs({ "dynamic-secrets": "pg-tests@48h" }) });
    expect(main.exitCode).toBe(1);
    expect(main.errors).toEqual([expect.stringMatching(/^400 from POST \/api\/v1\/dynamic-secrets\/leases: TTL cannot be larger than max TTL/)]);
    expect(main.env).toEqual({});
    expect(main.outputs["lease-id"]).toBeUndefined();
    expect(await roleCount()).toBe(before);
  });

  it("refuses an unparseable TTL before any request", async () => {
    server.requests.clear();
    const main = await runStep({ inputs: inputs({ "dynamic-secrets": "pg-tests@soonish" }) });
    expect(main.exitCode).toBe(1);
    expect(main.errors).toEqual(['dynamic-secrets: the TTL "soonish" is not a duration: write it like 30m, 1h, 12h or 7d']);
    expect(server.requests.count()).toBe(0);
  });

  it("revokes in the post step a lease made by a main step that then failed (a credential name clashing with a secret)", async () => {
    const job = createJob();
    const main = await runStep({ job, inputs: inputs({ "secret-path": "/clash", "dynamic-secrets": "pg-tests" }) });
    expect(main.exitCode).toBe(1);
    expect(main.errors.join("\n")).toContain("DB_PASSWORD would be set by both secret DB_PASSWORD and lease pg-tests");
    expect(main.env).toEqual({});
    const leaseId = JSON.parse(main.state["secrets_action_cleanup"] ?? "{}").leases?.[0]?.id as string;
    const lease = server.store.leases.get(leaseId);
    const user = lease?.externalEntityId ?? "";
    expect(await postgres.roleExists(user)).toBe(true);

    const post = await runStep({ job, step: "post", masker: main.masker });
    expect(post.exitCode).toBe(0);
    expect(post.log).toContain(`Revoked lease ${leaseId} (pg-tests).`);
    expect(await postgres.roleExists(user)).toBe(false);
    assertNoLeaks(main.log + post.log, SECRETS);
  });

  it("lets a short lease expire on its own: the role is gone within seconds of expireAt, and the post step finds nothing left", async () => {
    const job = createJob();
    const main = await runStep({ job, inputs: inputs({ "fetch-secrets": "false", "dynamic-secrets": "pg-short:/short@1m" }) });
    expect(main.exitCode).toBe(0);
    expect(Object.keys(main.env).sort()).toEqual(["DB_PASSWORD", "DB_USERNAME"]);
    const user = main.env["DB_USERNAME"] ?? "";
    // The dev server's clock for leases runs 60× faster: 1m is 1 s of real time.
    const expireAt = server.store.leases.get(main.outputs["lease-id"] ?? "")?.expireAt;
    expect(expireAt).toBeDefined();
    expect(await eventually(async () => !(await postgres.roleExists(user)))).toBe(true);
    const post = await runStep({ job, step: "post", masker: main.masker });
    expect(post.exitCode).toBe(0);
    expect(post.log).toMatch(/Lease \S+ \(pg-short at \/short\) was already gone \(expired or revoked\)\./);
  });

  it("warns, and still succeeds, when the post step cannot revoke (the identity lost access), naming the lease and its expiry", async () => {
    const job = createJob();
    const main = await runStep({ job, inputs: inputs({ "fetch-secrets": "false", "dynamic-secrets": "pg-tests@5m" }) });
    expect(main.exitCode).toBe(0);
    const leaseId = main.outputs["lease-id"] ?? "";
    // The post step logs in with the reader's credentials (as if the identity's role changed) after the saved token is revoked.
    const state = JSON.parse(main.state["secrets_action_cleanup"] ?? "{}") as { token: string };
    await fetch(`${server.url}/api/v1/auth/token/revoke`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ accessToken: state.token }) });
    const revokes = (): number => server.requests.count({ method: "POST", path: "/api/v1/auth/token/revoke", status: 200 });
    const revokedBefore = revokes();
    const post = await runStep({ job, step: "post", masker: main.masker, inputs: inputs({ "client-id": READER.clientId, "client-secret": READER.clientSecret }) });
    expect(post.exitCode).toBe(0);
    // The post step's own login does not outlive it.
    expect(revokes()).toBe(revokedBefore + 1);
    expect(post.log).toContain("The saved access token is no longer valid; logging in again to revoke the leases.");
    expect(post.warnings).toEqual([expect.stringContaining(`Could not revoke lease ${leaseId} (pg-tests): 403`)]);
    expect(post.warnings[0]).toContain(`Its credentials stay valid until ${main.outputs["lease-expires-at"]}`);
    // Clean up for the other tests: revoke with the right identity.
    const again = await runStep({ job, step: "post", masker: main.masker, inputs: inputs() });
    expect(again.log).toContain(`Revoked lease ${leaseId} (pg-tests).`);
  });

  it("renews through core's client: VALID UNTIL moves by the TTL, and a renewal past the max TTL is refused, leaving it as it was", async () => {
    const http = createHttpClient({ baseUrl: server.url });
    const session = createSession(http, { method: "universal", ...CLIENT });
    const dynamic = createDynamicSecretsClient(session);
    const scope = { projectSlug: "shop", environment: "ci" };
    try {
      const created = await dynamic.lease("pg-tests", { ...scope, ttl: "1h" });
      const user = created.data["DB_USERNAME"] ?? "";
      const before = (await postgres.validUntil(user))?.getTime() ?? 0;
      const renewed = await dynamic.renew(created.lease.id, { ...scope, ttl: "2h" });
      expect(renewed.expireAt.getTime() - created.lease.expireAt.getTime()).toBe(2 * 3_600_000);
      const after = (await postgres.validUntil(user))?.getTime() ?? 0;
      expect(Math.abs(after - before - 2 * 3_600_000)).toBeLessThan(1_000);

      const refused = await dynamic.renew(created.lease.id, { ...scope, ttl: "22h" }).catch((error: unknown) => error);
      expect(isSecretsActionError(refused) && refused.toLine()).toMatch(/^400 from POST \/api\/v1\/dynamic-secrets\/leases\/\S+\/renew: The requested renewal would exceed the maximum allowed lease duration/);
      expect((await postgres.validUntil(user))?.getTime()).toBe(after);
      expect((await dynamic.getLease(created.lease.id, scope)).expireAt.getTime()).toBe(renewed.expireAt.getTime());

      await dynamic.revoke(created.lease.id, scope);
      expect(await postgres.roleExists(user)).toBe(false);
    } finally {
      await session.revoke();
      await http.close();
    }
  });
});
