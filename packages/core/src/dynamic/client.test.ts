import { describe, expect, it } from "vitest";
import { createHttpClient } from "../http/client.js";
import { cleanupAfterEach, type Handler, failure, fakeClock, sendJson, startServer } from "../http/test-helpers.js";
import { createDynamicSecretsClient } from "./client.js";

const cleanups = cleanupAfterEach();

const LEASE = { id: "lease-1", version: 1, externalEntityId: "Abc", expireAt: "2030-01-01T00:30:00.000Z", status: null, statusDetails: null, createdAt: "2030-01-01T00:00:00.000Z" };
const DYNAMIC = { id: "ds-1", name: "pg-app", type: "sql-database", defaultTTL: "1h", maxTTL: "24h", version: 1 };
const scope = { projectSlug: "acme", environment: "dev", path: "/db/" };

async function client(handler: Handler) {
  const server = await startServer(handler);
  const clock = fakeClock();
  const http = createHttpClient({ baseUrl: server.url, now: clock.now, sleep: clock.sleep, maxAttempts: 3, deadlineMs: Number.POSITIVE_INFINITY });
  cleanups.push(() => server.close(), () => http.close());
  return { server, dynamic: createDynamicSecretsClient({ http, token: async () => "at-1" }) };
}

describe("createDynamicSecretsClient", () => {
  it("creates a lease with the server's body, and returns the lease, the dynamic secret and the credentials", async () => {
    const { server, dynamic } = await client((_hit, res) => sendJson(res, 200, { lease: LEASE, dynamicSecret: DYNAMIC, data: { DB_USERNAME: "Abc", DB_PASSWORD: "pw", DB_PORT: 5432 } }));
    const created = await dynamic.lease("pg-app", { ...scope, ttl: "30m" });
    expect(created.lease).toEqual({ id: "lease-1", expireAt: new Date(LEASE.expireAt), externalEntityId: "Abc", status: null, statusDetails: null, createdAt: new Date(LEASE.createdAt) });
    expect(created.dynamicSecret).toEqual({ id: "ds-1", name: "pg-app", type: "sql-database", defaultTTL: "1h", maxTTL: "24h" });
    expect(created.data).toEqual({ DB_USERNAME: "Abc", DB_PASSWORD: "pw", DB_PORT: "5432" });
    const [hit] = server.hits;
    expect(hit?.method).toBe("POST");
    expect(hit?.url).toBe("/api/v1/dynamic-secrets/leases");
    expect(hit?.headers.authorization).toBe("Bearer at-1");
    expect(JSON.parse(hit?.body ?? "")).toEqual({ dynamicSecretName: "pg-app", projectSlug: "acme", environmentSlug: "dev", path: "/db", ttl: "30m" });
  });

  it("refuses a bad TTL before any request", async () => {
    const { server, dynamic } = await client((_hit, res) => sendJson(res, 500, {}));
    const error = await failure(dynamic.lease("pg-app", { ...scope, ttl: "5s" }));
    expect(error.code).toBe("CONFIG");
    expect(error.toLine()).toBe('lease pg-app: the TTL "5s" is shorter than 1 minute, the shortest lease the server grants — lease TTLs run from 1m to 10y');
    expect(server.hits).toHaveLength(0);
  });

  it("retries a lease after a 429 (nothing was made) but never after a 5xx (a role may exist)", async () => {
    let calls = 0;
    const { server, dynamic } = await client((_hit, res) => {
      calls += 1;
      if (calls === 1) return sendJson(res, 429, { statusCode: 429, message: "Rate limit exceeded. Please try again in 1 seconds", error: "RateLimitExceeded" });
      return sendJson(res, 503, { statusCode: 503, message: "Service unavailable", error: "ServiceUnavailable" });
    });
    const error = await failure(dynamic.lease("pg-app", scope));
    expect(error.code).toBe("API");
    expect(server.hits).toHaveLength(2);
  });

  it("leases again when the provider rolled back over a concurrent GRANT, and never after another 400", async () => {
    const conflict = { statusCode: 400, message: "Failed to create lease from provider: tuple concurrently updated", error: "BadRequest" };
    let calls = 0;
    const { server, dynamic } = await client((_hit, res) => {
      calls += 1;
      if (calls === 1) return sendJson(res, 400, conflict);
      return sendJson(res, 200, { lease: LEASE, dynamicSecret: DYNAMIC, data: { DB_USERNAME: "Abc", DB_PASSWORD: "pw" } });
    });
    expect((await dynamic.lease("pg-app", scope)).data.DB_USERNAME).toBe("Abc");
    expect(server.hits).toHaveLength(2);

    const refused = await client((_hit, res) =>
      sendJson(res, 400, { statusCode: 400, message: "Failed to create lease from provider: role \"x\" already exists", error: "BadRequest" }),
    );
    const error = await failure(refused.dynamic.lease("pg-app", scope));
    expect(error.toLine()).toContain("400 from POST /api/v1/dynamic-secrets/leases");
    expect(refused.server.hits).toHaveLength(1);

    // Renewing is not a create: the same answer is not repeated there.
    const renewing = await client((_hit, res) => sendJson(res, 400, conflict));
    await failure(renewing.dynamic.renew("lease-1", scope));
    expect(renewing.server.hits).toHaveLength(1);
  });

  it("names the dynamic secret and folder in a 404", async () => {
    const { dynamic } = await client((_hit, res) =>
      sendJson(res, 404, { statusCode: 404, message: "Dynamic secret with name 'pg-app' in folder with path '/db' not found", error: "NotFound" }),
    );
    const error = await failure(dynamic.lease("pg-app", scope));
    expect(error.toLine()).toContain("Dynamic secret with name 'pg-app' in folder with path '/db' not found");
  });

  it("refuses an answer without credentials, never echoing the body", async () => {
    const { dynamic } = await client((_hit, res) => sendJson(res, 200, { lease: LEASE, dynamicSecret: DYNAMIC, data: {} }));
    const error = await failure(dynamic.lease("pg-app", scope));
    expect(error.code).toBe("PROTOCOL");
    expect(error.message).toBe("POST /api/v1/dynamic-secrets/leases: unexpected response: the lease has no credentials (data is empty)");
  });

  it("renews, revokes (isForced false unless forced) and reads a lease", async () => {
    const { server, dynamic } = await client((hit, res) => {
      if (hit.method === "GET") return sendJson(res, 200, { lease: { ...LEASE, dynamicSecret: DYNAMIC } });
      if (hit.method === "DELETE") return sendJson(res, 200, { lease: { ...LEASE, status: "FailedDeletion", statusDetails: "role is in use" } });
      return sendJson(res, 200, { lease: { ...LEASE, expireAt: "2030-01-01T01:00:00.000Z" } });
    });
    expect((await dynamic.renew("lease-1", { ...scope, ttl: "30m" })).expireAt.toISOString()).toBe("2030-01-01T01:00:00.000Z");
    const revoked = await dynamic.revoke("lease-1", scope);
    expect([revoked.status, revoked.statusDetails]).toEqual(["FailedDeletion", "role is in use"]);
    await dynamic.revoke("lease-1", { ...scope, force: true });
    expect((await dynamic.getLease("lease-1", scope)).id).toBe("lease-1");
    expect(server.hits.map((hit) => `${hit.method} ${hit.url}`)).toEqual([
      "POST /api/v1/dynamic-secrets/leases/lease-1/renew",
      "DELETE /api/v1/dynamic-secrets/leases/lease-1",
      "DELETE /api/v1/dynamic-secrets/leases/lease-1",
      "GET /api/v1/dynamic-secrets/leases/lease-1?projectSlug=acme&environmentSlug=dev&path=%2Fdb",
    ]);
    expect(server.hits.slice(0, 3).map((hit) => JSON.parse(hit.body) as unknown)).toEqual([
      { projectSlug: "acme", environmentSlug: "dev", path: "/db", ttl: "30m" },
      { projectSlug: "acme", environmentSlug: "dev", path: "/db", isForced: false },
      { projectSlug: "acme", environmentSlug: "dev", path: "/db", isForced: true },
    ]);
  });

  it("creates, reads, lists and deletes dynamic secret definitions", async () => {
    const { server, dynamic } = await client((hit, res) => {
      if (hit.method === "GET" && hit.url.startsWith("/api/v1/dynamic-secrets?")) return sendJson(res, 200, { dynamicSecrets: [DYNAMIC] });
      if (hit.url.includes("/leases")) return sendJson(res, 200, { leases: [LEASE] });
      return sendJson(res, 200, { dynamicSecret: DYNAMIC });
    });
    const provider = { type: "sql-database", inputs: { client: "postgres", host: "127.0.0.1", port: 5432, database: "app", username: "admin", password: "pw" } };
    expect((await dynamic.create({ ...scope, name: "pg-app", defaultTTL: "1h", maxTTL: "24h", provider })).name).toBe("pg-app");
    expect((await dynamic.get("pg-app", scope)).maxTTL).toBe("24h");
    expect((await dynamic.list(scope)).map((item) => item.name)).toEqual(["pg-app"]);
    expect((await dynamic.listLeases("pg-app", scope)).map((lease) => lease.id)).toEqual(["lease-1"]);
    await dynamic.delete("pg-app", { ...scope, force: true });
    expect(JSON.parse(server.hits[0]?.body ?? "")).toEqual({ projectSlug: "acme", environmentSlug: "dev", path: "/db", name: "pg-app", defaultTTL: "1h", maxTTL: "24h", provider });
    expect(JSON.parse(server.hits[4]?.body ?? "")).toEqual({ projectSlug: "acme", environmentSlug: "dev", path: "/db", isForced: true });
    expect(server.hits.map((hit) => hit.method)).toEqual(["POST", "GET", "GET", "GET", "DELETE"]);
  });

  it("checks a definition's TTLs before sending it", async () => {
    const { server, dynamic } = await client((_hit, res) => sendJson(res, 200, {}));
    const error = await failure(dynamic.create({ ...scope, name: "pg", defaultTTL: "1h", maxTTL: "forever", provider: { type: "sql-database", inputs: {} } }));
    expect(error.message).toBe('dynamic secret pg maxTTL: the TTL "forever" is not a duration: write it like 30m, 1h, 12h or 7d');
    expect(server.hits).toHaveLength(0);
  });
});
