/**
 * The dev server's HTTP contract, checked purely over HTTP with the request and response shapes of
 * shared/reference/infisical-api.md. Point it at a real server with INFISICAL_URL (see target.ts) to check both agree.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConformanceTarget, call, conformanceTarget, login } from "./target.js";

let target: ConformanceTarget;
let token: string;

beforeAll(async () => {
  target = await conformanceTarget();
  token = await login(target);
});
afterAll(async () => target?.close());

const list = (query: Record<string, string>, path = "/api/v3/secrets/raw") =>
  call(target, "GET", path, { token, query: { workspaceSlug: target.projectSlug, environment: "dev", ...query } });
const values = (secrets: { secretKey: string; secretValue: string }[]) => Object.fromEntries(secrets.map((s) => [s.secretKey, s.secretValue]));

describe("universal auth login", () => {
  it("answers the token shape for a JSON body", async () => {
    const { status, body } = await call(target, "POST", "/api/v1/auth/universal-auth/login", {
      json: { clientId: target.clientId, clientSecret: target.clientSecret },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ accessToken: expect.any(String), expiresIn: expect.any(Number), accessTokenMaxTTL: expect.any(Number), tokenType: "Bearer" });
    // An HS256 JWT with the identity's claims.
    const payload = JSON.parse(Buffer.from(String(body.accessToken).split(".")[1] ?? "", "base64url").toString());
    expect(payload).toMatchObject({ authTokenType: "identityAccessToken", identityId: expect.any(String) });
  });

  it("accepts a form-encoded body, as the official action posts it", async () => {
    const { status, body } = await call(target, "POST", "/api/v1/auth/universal-auth/login", {
      form: { clientId: target.clientId, clientSecret: target.clientSecret },
    });
    expect(status).toBe(200);
    expect(body.tokenType).toBe("Bearer");
  });

  it("answers 401 Invalid credentials for a wrong secret", async () => {
    const { status, body } = await call(target, "POST", "/api/v1/auth/universal-auth/login", {
      json: { clientId: target.clientId, clientSecret: "definitely-wrong" },
    });
    expect(status).toBe(401);
    expect(body).toMatchObject({ statusCode: 401, message: "Invalid credentials", error: "UnauthorizedError" });
  });
});

describe("the route guard", () => {
  it("answers 401 Token missing without an Authorization header", async () => {
    const { status, body } = await call(target, "GET", "/api/v3/secrets/raw", { query: { workspaceSlug: target.projectSlug, environment: "dev" } });
    expect(status).toBe(401);
    expect(body).toMatchObject({ statusCode: 401, message: "Token missing", error: "UnauthorizedError" });
  });

  it("answers 403 TokenError for a malformed token", async () => {
    const { status, body } = await call(target, "GET", "/api/v3/secrets/raw", {
      token: "not-a-jwt",
      query: { workspaceSlug: target.projectSlug, environment: "dev" },
    });
    expect(status).toBe(403);
    expect(body.error).toBe("TokenError");
  });
});

describe("GET /api/v3/secrets/raw", () => {
  it("lists a folder with no imports key when include_imports is absent", async () => {
    const { status, body } = await list({ secretPath: "/conformance" });
    expect(status).toBe(200);
    expect(body.imports).toBeUndefined();
    const secret = body.secrets.find((s: { secretKey: string }) => s.secretKey === "PLAIN");
    expect(secret).toMatchObject({ secretKey: "PLAIN", secretValue: "plain-value", environment: "dev", type: "shared", version: expect.any(Number) });
    for (const key of ["id", "_id", "workspace", "secretComment", "createdAt", "updatedAt"]) expect(secret).toHaveProperty(key);
  });

  it("keeps real newlines and one trailing newline in a multi-line value", async () => {
    const { body } = await list({ secretPath: "/conformance" });
    expect(values(body.secrets)["MULTILINE"]).toBe("line one\nline two\n");
  });

  it("returns imports in stored order, each naming its folder and environment", async () => {
    const { body } = await list({ secretPath: "/conformance", include_imports: "true" });
    expect(body.imports.map((entry: { secretPath: string; environment: string }) => [entry.environment, entry.secretPath])).toEqual([
      ["dev", "/conformance/shared-a"],
      ["dev", "/conformance/shared-b"],
    ]);
    expect(values(body.imports[0]?.secrets ?? [])).toMatchObject({ FROM_A: "a", IMPORTED_TWICE: "from-a" });
    expect(values(body.imports[1]?.secrets ?? [])).toMatchObject({ FROM_B: "b", IMPORTED_TWICE: "from-b" });
  });

  it("expands references in the same folder, another environment and a nested folder, and leaves a missing one literal", async () => {
    const { body } = await list({ secretPath: "/conformance", expandSecretReferences: "true" });
    expect(values(body.secrets)).toMatchObject({
      REF_SAME: "plain-value-suffix",
      REF_OTHER_ENV: "prod-value",
      REF_NESTED: "deep-value",
      REF_MISSING: "${NOPE_NOT_THERE}",
    });
  });

  it("leaves references alone by default", async () => {
    const { body } = await list({ secretPath: "/conformance" });
    expect(values(body.secrets)["REF_SAME"]).toBe("${PLAIN}-suffix");
  });

  it("includes sub-folders with recursive, each secret carrying its own secretPath", async () => {
    const { body } = await list({ secretPath: "/conformance", recursive: "true" });
    const paths = body.secrets.map((s: { secretKey: string; secretPath: string }) => `${s.secretPath}:${s.secretKey}`);
    expect(paths).toEqual(expect.arrayContaining(["/conformance:SHADOWED", "/conformance/deep:SHADOWED", "/conformance/deep:DEEP_KEY", "/conformance/shared-a:FROM_A"]));
  });

  it("answers 422 ValidationFailure for a boolean that is not true/false", async () => {
    const { status, body } = await list({ secretPath: "/conformance", recursive: "yes" });
    expect(status).toBe(422);
    expect(body).toMatchObject({ statusCode: 422, error: "ValidationFailure" });
    expect(Array.isArray(body.message)).toBe(true);
  });

  it("answers 404 SecretPathNotFound for a missing folder (late-2024 servers answered 200 with no secrets)", async () => {
    const { status, body } = await list({ secretPath: "/no/such/folder" });
    if (!target.dev && status === 200) {
      expect(body.secrets).toEqual([]);
      return;
    }
    expect(status).toBe(404);
    expect(body.error).toBe("SecretPathNotFound");
    expect(body.message).toContain("/no/such/folder");
  });

  it("answers 404 for an unknown project slug", async () => {
    const { status } = await call(target, "GET", "/api/v3/secrets/raw", { token, query: { workspaceSlug: "no-such-project-slug", environment: "dev" } });
    // Late-2024 servers answered 500 here (reference §9).
    expect(target.dev ? [404] : [404, 500]).toContain(status);
  });
});

describe("GET /api/v4/secrets", () => {
  it("lists by project id with the same values as v3", async () => {
    const v4 = await call(target, "GET", "/api/v4/secrets", {
      token,
      query: { projectId: target.projectId, environment: "dev", secretPath: "/conformance", expandSecretReferences: "true" },
    });
    if (!target.dev && v4.status === 404) return; // a server without v4: the client falls back to v3
    expect(v4.status).toBe(200);
    const v3 = await list({ secretPath: "/conformance", expandSecretReferences: "true" });
    expect(values(v4.body.secrets)).toEqual(values(v3.body.secrets));
  });
});

describe("one secret", () => {
  it("gets a secret by name", async () => {
    const { status, body } = await call(target, "GET", "/api/v3/secrets/raw/PLAIN", {
      token,
      query: { workspaceSlug: target.projectSlug, environment: "dev", secretPath: "/conformance" },
    });
    expect(status).toBe(200);
    expect(body.secret).toMatchObject({ secretKey: "PLAIN", secretValue: "plain-value" });
  });

  it("finds a name in the imports, the last import first", async () => {
    const { status, body } = await call(target, "GET", "/api/v3/secrets/raw/IMPORTED_TWICE", {
      token,
      query: { workspaceSlug: target.projectSlug, environment: "dev", secretPath: "/conformance", include_imports: "true" },
    });
    expect(status).toBe(200);
    expect(body.secret.secretValue).toBe("from-b");
  });

  it("answers 404 NotFound for a missing name", async () => {
    const { status, body } = await call(target, "GET", "/api/v3/secrets/raw/NOT_A_SECRET", {
      token,
      query: { workspaceSlug: target.projectSlug, environment: "dev", secretPath: "/conformance" },
    });
    expect(status).toBe(404);
    expect(body.message).toBe("Secret with name 'NOT_A_SECRET' not found");
  });

  it("creates, updates (new version), reads and deletes a secret; values are trimmed keeping one trailing newline", async () => {
    const name = `CONFORMANCE_${Date.now()}`;
    const location = { workspaceId: target.projectId, environment: "dev", secretPath: "/conformance", type: "shared" };
    const created = await call(target, "POST", `/api/v3/secrets/raw/${name}`, { token, json: { ...location, secretValue: "  padded\n\n" } });
    expect(created.status).toBe(200);
    expect(created.body.secret).toMatchObject({ secretKey: name, secretValue: "padded\n", version: 1 });

    const duplicate = await call(target, "POST", `/api/v3/secrets/raw/${name}`, { token, json: { ...location, secretValue: "x" } });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.message).toBe("Secret already exists");

    const updated = await call(target, "PATCH", `/api/v3/secrets/raw/${name}`, { token, json: { ...location, secretValue: "second" } });
    expect(updated.status).toBe(200);
    expect(updated.body.secret).toMatchObject({ secretValue: "second", version: 2 });

    const deleted = await call(target, "DELETE", `/api/v3/secrets/raw/${name}`, { token, json: location });
    expect(deleted.status).toBe(200);
    const gone = await call(target, "GET", `/api/v3/secrets/raw/${name}`, { token, query: { workspaceId: target.projectId, environment: "dev", secretPath: "/conformance" } });
    expect(gone.status).toBe(404);
  });

  it("refuses a name with a slash or colon", async () => {
    const { status } = await call(target, "POST", "/api/v3/secrets/raw/BAD:NAME", {
      token,
      json: { workspaceId: target.projectId, environment: "dev", secretPath: "/conformance", secretValue: "x" },
    });
    expect([400, 422]).toContain(status);
  });

  it("answers 403 PermissionDenied when a viewer writes", async () => {
    if (!target.viewer) return;
    const viewerToken = await login(target, target.viewer.clientId, target.viewer.clientSecret);
    const readable = await call(target, "GET", "/api/v3/secrets/raw", { token: viewerToken, query: { workspaceSlug: target.projectSlug, environment: "dev", secretPath: "/conformance" } });
    expect(readable.status).toBe(200);
    const { status, body } = await call(target, "POST", "/api/v3/secrets/raw/VIEWER_WRITE", {
      token: viewerToken,
      json: { workspaceId: target.projectId, environment: "dev", secretPath: "/conformance", secretValue: "x" },
    });
    expect(status).toBe(403);
    expect(body).toMatchObject({ statusCode: 403, message: "You are not allowed to create on secrets", error: "PermissionDenied" });
  });
});

describe("token renew and revoke", () => {
  it("renews to a new working token and revokes it", async () => {
    const first = await login(target);
    const renewed = await call(target, "POST", "/api/v1/auth/token/renew", { json: { accessToken: first } });
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({ accessToken: expect.any(String), tokenType: "Bearer" });
    const token2 = renewed.body.accessToken as string;
    expect((await call(target, "GET", "/api/v3/secrets/raw", { token: token2, query: { workspaceSlug: target.projectSlug, environment: "dev", secretPath: "/conformance" } })).status).toBe(200);

    const revoked = await call(target, "POST", "/api/v1/auth/token/revoke", { json: { accessToken: token2 } });
    expect(revoked.status).toBe(200);
    expect(revoked.body.message).toBe("Successfully revoked access token");
    const after = await call(target, "GET", "/api/v3/secrets/raw", { token: token2, query: { workspaceSlug: target.projectSlug, environment: "dev", secretPath: "/conformance" } });
    expect(after.status).toBe(401);
  });
});

describe("GET /api/status", () => {
  it("answers without a token", async () => {
    const { status } = await call(target, "GET", "/api/status");
    expect(status).toBe(200);
  });
});
