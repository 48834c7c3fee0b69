import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSecretsActionError, type SecretsActionError } from "../errors.js";
import { ApiError, isApiError } from "./api-error.js";
import { createHttpClient } from "./client.js";
import type { HttpRequest } from "./types.js";
import { closedPort, failure, startServer, type TestServer } from "./test-helpers.js";

/** The next answer the server gives: status, body (object → JSON, string → as is) and headers. */
let next: { status: number; body: unknown; headers?: Record<string, string> } = { status: 200, body: {} };
let server: TestServer;
let http: ReturnType<typeof createHttpClient>;

beforeAll(async () => {
  server = await startServer((_hit, res) => {
    const text = typeof next.body === "string" ? next.body : JSON.stringify(next.body);
    const type = typeof next.body === "string" ? "text/html" : "application/json; charset=utf-8";
    res.writeHead(next.status, { "content-type": type, ...next.headers });
    res.end(text);
  });
  http = createHttpClient({ baseUrl: server.url, maxAttempts: 1 });
});
afterAll(async () => {
  await http.close();
  await server.close();
});

async function answer(status: number, body: unknown, request: HttpRequest, headers?: Record<string, string>): Promise<SecretsActionError> {
  next = headers === undefined ? { status, body } : { status, body, headers };
  return failure(http.request(request));
}

const uaLogin: HttpRequest = { method: "POST", path: "/api/v1/auth/universal-auth/login", json: { clientId: "id", clientSecret: "secret-value" } };
const oidcLogin: HttpRequest = {
  method: "POST",
  path: "/api/v1/auth/oidc-auth/login",
  json: { identityId: "6b579c00", jwt: "eyJ.x.y" },
  context: { identityId: "6b579c00" },
};
const list: HttpRequest = {
  method: "GET",
  path: "/api/v3/secrets/raw",
  query: { workspaceSlug: "acme", environment: "dev", secretPath: "/app/db" },
  token: "tok",
};

describe("ApiError from real answers", () => {
  it("401 at a universal login: one line, client id and secret, do not retry", async () => {
    const error = await answer(401, { statusCode: 401, message: "Invalid credentials", error: "UnauthorizedError" }, uaLogin);
    expect(error).toBeInstanceOf(ApiError);
    expect(isApiError(error)).toBe(true);
    expect(error.toLine()).toBe(
      "401 from POST /api/v1/auth/universal-auth/login: Invalid credentials — check the client id and client secret; three failed logins in a row lock the identity for 5 minutes, so do not retry",
    );
    const api = error as ApiError;
    expect([api.method, api.path, api.status, api.serverError, api.serverMessage]).toEqual([
      "POST",
      "/api/v1/auth/universal-auth/login",
      401,
      "UnauthorizedError",
      "Invalid credentials",
    ]);
    expect(error.toLine()).not.toContain("secret-value");
  });

  it("401 locked identity: wait 5 minutes", async () => {
    const error = await answer(401, { message: "This identity auth method is temporarily locked, please try again later", error: "UnauthorizedError" }, uaLogin);
    expect(error.hint).toMatch(/^the identity's login is locked .* wait 5 minutes .* do not retry in a loop$/);
  });

  it("401 expired or used-up client secret", async () => {
    expect((await answer(401, { message: "Access denied due to expired client secret" }, uaLogin)).hint).toContain("the client secret has expired");
    expect((await answer(401, { message: "Access denied due to client secret usage limit reached" }, uaLogin)).hint).toContain("usage limit");
  });

  it("401 at an OIDC login names the audience problem", async () => {
    const error = await answer(401, { message: "Access denied: OIDC audience not allowed.", error: "UnauthorizedError" }, oidcLogin);
    expect(error.hint).toContain("bound audiences: set the audience option");
  });

  it("403 OIDC subject not allowed", async () => {
    const error = await answer(403, { message: "Access denied: OIDC subject not allowed.", error: "ForbiddenError" }, oidcLogin);
    expect(error.hint).toContain("repo:<owner>/<repo>:ref:refs/heads/<branch>");
  });

  it("403 TokenError on another route: expired or malformed token", async () => {
    const expired = await answer(403, { error: "TokenError", message: "Your token has expired. Please re-authenticate." }, list);
    expect(expired.toLine()).toBe(
      "403 from GET /api/v3/secrets/raw: Your token has expired. Please re-authenticate. — the access token has expired: log in again, or raise the identity's access token TTL",
    );
    const malformed = await answer(403, { error: "TokenError", message: "The provided access token is malformed. Please use a valid token or generate a new one and try again." }, list);
    expect(malformed.hint).toContain("malformed");
  });

  it("403 PermissionDenied names the project, environment and path", async () => {
    const error = await answer(403, { statusCode: 403, message: "You are not allowed to read on secrets", error: "PermissionDenied" }, list);
    expect(error.toLine()).toBe(
      '403 from GET /api/v3/secrets/raw: You are not allowed to read on secrets — the identity may not read secrets in path "/app/db" in environment "dev" of project "acme": give it a project role that allows this environment and path',
    );
  });

  it("404 SecretPathNotFound names the folder", async () => {
    const error = await answer(404, { reqId: "req-1", statusCode: 404, error: "SecretPathNotFound", message: "Folder with path '/app/db' in environment with slug 'dev' not found" }, list);
    expect(error.hint).toBe('"/app/db" does not exist in environment "dev" of project "acme": check the secret path (it starts with / and is case-sensitive)');
    expect((error as ApiError).reqId).toBe("req-1");
  });

  it("404 for a missing route: server too old or wrong domain", async () => {
    const error = await answer(404, { message: "Route GET:/api/v4/secrets?projectId=p not found", error: "Not Found", statusCode: 404 }, { method: "GET", path: "/api/v4/secrets", query: { projectId: "p" } });
    expect(error.message).toBe("404 from GET /api/v4/secrets: Route GET:/api/v4/secrets?projectId=p not found");
    expect(error.hint).toContain("the server has no such endpoint: it may be older than this feature needs");
    expect(error.hint).toContain(server.url);
    expect((error as ApiError).serverError).toBe("Not Found");
  });

  it("404 project not found and OIDC not configured", async () => {
    const project = await answer(404, { error: "NotFound", message: "Project with slug 'acme' not found" }, list);
    expect(project.hint).toBe('check the project "acme" (slug or id) and that the identity belongs to its organization');
    const oidc = await answer(404, { error: "NotFound", message: "OIDC auth method not found for identity, did you configure OIDC auth?" }, oidcLogin);
    expect(oidc.hint).toBe('the identity "6b579c00" has no OIDC auth configured: add it to the identity, or check the identity id');
  });

  it("422 names the field from the issue path", async () => {
    const error = await answer(
      422,
      {
        reqId: "req-2",
        statusCode: 422,
        error: "ValidationFailure",
        message: [{ code: "invalid_type", expected: "string", received: "undefined", path: ["environment"], message: "Required" }],
      },
      { method: "GET", path: "/api/v3/secrets/raw", query: { workspaceSlug: "acme" } },
    );
    expect(error.toLine()).toBe('422 from GET /api/v3/secrets/raw: environment: Required — the server rejected "environment" of the request: check that input\'s value');
  });

  it("429 says the budget is per IP and shared behind a NAT", async () => {
    const error = await answer(429, { error: "RateLimitExceeded", message: "Rate limit exceeded. Please try again in 20 seconds" }, list);
    expect((error as ApiError).retryAfterMs).toBe(20_000);
    expect(error.hint).toContain("it asked to wait 20 s");
    expect(error.hint).toContain("runners behind one NAT share it");
    expect(error.hint).not.toContain("gave up");
  });

  it("5xx gives the request id for support", async () => {
    const error = await answer(500, { reqId: "req-abc123", statusCode: 500, message: "Something went wrong", error: "InternalServerError" }, { method: "GET", path: "/api/v1/x" });
    expect(error.hint).toBe(
      "the server failed (request id req-abc123): try again later; if it persists, give the request id and time to your Infisical administrator or support",
    );
  });

  it("500 'Find one' at an OIDC login: check the identity id", async () => {
    const error = await answer(500, { statusCode: 500, message: "Something went wrong", error: "Find one" }, oidcLogin);
    expect(error.toLine()).toBe('500 from POST /api/v1/auth/oidc-auth/login: Something went wrong — the server found no identity "6b579c00": check the identity id');
  });

  it("an HTML 502 from a proxy, and an HTML 404 from a web page", async () => {
    const gateway = await answer(502, "<html>Bad Gateway</html>", { method: "GET", path: "/x" });
    expect(gateway.message).toBe("502 from GET /x: Bad Gateway");
    expect(gateway.hint).toContain("the server or a proxy in front of it is unavailable");
    const page = await answer(404, "<html>Not here</html>", { method: "GET", path: "/api/v3/secrets/raw" });
    expect(page.hint).toContain(`check that the domain ${server.url} is the Infisical server`);
  });

  it("a redirect says where to point the domain", async () => {
    const error = await answer(301, "", { method: "GET", path: "/api/v3/secrets/raw" }, { location: "https://secrets.example.com/api/v3/secrets/raw?x=1" });
    expect(error.hint).toBe("the server redirects to https://secrets.example.com/api/v3/secrets/raw: set the domain to that server (https:// rather than http://?)");
  });
});

describe("network errors name the domain", () => {
  it("DNS: an unresolvable host", async () => {
    const client = createHttpClient({ baseUrl: "https://nonexistent.invalid", maxAttempts: 3, sleep: async () => {} });
    try {
      await client.request({ method: "GET", path: "/api/status" });
      expect.unreachable();
    } catch (error: unknown) {
      expect(isSecretsActionError(error) && error.code).toBe("NETWORK");
      expect(isSecretsActionError(error) && error.toLine()).toBe(
        "GET /api/status: could not resolve nonexistent.invalid (ENOTFOUND) — check the domain https://nonexistent.invalid for a typo, and the runner's DNS",
      );
      expect(client.stats.attempts).toBe(1);
    } finally {
      await client.close();
    }
  });

  it("refused: nothing listening", async () => {
    const port = await closedPort();
    const client = createHttpClient({ baseUrl: `http://127.0.0.1:${port}`, maxAttempts: 1 });
    try {
      await client.request({ method: "GET", path: "/api/status" });
      expect.unreachable();
    } catch (error: unknown) {
      expect(isSecretsActionError(error) && error.hint).toBe(
        `nothing is listening at 127.0.0.1:${port}: check the domain and port, and that the server is running`,
      );
    } finally {
      await client.close();
    }
  });
});
