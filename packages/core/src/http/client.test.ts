import { describe, expect, it } from "vitest";
import type { ApiError } from "./api-error.js";
import { createHttpClient, type HttpClientOptions, type InfisicalHttpClient } from "./client.js";
import { NetworkError } from "./network-error.js";
import { TRANSPORT_ERROR, type Transport } from "./transport.js";
import type { RetryEvent } from "./types.js";
import { cleanupAfterEach, failure, closedPort, fakeClock, sendJson, startServer, type TestServer } from "./test-helpers.js";

const cleanups = cleanupAfterEach();

async function server(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(handler);
  cleanups.push(() => s.close());
  return s;
}

function client(options: HttpClientOptions): InfisicalHttpClient {
  const c = createHttpClient(options);
  cleanups.push(() => c.close());
  return c;
}

/** A client whose waits are instant and recorded, with jitter fixed at the top of the range. */
function fastClient(baseUrl: string, extra: Partial<HttpClientOptions> = {}): { http: InfisicalHttpClient; clock: ReturnType<typeof fakeClock>; events: RetryEvent[] } {
  const clock = fakeClock();
  const events: RetryEvent[] = [];
  const http = client({ baseUrl, now: clock.now, sleep: clock.sleep, random: () => 1, onRetry: (e) => events.push(e), ...extra });
  return { http, clock, events };
}


describe("createHttpClient: requests", () => {
  it("sends the query, token, user agent and extra headers, and parses JSON", async () => {
    const s = await server((_hit, res) => sendJson(res, 200, { secrets: [{ secretKey: "A" }] }));
    const http = client({
      baseUrl: `${s.url}/`,
      extraHeaders: { "X-Team": "platform", "CF-Access-Client-Id": "abc" },
      userAgent: { ci: "github-actions" },
    });
    const response = await http.request<{ secrets: unknown[] }>({
      method: "GET",
      path: "/api/v3/secrets/raw",
      query: { workspaceSlug: "acme", environment: "dev", recursive: false, include_imports: true, skipped: undefined },
      token: "tok.en",
    });
    expect(http.baseUrl).toBe(s.url);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ secrets: [{ secretKey: "A" }] });
    const hit = s.hits[0];
    expect(hit?.url).toBe("/api/v3/secrets/raw?workspaceSlug=acme&environment=dev&recursive=false&include_imports=true");
    expect(hit?.headers.authorization).toBe("Bearer tok.en");
    expect(hit?.headers["x-team"]).toBe("platform");
    expect(hit?.headers["cf-access-client-id"]).toBe("abc");
    expect(hit?.headers.accept).toBe("application/json");
    expect(hit?.headers["user-agent"]).toBe(`secrets-action/0.1.0 (github-actions; node/${process.versions.node})`);
    expect(http.stats).toEqual({ attempts: 1, requests: 1, retries: {} });
  });

  it("posts JSON and form bodies with their content types", async () => {
    const s = await server((_hit, res) => sendJson(res, 200, { ok: true }));
    const http = client({ baseUrl: s.url });
    await http.request({ method: "POST", path: "/json", json: { a: 1, b: "x" } });
    await http.request({ method: "POST", path: "/form", form: { clientId: "id", clientSecret: "s&c=t" } });
    expect(s.hits[0]?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(s.hits[0]?.body ?? "")).toEqual({ a: 1, b: "x" });
    expect(s.hits[1]?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(s.hits[1]?.body))).toEqual({ clientId: "id", clientSecret: "s&c=t" });
  });

  it("keeps one connection alive across requests", async () => {
    const s = await server((_hit, res) => sendJson(res, 200, { ok: true }));
    const http = client({ baseUrl: s.url });
    for (let i = 0; i < 5; i += 1) await http.request({ method: "GET", path: "/api/status" });
    expect(s.hits).toHaveLength(5);
    expect(s.connections()).toBe(1);
    expect(new Set(s.hits.map((hit) => hit.connection))).toEqual(new Set([1]));
  });

  it("returns an empty 2xx body as undefined", async () => {
    const s = await server((_hit, res) => {
      res.writeHead(204);
      res.end();
    });
    const response = await client({ baseUrl: s.url }).request({ method: "DELETE", path: "/x" });
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
  });

  it("rejects bad extra headers and options before any request, naming each", () => {
    expect(() => createHttpClient({ baseUrl: "https://x.example", extraHeaders: { "Bad Name": "v", Ok: "a\r\nInjected: 1" }, maxAttempts: 0 })).toThrow(
      /3 problems.*max attempts.*"Bad Name" is not a valid header name.*value of "Ok" contains a line break/,
    );
    expect(() => createHttpClient({ baseUrl: "app.infisical.com" })).toThrow(/Did you mean "https:\/\/app.infisical.com"/);
  });
});

describe("createHttpClient: retries", () => {
  it("retries a 429 after the Retry-After seconds", async () => {
    const s = await server((hit, res) =>
      s.hits.length === 1
        ? sendJson(res, 429, { statusCode: 429, error: "RateLimitExceeded", message: "Rate limit exceeded" }, { "retry-after": "7" })
        : sendJson(res, 200, { ok: hit.url }),
    );
    const { http, clock, events } = fastClient(s.url);
    const response = await http.request({ method: "GET", path: "/api/v3/secrets/raw" });
    expect(response.body).toEqual({ ok: "/api/v3/secrets/raw" });
    expect(s.hits).toHaveLength(2);
    expect(clock.sleeps).toEqual([7000]);
    expect(events).toEqual([
      expect.objectContaining({ method: "GET", path: "/api/v3/secrets/raw", attempt: 1, reason: "429", delayMs: 7000 }),
    ]);
    expect(http.stats).toEqual({ attempts: 2, requests: 1, retries: { "429": 1 } });
  });

  it("retries a 429 after a Retry-After HTTP date, measured with the injected clock", async () => {
    const clock = fakeClock(Date.UTC(2024, 9, 1, 12, 0, 0));
    const at = new Date(Date.UTC(2024, 9, 1, 12, 0, 12)).toUTCString();
    const s = await server((_hit, res) =>
      s.hits.length === 1 ? sendJson(res, 429, { message: "slow down" }, { "retry-after": at }) : sendJson(res, 200, {}),
    );
    const http = client({ baseUrl: s.url, now: clock.now, sleep: clock.sleep, random: () => 1 });
    await http.request({ method: "GET", path: "/x" });
    expect(clock.sleeps).toEqual([12_000]);
  });

  it("retries a 429 after the seconds named in its message when there is no header", async () => {
    const s = await server((_hit, res) =>
      s.hits.length === 1
        ? sendJson(res, 429, { reqId: "req-1", statusCode: 429, error: "RateLimitExceeded", message: "Rate limit exceeded. Please try again in 3 seconds" })
        : sendJson(res, 200, {}),
    );
    const { http, clock } = fastClient(s.url);
    await http.request({ method: "GET", path: "/x" });
    expect(clock.sleeps).toEqual([3000]);
  });

  it("retries a 500 that carries Retry-After (late-2024 servers' exhausted rate limit)", async () => {
    const s = await server((_hit, res) =>
      s.hits.length === 1
        ? sendJson(res, 500, { statusCode: 500, message: "Something went wrong", error: "InternalServerError" }, { "retry-after": "2" })
        : sendJson(res, 200, { secrets: [] }),
    );
    const { http, clock } = fastClient(s.url);
    await http.request({ method: "GET", path: "/api/v3/secrets/raw" });
    expect(s.hits).toHaveLength(2);
    expect(clock.sleeps).toEqual([2000]);
    expect(http.stats.retries).toEqual({ "500": 1 });
  });

  it("does not retry a plain 500", async () => {
    const s = await server((_hit, res) => sendJson(res, 500, { reqId: "req-9", statusCode: 500, message: "Something went wrong", error: "InternalServerError" }));
    const { http, clock } = fastClient(s.url);
    const error = await failure(http.request({ method: "GET", path: "/api/v3/secrets/raw" }));
    expect(s.hits).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    expect(error.code).toBe("API");
    expect((error as ApiError).status).toBe(500);
    expect(error.toLine()).toContain("request id req-9");
  });

  it.each([502, 503, 504])("retries a %i", async (status) => {
    const s = await server((_hit, res) => (s.hits.length < 3 ? sendJson(res, status, { message: "upstream" }) : sendJson(res, 200, { fine: true })));
    const { http, events } = fastClient(s.url);
    const response = await http.request({ method: "GET", path: "/x" });
    expect(response.body).toEqual({ fine: true });
    expect(s.hits).toHaveLength(3);
    expect(events.map((e) => e.reason)).toEqual([String(status), String(status)]);
    expect(http.stats.retries).toEqual({ [String(status)]: 2 });
  });

  it.each([400, 401, 403, 404, 422])("never retries a %i, even with Retry-After", async (status) => {
    const s = await server((_hit, res) => sendJson(res, status, { statusCode: status, message: "no", error: "X" }, { "retry-after": "1" }));
    const { http, clock } = fastClient(s.url);
    const error = await failure(
      http.request({ method: "POST", path: "/api/v1/auth/universal-auth/login", json: { clientId: "a", clientSecret: "b" } }),
    );
    expect(s.hits).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    expect((error as ApiError).status).toBe(status);
  });

  it("retries a connection reset by the server", async () => {
    const s = await server((_hit, res, req) => {
      if (s.hits.length === 1) {
        req.socket.destroy();
        return;
      }
      sendJson(res, 200, { ok: true });
    });
    const { http, events } = fastClient(s.url);
    const response = await http.request({ method: "GET", path: "/x" });
    expect(response.body).toEqual({ ok: true });
    expect(s.hits).toHaveLength(2);
    expect(events).toHaveLength(1);
    expect(["ECONNRESET", "socket"]).toContain(events[0]?.reason);
  });

  it("retries a refused connection, then fails with a NETWORK error naming the host", async () => {
    const port = await closedPort();
    const { http, events } = fastClient(`http://127.0.0.1:${port}`, { maxAttempts: 3 });
    const error = await failure(http.request({ method: "GET", path: "/api/v3/secrets/raw?workspaceSlug=x" }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe("NETWORK");
    expect(error.message).toBe(`GET /api/v3/secrets/raw: connection to 127.0.0.1:${port} refused (ECONNREFUSED)`);
    expect(error.hint).toContain(`nothing is listening at 127.0.0.1:${port}`);
    expect(error.hint).toContain("gave up after 3 attempts");
    expect(events.map((e) => e.reason)).toEqual(["ECONNREFUSED", "ECONNREFUSED"]);
    expect(http.stats.attempts).toBe(3);
  });

  it("times out a server that never answers, retries, then fails with TIMEOUT", async () => {
    const s = await server(() => {
      /* never answer */
    });
    const { http } = fastClient(s.url, { timeoutMs: 150, maxAttempts: 2 });
    const started = Date.now();
    const error = await failure(http.request({ method: "GET", path: "/slow" }));
    expect(error.code).toBe("TIMEOUT");
    expect(error.message).toMatch(/^GET \/slow: no answer from 127\.0\.0\.1:\d+ within 0\.2 s$/);
    expect(s.hits).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("retries a body cut off mid-way", async () => {
    const s = await server((_hit, res) => {
      if (s.hits.length === 1) {
        res.writeHead(200, { "content-type": "application/json", "content-length": "200" });
        res.write('{"secrets":[{"secretKey":"A","secr');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      sendJson(res, 200, { secrets: [] });
    });
    const { http, events } = fastClient(s.url);
    const response = await http.request({ method: "GET", path: "/api/v3/secrets/raw" });
    expect(response.body).toEqual({ secrets: [] });
    expect(events.map((e) => e.reason)).toEqual(["truncated"]);
  });

  it("gives up with a PROTOCOL error when every body is cut off", async () => {
    const s = await server((_hit, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "200" });
      res.write('{"secrets":[');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const { http } = fastClient(s.url, { maxAttempts: 2 });
    const error = await failure(http.request({ method: "GET", path: "/api/v3/secrets/raw" }));
    expect(error.code).toBe("PROTOCOL");
    expect(error.message).toContain("was cut off");
    expect(s.hits).toHaveLength(2);
  });

  it("does not retry a 2xx that is not JSON, and says the domain may be a web page", async () => {
    const s = await server((_hit, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!doctype html><html><body>Infisical</body></html>");
    });
    const { http } = fastClient(`${s.url}/app`);
    const error = await failure(http.request({ method: "GET", path: "/api/v3/secrets/raw" }));
    expect(s.hits).toHaveLength(1);
    expect(error.code).toBe("PROTOCOL");
    expect(error.message).toBe("GET /api/v3/secrets/raw: 200 answer from " + new URL(s.url).host + " is text/html, not JSON");
    expect(error.hint).toContain(`the domain ${s.url}/app seems to point at a web page or a proxy`);
  });

  it("calls refreshBody before every attempt and sends what it returns", async () => {
    const s = await server((_hit, res) => (s.hits.length < 3 ? sendJson(res, 503, {}) : sendJson(res, 200, { accessToken: "t" })));
    let calls = 0;
    const { http } = fastClient(s.url);
    await http.request({
      method: "POST",
      path: "/api/v1/auth/oidc-auth/login",
      refreshBody: async () => {
        calls += 1;
        return { json: { identityId: "id", jwt: `jwt-${calls}` } };
      },
    });
    expect(calls).toBe(3);
    expect(s.hits.map((hit) => JSON.parse(hit.body).jwt)).toEqual(["jwt-1", "jwt-2", "jwt-3"]);
  });

  it("waits with full jitter: random() * min(max, base * 2^retry)", async () => {
    const s = await server((_hit, res) => sendJson(res, 503, { message: "busy" }));
    const clock = fakeClock();
    const randoms = [0.5, 0.25, 1, 0.999, 0.1];
    const http = client({
      baseUrl: s.url,
      now: clock.now,
      sleep: clock.sleep,
      random: () => randoms.shift() ?? 0,
      maxAttempts: 6,
      backoffBaseMs: 1000,
      backoffMaxMs: 10_000,
      deadlineMs: 600_000,
    });
    const error = await failure(http.request({ method: "GET", path: "/x" }));
    // ceilings 1000, 2000, 4000, 8000, 10000 (capped)
    expect(clock.sleeps).toEqual([500, 500, 4000, 7992, 1000]);
    expect(s.hits).toHaveLength(6);
    expect(error.hint).toContain("gave up after 6 attempts");
  });

  it("never starts a retry that would pass the deadline, and says so", async () => {
    const s = await server((_hit, res) => sendJson(res, 503, { message: "busy" }));
    const { http, clock } = fastClient(s.url, { deadlineMs: 10_000, maxAttempts: 10 });
    const error = await failure(http.request({ method: "GET", path: "/x" }));
    // random() = 1: waits 1000, 2000, 4000; the next (8000) would end past 10 000.
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
    expect(s.hits).toHaveLength(4);
    expect(error.code).toBe("API");
    expect(error.hint).toMatch(/gave up after 4 attempts: waiting 8 s more would pass the run's 10 s deadline/);
  });

  it("honours a Retry-After only while it fits in the deadline", async () => {
    const s = await server((_hit, res) => sendJson(res, 429, { message: "Rate limit exceeded. Please try again in 60 seconds" }));
    const { http, clock } = fastClient(s.url, { deadlineMs: 30_000 });
    const error = await failure(http.request({ method: "GET", path: "/x" }));
    expect(clock.sleeps).toEqual([]);
    expect(s.hits).toHaveLength(1);
    expect(error.toLine()).toContain("it asked to wait 60 s");
    expect(error.toLine()).toContain("would pass the run's 30 s deadline");
  });

  it("clips a request's timeout to the real time left before the deadline", async () => {
    const s = await server(() => {
      /* never answer */
    });
    const http = client({ baseUrl: s.url, timeoutMs: 30_000, deadlineMs: 300 });
    const started = Date.now();
    const error = await failure(http.request({ method: "GET", path: "/slow" }));
    const elapsed = Date.now() - started;
    expect(error.code).toBe("TIMEOUT");
    expect(elapsed).toBeLessThan(2500);
    const next = await failure(http.request({ method: "GET", path: "/later" }));
    expect(next.code).toBe("TIMEOUT");
    expect(next.message).toContain("deadline has passed");
  });

  it("reports a timeout that ends the last of the run's time as the deadline's, without a retry", async () => {
    // The attempt's headers timeout and the deadline's timer are set to the same time left; under load either fires first.
    let calls = 0;
    const headersTimeout: Transport = {
      proxy: undefined,
      send: async () => {
        calls += 1;
        return { ok: false, error: Object.assign(new Error("headers timeout"), { code: TRANSPORT_ERROR.headersTimeout }), inBody: false };
      },
      close: async () => undefined,
    };
    const clipped = fastClient("http://127.0.0.1:9", { transport: headersTimeout, timeoutMs: 30_000, deadlineMs: 20_000 });
    const error = await failure(clipped.http.request({ method: "GET", path: "/slow" }));
    expect(error.toLine()).toMatch(/^GET \/slow: no answer from 127\.0\.0\.1:9 before the run's 20 s deadline/);
    expect(clipped.events).toEqual([]);
    expect(calls).toBe(1);
    // With time to spare, the same timeout is the request's own, and is retried.
    const spare = fastClient("http://127.0.0.1:9", { transport: headersTimeout, timeoutMs: 30_000, deadlineMs: 600_000, maxAttempts: 2 });
    const again = await failure(spare.http.request({ method: "GET", path: "/slow" }));
    expect(again.toLine()).toMatch(/no answer from 127\.0\.0\.1:9 within 30 s/);
    expect(spare.events).toHaveLength(1);
  });

  it("does not retry when the request says noRetry", async () => {
    const s = await server((_hit, res) => sendJson(res, 503, {}));
    const { http } = fastClient(s.url);
    await failure(http.request({ method: "POST", path: "/x", noRetry: true }));
    expect(s.hits).toHaveLength(1);
  });

  it("passes a refreshBody failure through untouched and unretried", async () => {
    const s = await server((_hit, res) => sendJson(res, 200, {}));
    const { http } = fastClient(s.url);
    const boom = new Error("no id token");
    await expect(http.request({ method: "POST", path: "/x", refreshBody: () => Promise.reject(boom) })).rejects.toBe(boom);
    expect(s.hits).toHaveLength(0);
  });

  it("close() ends the keep-alive connection", async () => {
    const s = await server((_hit, res) => sendJson(res, 200, {}));
    const http = createHttpClient({ baseUrl: s.url });
    await http.request({ method: "GET", path: "/x" });
    await http.close();
    const error = await failure(http.request({ method: "GET", path: "/x" }));
    expect(error.code).toBe("NETWORK");
  });
});

describe("messages never carry a secret", () => {
  it("leaves the token, the body and the query out of every error", async () => {
    const s = await server((_hit, res) =>
      sendJson(res, 401, { statusCode: 401, error: "UnauthorizedError", message: "Bad token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl" }),
    );
    const { http } = fastClient(s.url);
    const error = await failure(
      http.request({
        method: "POST",
        path: "/api/v1/auth/token/renew?accessToken=SECRET-IN-QUERY",
        json: { accessToken: "SECRET-IN-BODY" },
        token: "SECRET-TOKEN",
      }),
    );
    const everything = `${error.toLine()} ${JSON.stringify(error)} ${(error as ApiError).serverMessage ?? ""}`;
    for (const secret of ["SECRET-IN-QUERY", "SECRET-IN-BODY", "SECRET-TOKEN", "eyJhbGciOiJIUzI1NiJ9"]) {
      expect(everything).not.toContain(secret);
    }
    expect(error.message).toBe("401 from POST /api/v1/auth/token/renew: Bad token [redacted token]");
  });
});
