import { afterEach, describe, expect, it } from "vitest";

import type { DevServer } from "./server.js";
import { client, manualClock, MEMBER, PROJECT_ID, query, startTestServer, type ErrorJson } from "./test-support.js";

const LIST = `/api/v4/secrets${query({ projectId: PROJECT_ID, environment: "dev" })}`;

describe("rate limits", () => {
  let server: DevServer;
  afterEach(async () => server.close());

  it("are off by default", async () => {
    server = await startTestServer();
    const api = client(server);
    const token = await api.login(MEMBER);
    const statuses = await Promise.all(Array.from({ length: 30 }, () => api.get(LIST, token).then((r) => r.status)));
    expect(new Set(statuses)).toEqual(new Set([200]));
  });

  it("answer 429 RateLimitExceeded with Retry-After once a bucket is spent, until the window ends", async () => {
    const clock = manualClock();
    server = await startTestServer({ now: clock.now, rateLimit: { secrets: 3 } });
    const api = client(server);
    const token = await api.login(MEMBER);
    for (let i = 0; i < 3; i += 1) expect((await api.get(LIST, token)).status).toBe(200);
    clock.advance(20_000);
    const limited = await api.get<ErrorJson>(LIST, token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("40");
    expect(limited.body).toEqual({ reqId: expect.any(String), statusCode: 429, error: "RateLimitExceeded", message: "Rate limit exceeded. Please try again in 40 seconds" });
    expect((await api.get("/api/status")).status).toBe(200);
    clock.advance(40_000);
    expect((await api.get(LIST, token)).status).toBe(200);
  });

  it("can answer like a late-2024 server: 500 Something went wrong with Retry-After", async () => {
    const clock = manualClock();
    server = await startTestServer({ now: clock.now, rateLimit: { style: "500", write: 1 } });
    const api = client(server);
    expect((await api.post("/api/v1/auth/universal-auth/login", MEMBER)).status).toBe(200);
    const limited = await api.post<ErrorJson>("/api/v1/auth/universal-auth/login", MEMBER);
    expect(limited.status).toBe(500);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(limited.body).toEqual({ statusCode: 500, message: "Something went wrong", error: "InternalServerError" });
  });

  it("can leave the Retry-After header out, so only the message says how long", async () => {
    server = await startTestServer({ rateLimit: { secrets: 1, retryAfterHeader: false } });
    const api = client(server);
    const token = await api.login(MEMBER);
    await api.get(LIST, token);
    const limited = await api.get<ErrorJson>(LIST, token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBeNull();
    expect(limited.body.message).toMatch(/^Rate limit exceeded\. Please try again in \d+ seconds$/);
  });

  it("counts per client IP, honouring X-Forwarded-For", async () => {
    server = await startTestServer({ rateLimit: { write: 1 } });
    const api = client(server);
    const login = (ip: string) => api.send("POST", "/api/v1/auth/universal-auth/login", { json: MEMBER, headers: { "x-forwarded-for": `${ip}, 10.0.0.1` } });
    expect((await login("203.0.113.1")).status).toBe(200);
    expect((await login("203.0.113.2")).status).toBe(200);
    expect((await login("203.0.113.1")).status).toBe(429);
    expect(server.requests.list({ status: 429 })[0]?.ip).toBe("203.0.113.1");
  });

  it("can be switched on, changed and off at run time, also over HTTP", async () => {
    server = await startTestServer();
    const api = client(server);
    const token = await api.login(MEMBER);
    server.rateLimit.enable({ secrets: 1 });
    await api.get(LIST, token);
    expect((await api.get(LIST, token)).status).toBe(429);
    server.rateLimit.set({ secrets: 5 });
    expect((await api.get(LIST, token)).status).toBe(200);
    await api.send("DELETE", "/__dev/rate-limit");
    expect(server.rateLimit.enabled).toBe(false);
    const enabled = await api.post<{ enabled: boolean; options: { style: string; secrets: number } }>("/__dev/rate-limit", { style: "500", secrets: 1 });
    expect(enabled.body).toMatchObject({ enabled: true, options: { style: "500", secrets: 1 } });
    await api.get(LIST, token);
    expect((await api.get(LIST, token)).status).toBe(500);
    expect((await api.post<ErrorJson>("/__dev/rate-limit", { secretz: 1 })).status).toBe(400);
  });
});
