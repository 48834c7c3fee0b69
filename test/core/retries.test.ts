/**
 * Every retry path of core's HTTP client against the dev server over real sockets: rate limits in both server styles,
 * gateway errors, dropped, hung and truncated connections. Each run ends with the complete, exact secret set, and the
 * attempts are counted on both sides (the client's stats and the server's request log). Waits are injected.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type FaultAction, type DevServer } from "@secrets-action/dev-server";
import { fetchSecrets } from "@secrets-action/core";
import { CREDENTIALS, DEV_ROOT, GHA_IDENTITY_ID, SHOP_ID, asRecord, expectNoLeak, expectUserLine, failure, frontDoor, manualClock, startServer } from "./harness.js";

const V3_LIST = "/api/v3/secrets/raw";
const V4_LIST = "/api/v4/secrets";
const LOGIN = "/api/v1/auth/universal-auth/login";

/** dev `/` then `/app`, the later path winning: what a two-path fetch must export. */
const DEV_LAYERED = { ...DEV_ROOT, API_URL: "https://app-api.shop.test", LOG_LEVEL: "debug", SHARED_KEY: "from-app" };

/** The statuses the server answered on a path, in order (0 = connection dropped or left hanging). */
const statuses = (server: DevServer, path: string): number[] => server.requests.list({ path }).map((record) => record.status);

describe("rate limits: the wait the server asks for is the wait the client takes", () => {
  // The server's rate-limit window runs on a clock the client's injected sleep moves forward: no real waiting, and the
  // retry only succeeds if the client waited at least as long as it was told.
  const limitedRun = async (rateLimit: Parameters<DevServer["rateLimit"]["enable"]>[0]) => {
    const clock = manualClock();
    const server = await startServer({ now: clock.now, rateLimit: { secrets: 1, ...rateLimit } });
    const door = frontDoor(server, { onSleep: clock.advance });
    const result = await fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev", paths: ["/", "/app"] });
    return { server, door, result };
  };

  it("429 with Retry-After: waits exactly the header's seconds, then gets every secret", async () => {
    const { server, door, result } = await limitedRun({ style: "429" });
    expect(asRecord(result.secrets)).toEqual(DEV_LAYERED);
    expect(door.sleeps).toEqual([60_000]);
    expect(door.http.stats).toMatchObject({ requests: 3, attempts: 4, retries: { "429": 1 } });
    expect(statuses(server, V3_LIST)).toEqual([200, 429, 200]);
    expect(server.requests.list({ path: V3_LIST, status: 429 })[0]?.query).toMatchObject({ secretPath: "/app" });
    // The adapter's retry log line says what happened and what the server asked, and leaks nothing.
    expect(door.retries).toHaveLength(1);
    expect(door.retries[0]).toMatchObject({ method: "GET", path: V3_LIST, attempt: 1, reason: "429", delayMs: 60_000 });
    expect(door.retries[0]?.error).toContain("429 from GET /api/v3/secrets/raw: Rate limit exceeded. Please try again in 60 seconds");
    expect(door.retries[0]?.error).toContain("it asked to wait 60 s");
    expectNoLeak([door.retries[0]?.error ?? ""], door.tokens());
  });

  it("429 without Retry-After: reads the wait from 'Please try again in N seconds'", async () => {
    const { server, door, result } = await limitedRun({ style: "429", retryAfterHeader: false });
    expect(server.requests.list({ path: V3_LIST, status: 429 })).toHaveLength(1);
    expect(asRecord(result.secrets)).toEqual(DEV_LAYERED);
    expect(door.sleeps).toEqual([60_000]);
    expect(door.http.stats.retries).toEqual({ "429": 1 });
    expect(statuses(server, V3_LIST)).toEqual([200, 429, 200]);
  });

  it("500 'Something went wrong' with Retry-After (late-2024 servers) is retried after the header's wait", async () => {
    const { server, door, result } = await limitedRun({ style: "500" });
    expect(asRecord(result.secrets)).toEqual(DEV_LAYERED);
    expect(door.sleeps).toEqual([60_000]);
    expect(door.http.stats).toMatchObject({ requests: 3, attempts: 4, retries: { "500": 1 } });
    expect(statuses(server, V3_LIST)).toEqual([200, 500, 200]);
  });

  it("a rate-limited login is retried once it is allowed, and still logs in exactly once", async () => {
    const clock = manualClock();
    const server = await startServer({ now: clock.now, rateLimit: { write: 1 } });
    // Another job behind the same NAT spent the login budget of this minute.
    const neighbour = frontDoor(server, { auth: { method: "universal", ...CREDENTIALS.viewer } });
    await neighbour.session.token();
    const door = frontDoor(server, { onSleep: clock.advance });
    const result = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" });
    expect(asRecord(result.secrets)).toEqual(DEV_ROOT);
    expect(door.sleeps).toEqual([60_000]);
    expect(statuses(server, LOGIN)).toEqual([200, 429, 200]);
    expect(server.requests.count({ path: V4_LIST })).toBe(1);
  });

  it("a Retry-After longer than the time left gives up at once with the deadline in the message", async () => {
    const clock = manualClock();
    const server = await startServer({ now: clock.now, rateLimit: { secrets: 1 } });
    const door = frontDoor(server, { onSleep: clock.advance, http: { deadlineMs: 30_000 } });
    const error = await failure(fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev", paths: ["/", "/app"] }));
    expect(door.sleeps).toEqual([]);
    expect(statuses(server, V3_LIST)).toEqual([200, 429]);
    const line = expectUserLine(error, "gave up after 1 attempt: waiting 60 s more would pass the run's 30 s deadline", door.tokens());
    expect(line).toMatch(/^429 from GET \/api\/v3\/secrets\/raw: Rate limit exceeded/);
    expect(line).toContain("the server's rate limit was reached (it asked to wait 60 s)");
  });
});

describe("gateway errors: 502, 503 and 504 are retried with full-jitter backoff", () => {
  for (const status of [502, 503, 504]) {
    it(`${status} twice on the v4 list, then the complete secret set`, async () => {
      const server = await startServer();
      server.faults.add({ method: "GET", path: V4_LIST, status, count: 2 });
      const door = frontDoor(server, { http: { backoffBaseMs: 1_000 } });
      const result = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" });
      expect(result.apiVersion).toBe("v4");
      expect(asRecord(result.secrets)).toEqual(DEV_ROOT);
      expect(statuses(server, V4_LIST)).toEqual([status, status, 200]);
      expect(door.http.stats).toMatchObject({ requests: 2, attempts: 4, retries: { [String(status)]: 2 } });
      // Full jitter: each wait is somewhere below a ceiling that doubles.
      expect(door.sleeps).toHaveLength(2);
      expect(door.sleeps[0]).toBeGreaterThanOrEqual(0);
      expect(door.sleeps[0]).toBeLessThanOrEqual(1_000);
      expect(door.sleeps[1]).toBeLessThanOrEqual(2_000);
      // The gateway errors never made the client ask the server to fall back to v3.
      expect(server.requests.count({ path: V3_LIST })).toBe(0);
    });
  }

  it("an HTML 502 page from a proxy is retried like a JSON one", async () => {
    const server = await startServer();
    server.faults.add({ method: "GET", path: V3_LIST, status: 502, action: "not-json" });
    const door = frontDoor(server);
    const result = await fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev" });
    expect(asRecord(result.secrets)).toEqual(DEV_ROOT);
    expect(statuses(server, V3_LIST)).toEqual([502, 200]);
    expect(door.http.stats.retries).toEqual({ "502": 1 });
  });

  it("gives up after maxAttempts with the count in the hint, having hit the server exactly that often", async () => {
    const server = await startServer();
    server.faults.add({ method: "GET", path: V3_LIST, status: 503, count: 10 });
    const door = frontDoor(server, { http: { maxAttempts: 3 } });
    const error = await failure(fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev" }));
    expect(error.code).toBe("API");
    expect(statuses(server, V3_LIST)).toEqual([503, 503, 503]);
    expect(door.http.stats.attempts).toBe(4);
    const line = expectUserLine(error, "gave up after 3 attempts", door.tokens());
    expect(line).toContain("503 from GET /api/v3/secrets/raw:");
    expect(line).toContain(`the server or a proxy in front of it is unavailable: try again later, and check that ${server.url} is up`);
  });
});

describe("broken connections: reset, closed, hung and truncated answers are retried", () => {
  const cases: { action: FaultAction; reason: string }[] = [
    { action: "reset", reason: "ECONNRESET" },
    { action: "close", reason: "socket" },
    { action: "hang", reason: "timeout" },
    { action: "truncate", reason: "truncated" },
  ];
  for (const { action, reason } of cases) {
    it(`${action}: retried (${reason}), then every secret, exactly once each`, async () => {
      const server = await startServer();
      server.faults.add({ method: "GET", path: V3_LIST, action });
      const door = frontDoor(server, { http: { timeoutMs: 400 } });
      const started = Date.now();
      const result = await fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev", paths: ["/", "/app"] });
      expect(asRecord(result.secrets)).toEqual(DEV_LAYERED);
      expect(door.http.stats).toMatchObject({ requests: 3, attempts: 4, retries: { [reason]: 1 } });
      // The first list attempt was dropped (0) or cut off mid-body (200 with half a body); then both paths answered.
      expect(statuses(server, V3_LIST)).toEqual([action === "truncate" ? 200 : 0, 200, 200]);
      expect(server.requests.list({ path: V3_LIST })[0]?.fault).toBe(action);
      expect(door.retries[0]?.reason).toBe(reason);
      expectNoLeak([door.retries[0]?.error ?? ""], door.tokens());
      // A hung request costs one timeout, not the 30 s default.
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  }

  it("a dropped login is retried and still yields exactly one access token", async () => {
    const server = await startServer();
    server.faults.add({ method: "POST", path: LOGIN, action: "reset" });
    const door = frontDoor(server);
    const result = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" });
    expect(asRecord(result.secrets)).toEqual(DEV_ROOT);
    expect(statuses(server, LOGIN)).toEqual([0, 200]);
    expect(door.tokens()).toHaveLength(1);
  });

  it("an OIDC login retried after a reset mints a fresh ID token for the second attempt", async () => {
    const server = await startServer();
    server.faults.add({ method: "POST", path: "/api/v1/auth/oidc-auth/login", action: "reset" });
    const minted: string[] = [];
    const getJwt = async (): Promise<string> => {
      // A distinct jti per token, as GitHub's: two tokens minted in the same second still differ.
      const jwt = server.oidc.mint({ preset: "github", claims: { jti: randomUUID() } });
      minted.push(jwt);
      return jwt;
    };
    const door = frontDoor(server, { auth: { method: "oidc", identityId: GHA_IDENTITY_ID, getJwt } });
    const result = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" });
    expect(asRecord(result.secrets)).toEqual(DEV_ROOT);
    expect(minted).toHaveLength(2);
    expect(new Set(minted).size).toBe(2);
    expect(statuses(server, "/api/v1/auth/oidc-auth/login")).toEqual([0, 200]);
  });
});

describe("the deadline bounds the whole run", () => {
  it("a server that keeps hanging fails with a TIMEOUT naming the deadline, within it", async () => {
    const server = await startServer();
    server.faults.add({ method: "GET", path: V3_LIST, action: "hang", count: 50 });
    // Each 0.3 s attempt times out and is retried: the 2.5 s deadline allows a few attempts and then cuts the last
    // one short.
    const door = frontDoor(server, { http: { timeoutMs: 300, deadlineMs: 2_500, maxAttempts: 50, backoffBaseMs: 10 } });
    const started = Date.now();
    const error = await failure(fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev" }));
    const elapsed = Date.now() - started;
    expect(error.code).toBe("TIMEOUT");
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    expect(elapsed).toBeLessThan(4_500);
    const line = expectUserLine(error, /deadline/, door.tokens());
    expect(line).toContain("GET /api/v3/secrets/raw");
    expect(line).toContain("2.5 s deadline");
    // Every attempt reached the server and was left hanging; none of them was answered.
    const hung = statuses(server, V3_LIST);
    expect(hung.length).toBeGreaterThanOrEqual(2);
    expect(hung.every((status) => status === 0)).toBe(true);
    expect(door.http.stats.attempts).toBe(hung.length + 1);
    expect(door.http.stats.retries["timeout"]).toBe(hung.length - 1);
  });

  it("a refused connection is retried, then named with the address nothing listens on", async () => {
    const server = await startServer();
    const url = server.url;
    await server.close();
    const door = frontDoor({ ...server, url }, { http: { maxAttempts: 3 } });
    const error = await failure(fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev" }));
    expect(error.code).toBe("NETWORK");
    expect(door.http.stats).toMatchObject({ attempts: 3, retries: { ECONNREFUSED: 2 } });
    const host = new URL(url).host;
    const line = expectUserLine(error, `nothing is listening at ${host}: check the domain and port, and that the server is running`);
    expect(line).toContain(`POST /api/v1/auth/universal-auth/login: connection to ${host} refused (ECONNREFUSED)`);
    expect(line).toContain("gave up after 3 attempts");
  });
});
