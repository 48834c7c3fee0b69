import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { DevServer } from "../server.js";
import { client, DEV_ONLY, MEMBER, OUTSIDER, PROJECT_ID, query, startTestServer, type ErrorJson, type ListJson, type SecretJson } from "../test-support.js";

const v3 = (params: Record<string, string>): string => `/api/v3/secrets/raw${query({ workspaceSlug: "demo", environment: "dev", ...params })}`;
const v4 = (params: Record<string, string>): string => `/api/v4/secrets${query({ projectId: PROJECT_ID, environment: "dev", ...params })}`;
const byKey = (secrets: SecretJson[]): Record<string, SecretJson> => Object.fromEntries(secrets.map((secret) => [secret.secretKey, secret]));
const values = (secrets: SecretJson[]): Record<string, string> => Object.fromEntries(secrets.map((secret) => [secret.secretKey, secret.secretValue]));

describe("listing secrets", () => {
  let server: DevServer;
  let token: string;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer();
    api = client(server);
    token = await api.login(MEMBER);
  });
  afterAll(async () => server.close());

  it("lists a folder on v3 (by slug) and v4 (by id) with the real secret shape and no imports key", async () => {
    const fromV3 = await api.get<ListJson>(v3({}), token);
    const fromV4 = await api.get<ListJson>(v4({}), token);
    expect(fromV3.status).toBe(200);
    expect(fromV3.body).toEqual(fromV4.body);
    expect(Object.keys(fromV3.body)).toEqual(["secrets"]);
    expect(fromV3.body.secrets.map((secret) => secret.secretKey)).toEqual(["HOST", "DB_URL", "API_KEY", "MISSING_REF", "MULTI", "MULTI_REF"]);
    expect(byKey(fromV3.body.secrets)["API_KEY"]).toEqual({
      id: expect.any(String),
      _id: byKey(fromV3.body.secrets)["API_KEY"]?.id,
      workspace: PROJECT_ID,
      environment: "dev",
      version: 1,
      type: "shared",
      secretKey: "API_KEY",
      secretValue: "key-123",
      secretComment: "api key",
      secretReminderNote: null,
      secretReminderRepeatDays: null,
      skipMultilineEncoding: false,
      isRotatedSecret: false,
      rotationId: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      secretPath: "/",
      secretValueHidden: false,
      secretMetadata: [],
      tags: [{ id: expect.any(String), slug: "api", name: "api", color: expect.any(String) }],
    });
    expect(byKey(fromV3.body.secrets)["MULTI"]?.secretValue).toBe("line1\nline2");
  });

  it("leaves references alone unless expandSecretReferences=true", async () => {
    const { body } = await api.get<ListJson>(v3({}), token);
    expect(values(body.secrets)["DB_URL"]).toBe("postgres://${dev.app.db.USER}@${HOST}/${prod.DB_NAME}");
  });

  it("expands ${KEY}, ${env.KEY} and ${env.a.b.KEY}, leaves missing ones literal, and quotes multi-line values with skipMultilineEncoding", async () => {
    const { body } = await api.get<ListJson>(v3({ expandSecretReferences: "true" }), token);
    const expanded = values(body.secrets);
    expect(expanded["DB_URL"]).toBe("postgres://app@db.local/appdb");
    expect(expanded["MISSING_REF"]).toBe("x-${NOPE}-${dev.nowhere.KEY}-y");
    expect(expanded["MULTI_REF"]).toBe('"line1\\nline2"');
  });

  it("returns imports in stored order, shared secrets only, transitive ones appended, without timestamps", async () => {
    const { body } = await api.get<ListJson>(v3({ include_imports: "true" }), token);
    const imports = body.imports ?? [];
    expect(imports.map((entry) => `${entry.environment}:${entry.secretPath}`)).toEqual(["dev:/shared", "prod:/"]);
    const shared = imports[0]?.secrets ?? [];
    expect(shared.map((secret) => secret.secretKey).slice(0, 4).sort()).toEqual(["DUP", "HOST_SHARED", "REDIS_URL", "SHARED_REF"]);
    expect(shared.at(-1)).toMatchObject({ secretKey: "DEEP", secretValue: "deep-value", environment: "dev", workspace: "" });
    expect(shared[0]).not.toHaveProperty("createdAt");
    expect(shared[0]).toHaveProperty("secretValueHidden", false);
    expect(imports[0]?.folderId).toEqual(expect.any(String));
  });

  it("expands imported secrets in their own environment and folder", async () => {
    const { body } = await api.get<ListJson>(v3({ include_imports: "true", expandSecretReferences: "true" }), token);
    expect(values(body.imports?.[0]?.secrets ?? [])["SHARED_REF"]).toBe("shared-host");
  });

  it("accepts includeImports (the CLI's name) on v3 and v4", async () => {
    for (const path of [v3({ includeImports: "true" }), v4({ includeImports: "true" })]) {
      expect((await api.get<ListJson>(path, token)).body.imports).toHaveLength(2);
    }
    expect((await api.get<ListJson>(v4({ include_imports: "false" }), token)).body).not.toHaveProperty("imports");
  });

  it("answers imports: [] for a folder without imports when include_imports=true", async () => {
    const { body } = await api.get<ListJson>(v3({ include_imports: "true", secretPath: "/app" }), token);
    expect(body.imports).toEqual([]);
  });

  it("lists sub-folders recursively, each secret with its own secretPath, not sorted by path", async () => {
    const { body } = await api.get<ListJson>(v3({ recursive: "true" }), token);
    const paths = body.secrets.map((secret) => `${secret.secretPath}:${secret.secretKey}`);
    expect(paths).toContain("/app:APP_PORT");
    expect(paths).toContain("/app/db:USER");
    expect(paths).toContain("/shared:REDIS_URL");
    expect(paths.indexOf("/app/db:USER")).toBeLessThan(paths.indexOf("/app:APP_PORT"));
    expect(paths[0]).toBe("/:HOST");
  });

  it("hides values with viewSecretValue=false", async () => {
    const { body } = await api.get<ListJson>(v4({ viewSecretValue: "false" }), token);
    expect(byKey(body.secrets)["HOST"]).toMatchObject({ secretValue: "<hidden-by-infisical>", secretValueHidden: true });
  });

  it("filters by tagSlugs", async () => {
    const { body } = await api.get<ListJson>(v4({ tagSlugs: "api,db", recursive: "true" }), token);
    expect(body.secrets.map((secret) => secret.secretKey).sort()).toEqual(["API_KEY", "USER"]);
  });

  it("answers 422 ValidationFailure for a flag that is not exactly true or false", async () => {
    const { status, body } = await api.get<ErrorJson>(v3({ recursive: "1", include_imports: "yes" }), token);
    expect(status).toBe(422);
    expect(body).toMatchObject({ statusCode: 422, error: "ValidationFailure" });
    expect(body.message).toEqual([
      { received: "1", code: "invalid_enum_value", options: ["true", "false"], path: ["recursive"], message: "Invalid enum value. Expected 'true' | 'false', received '1'" },
      { received: "yes", code: "invalid_enum_value", options: ["true", "false"], path: ["include_imports"], message: "Invalid enum value. Expected 'true' | 'false', received 'yes'" },
    ]);
  });

  it("answers 404 SecretPathNotFound for a missing folder or environment", async () => {
    const { status, body } = await api.get<ErrorJson>(v3({ secretPath: "/nope" }), token);
    expect(status).toBe(404);
    expect(body).toEqual({
      reqId: expect.any(String),
      statusCode: 404,
      error: "SecretPathNotFound",
      message: "Folder with path '/nope' in environment 'dev' was not found. Please ensure the environment slug and secret path is correct.",
    });
    expect((await api.get<ErrorJson>(v4({ environment: "qa", recursive: "true" }), token)).body.error).toBe("SecretPathNotFound");
  });

  it("lists an empty folder as no secrets", async () => {
    expect((await api.get<ListJson>(v3({ secretPath: "/empty/" }), token)).body).toEqual({ secrets: [] });
  });

  it("answers 400 for a missing project or environment", async () => {
    expect((await api.get<ErrorJson>(`/api/v4/secrets${query({ environment: "dev" })}`, token)).body.message).toBe("Missing project id or environment");
    expect((await api.get<ErrorJson>(`/api/v3/secrets/raw${query({ environment: "dev" })}`, token)).body.message).toBe("You must provide projectSlug or workspaceId");
  });

  it("refuses projects the identity is not a member of, and unknown slugs", async () => {
    const outsider = await api.login(OUTSIDER);
    const byId = await api.get<ErrorJson>(v4({}), outsider);
    expect(byId.status).toBe(403);
    expect(byId.body).toMatchObject({ message: "You are not allowed to access this resource", error: `Identity is not a member of the specified project with ID '${PROJECT_ID}'` });
    const bySlug = await api.get<ErrorJson>(v3({ workspaceSlug: "nope" }), token);
    expect(bySlug.status).toBe(404);
    expect(bySlug.body.message).toBe("No project found with slug nope");
  });

  it("needs read permission on referenced environments: 403 when expanding into one the identity cannot read", async () => {
    const devOnly = await api.login(DEV_ONLY);
    const { status, body } = await api.get<ErrorJson>(v3({ expandSecretReferences: "true" }), devOnly);
    expect(status).toBe(403);
    expect(body).toMatchObject({ error: "ForbiddenError", message: "Failed to expand one or more secret references" });
    expect(body.details).toEqual([
      "You do not have permission to read secret 'DB_NAME' in environment 'prod' at path '/', which is referenced by secret 'DB_URL' in environment 'dev' at path '/'.",
    ]);
    expect((await api.get<ListJson>(v3({ environment: "prod" }), devOnly)).body.secrets).toEqual([]);
  });
});

describe("getting one secret", () => {
  let server: DevServer;
  let token: string;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    server = await startTestServer();
    api = client(server);
    token = await api.login(MEMBER);
  });
  afterAll(async () => server.close());

  const one = (name: string, params: Record<string, string> = {}): string =>
    `/api/v3/secrets/raw/${encodeURIComponent(name)}${query({ workspaceId: PROJECT_ID, environment: "dev", ...params })}`;

  it("returns {secret} with secretPath, tags and secretValueHidden", async () => {
    const { status, body } = await api.get<{ secret: SecretJson }>(one("API_KEY"), token);
    expect(status).toBe(200);
    expect(body.secret).toMatchObject({ secretKey: "API_KEY", secretValue: "key-123", secretPath: "/", secretValueHidden: false, tags: [{ slug: "api" }] });
  });

  it("expands on request", async () => {
    const { body } = await api.get<{ secret: SecretJson }>(one("DB_URL", { expandSecretReferences: "true" }), token);
    expect(body.secret.secretValue).toBe("postgres://app@db.local/appdb");
  });

  it("searches imports from the last to the first with include_imports", async () => {
    const dup = await api.get<{ secret: SecretJson }>(one("DUP", { include_imports: "true" }), token);
    expect(dup.body.secret).toMatchObject({ secretValue: "from-prod", environment: "prod", secretPath: "/" });
    const redis = await api.get<{ secret: SecretJson }>(one("REDIS_URL", { include_imports: "true" }), token);
    expect(redis.body.secret).toMatchObject({ secretValue: "redis://shared", environment: "dev", secretPath: "/shared" });
    expect((await api.get<ErrorJson>(one("REDIS_URL"), token)).status).toBe(404);
  });

  it("answers the real 404s for a missing secret and a missing folder", async () => {
    expect((await api.get<ErrorJson>(one("NOPE"), token)).body).toMatchObject({ statusCode: 404, error: "NotFound", message: "Secret with name 'NOPE' not found" });
    expect((await api.get<ErrorJson>(one("HOST", { secretPath: "/nope" }), token)).body).toMatchObject({
      statusCode: 404,
      message: "Folder with path '/nope' in environment with slug 'dev' not found",
    });
  });

  it("answers 422 on v4 without projectId", async () => {
    const { status, body } = await api.get<ErrorJson>(`/api/v4/secrets/HOST${query({ environment: "dev" })}`, token);
    expect(status).toBe(422);
    expect(body.message).toEqual([{ code: "invalid_type", expected: "string", received: "undefined", path: ["projectId"], message: "Required" }]);
  });
});

describe("a late-2024 server (v4: false)", () => {
  let server: DevServer;
  afterAll(async () => server.close());

  it("has no /api/v4 routes, drops reqId, and lists a missing folder as empty", async () => {
    server = await startTestServer({ v4: false });
    const api = client(server);
    const token = await api.login(MEMBER);
    const path = v4({});
    const missing = await api.get<ErrorJson>(path, token);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: `Route GET:${path} not found`, error: "Not Found", statusCode: 404 });
    expect((await api.get(v3({ secretPath: "/nope" }), token)).body).toEqual({ secrets: [], imports: [] });
    const noToken = await api.get<ErrorJson>(v3({}));
    expect(noToken.body).toEqual({ statusCode: 401, message: "Token missing", error: "UnauthorizedError" });
    const listed = await api.get<ListJson>(v3({}), token);
    expect(listed.body.secrets[0]).not.toHaveProperty("secretValueHidden");
    expect(listed.body.secrets[0]).toHaveProperty("metadata", null);
  });
});

describe("reference expansion limits", () => {
  let server: DevServer;
  afterAll(async () => server.close());

  it("follows at most 10 levels and stops at cycles, keeping what was substituted", async () => {
    const chain = (length: number, prefix: string): Record<string, string> =>
      Object.fromEntries(Array.from({ length: length + 1 }, (_, index) => [`${prefix}${index}`, index === length ? "end" : `\${${prefix}${index + 1}}`]));
    server = await startTestServer({
      seed: {
        projects: [{ slug: "refs", id: PROJECT_ID, secrets: { dev: { "/": { ...chain(11, "OK"), ...chain(12, "TOO_DEEP"), A: "a-${B}", B: "b-${A}", SELF: "me-${SELF}" } } } }],
        identities: [{ name: "m", projects: { refs: "member" }, universalAuth: { clientId: MEMBER.clientId, clientSecrets: [MEMBER.clientSecret] } }],
      },
    });
    const api = client(server);
    const token = await api.login(MEMBER);
    const { body } = await api.get<ListJson>(v4({ expandSecretReferences: "true" }), token);
    const expanded = values(body.secrets);
    expect(expanded["OK0"]).toBe("end");
    expect(expanded["TOO_DEEP0"]).toBe("${TOO_DEEP12}");
    expect(expanded["A"]).toBe("a-b-a-${B}");
    expect(expanded["SELF"]).toBe("me-me-${SELF}");
  });
});
