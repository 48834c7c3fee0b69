import { afterEach, describe, expect, it } from "vitest";

import type { DevServer } from "./server.js";
import { client, MEMBER, startTestServer, type ErrorJson } from "./test-support.js";

const STATUS = "/api/status";

/** The error a failed fetch reports, with its cause, as a client would see it. */
const failureOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
    return "no error";
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${(error.cause as NodeJS.ErrnoException).code ?? error.cause.message})` : "";
    return `${error instanceof Error ? error.name : "?"}${cause}`;
  }
};

describe("fault injection", () => {
  let server: DevServer;
  afterEach(async () => server.close());

  it("answers the next N matching requests with a status, then serves normally", async () => {
    server = await startTestServer();
    server.faults.add({ path: STATUS, status: 503, count: 2 });
    const api = client(server);
    const first = await api.get<ErrorJson>(STATUS);
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({ statusCode: 503, error: "ServiceUnavailable", message: "Injected fault: Service Unavailable" });
    expect((await api.get(STATUS)).status).toBe(503);
    expect((await api.get(STATUS)).status).toBe(200);
    expect(server.faults.list()).toEqual([]);
  });

  it("uses the given body and headers, matches path prefixes and methods", async () => {
    server = await startTestServer();
    server.faults.add({ method: "POST", path: "/api/v1/auth/*", status: 429, body: { message: "slow down" }, headers: { "retry-after": "7" } });
    const api = client(server);
    expect((await api.get(STATUS)).status).toBe(200);
    const limited = await api.post("/api/v1/auth/universal-auth/login", MEMBER);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ message: "slow down" });
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(server.requests.list({ path: "/api/v1/auth/*" })[0]).toMatchObject({ status: 429, fault: "status" });
  });

  it("delays, then serves normally when delayMs is alone", async () => {
    server = await startTestServer();
    server.faults.add({ path: STATUS, delayMs: 150 });
    const started = performance.now();
    const response = await client(server).get(STATUS);
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("resets the connection", async () => {
    server = await startTestServer();
    server.faults.add({ path: STATUS, action: "reset" });
    expect(await failureOf(fetch(`${server.url}${STATUS}`))).toBe("TypeError (ECONNRESET)");
    expect(server.requests.list()[0]).toMatchObject({ path: STATUS, status: 0, fault: "reset" });
  });

  it("closes the connection without an answer", async () => {
    server = await startTestServer();
    server.faults.add({ path: STATUS, action: "close" });
    expect(await failureOf(fetch(`${server.url}${STATUS}`))).toMatch(/^TypeError \(/);
  });

  it("hangs until the client gives up, and close() still returns", async () => {
    server = await startTestServer();
    server.faults.add({ path: STATUS, action: "hang" });
    expect(await failureOf(fetch(`${server.url}${STATUS}`, { signal: AbortSignal.timeout(200) }))).toBe("TimeoutError");
  });

  it("truncates the body after announcing its full length", async () => {
    server = await startTestServer();
    server.faults.add({ path: STATUS, action: "truncate" });
    const response = await fetch(`${server.url}${STATUS}`);
    expect(response.status).toBe(200);
    expect(Number(response.headers.get("content-length"))).toBeGreaterThan(20);
    expect(await failureOf(response.text())).toMatch(/^TypeError/);
  });

  it("answers an HTML page instead of JSON", async () => {
    server = await startTestServer();
    server.faults.add({ path: STATUS, action: "not-json" });
    const response = await fetch(`${server.url}${STATUS}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html");
    expect(await response.text()).toContain("502 Bad Gateway");
  });

  it("is controlled over HTTP: POST, GET and DELETE /__dev/faults", async () => {
    server = await startTestServer();
    const api = client(server);
    const added = await api.post<{ faults: unknown[] }>("/__dev/faults", [{ path: STATUS, status: 502, count: 3 }, { path: "/x", action: "hang" }]);
    expect(added.body.faults).toEqual([
      { path: STATUS, status: 502, count: 3, remaining: 3 },
      { path: "/x", action: "hang", remaining: 1 },
    ]);
    expect((await api.get(STATUS)).status).toBe(502);
    expect((await api.get<{ faults: { remaining: number }[] }>("/__dev/faults")).body.faults[0]?.remaining).toBe(2);
    expect((await api.send<{ cleared: number }>("DELETE", "/__dev/faults")).body).toEqual({ cleared: 2 });
    expect((await api.get(STATUS)).status).toBe(200);
    const invalid = await api.post<ErrorJson>("/__dev/faults", { path: "no-slash", action: "explode" });
    expect(invalid.status).toBe(400);
    expect(invalid.body.message).toBe("fault: path must be a string starting with / (a prefix may end in *); action must be one of reset, close, hang, truncate, not-json.");
  });
});

describe("request log", () => {
  let server: DevServer;
  afterEach(async () => server.close());

  it("records method, path, query, status, time and IP of every request, and logs one line each without secrets", async () => {
    const lines: string[] = [];
    server = await startTestServer({ log: (line) => lines.push(line) });
    const api = client(server);
    const token = await api.login(MEMBER);
    await api.get(`/api/v3/secrets/raw?workspaceSlug=demo&environment=dev`, token);
    await api.get("/__dev/requests");
    const records = server.requests.list();
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({ method: "GET", path: "/api/v3/secrets/raw", query: { workspaceSlug: "demo", environment: "dev" }, status: 200, ip: "127.0.0.1" });
    expect(records[1]?.ms).toEqual(expect.any(Number));
    expect(server.requests.count({ method: "POST", path: "/api/v1/auth/universal-auth/login", status: 200 })).toBe(1);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^POST \/api\/v1\/auth\/universal-auth\/login 200 \d+ms$/);
    const all = lines.join("\n");
    for (const secret of [MEMBER.clientSecret, token, "key-123", "db.local"]) expect(all).not.toContain(secret);
  });

  it("is readable and clearable over HTTP", async () => {
    server = await startTestServer();
    const api = client(server);
    await api.get(STATUS);
    await api.get("/nope");
    const listed = await api.get<{ requests: { path: string; status: number }[] }>("/__dev/requests?status=404");
    expect(listed.body.requests.map((record) => [record.path, record.status])).toEqual([["/nope", 404]]);
    expect((await api.send<{ cleared: number }>("DELETE", "/__dev/requests")).body).toEqual({ cleared: 2 });
    expect(server.requests.count()).toBe(0);
  });
});
