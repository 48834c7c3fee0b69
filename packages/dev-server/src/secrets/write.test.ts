import { afterEach, beforeEach, describe, expect, it } from "vitest";

import type { DevServer } from "../server.js";
import { client, MEMBER, PROJECT_ID, query, startTestServer, VIEWER, type ErrorJson, type SecretJson } from "../test-support.js";

describe("writing secrets", () => {
  let server: DevServer;
  let api: ReturnType<typeof client>;
  let token: string;
  beforeEach(async () => {
    server = await startTestServer();
    api = client(server);
    token = await api.login(MEMBER);
  });
  afterEach(async () => server.close());

  const v4Body = (extra: Record<string, unknown> = {}) => ({ projectId: PROJECT_ID, environment: "dev", secretPath: "/app", ...extra });
  const v3Body = (extra: Record<string, unknown> = {}) => ({ projectSlug: "demo", environment: "dev", secretPath: "/app", ...extra });

  it("creates, reads, updates with version bumps and history, and deletes", async () => {
    const created = await api.post<{ secret: SecretJson }>("/api/v4/secrets/NEW_KEY", v4Body({ secretValue: "  first  ", secretComment: " note " }), token);
    expect(created.status).toBe(200);
    expect(created.body.secret).toMatchObject({ secretKey: "NEW_KEY", secretValue: "first", secretComment: "note", version: 1, workspace: PROJECT_ID, environment: "dev" });
    expect(created.body.secret).not.toHaveProperty("secretPath");

    const updated = await api.patch<{ secret: SecretJson }>("/api/v3/secrets/raw/NEW_KEY", v3Body({ secretValue: "second\n\n" }), token);
    expect(updated.body.secret).toMatchObject({ secretValue: "second\n", version: 2, secretValueHidden: false });
    expect(server.store.getSecret("demo", "dev", "/app", "NEW_KEY")?.history.map((entry) => entry.value)).toEqual(["first", "second\n"]);

    const first = await api.get<{ secret: SecretJson }>(`/api/v4/secrets/NEW_KEY${query({ projectId: PROJECT_ID, environment: "dev", secretPath: "/app", version: "1" })}`, token);
    expect(first.body.secret).toMatchObject({ secretValue: "first", version: 1 });

    const deleted = await api.del<{ secret: SecretJson }>("/api/v4/secrets/NEW_KEY", v4Body(), token);
    expect(deleted.status).toBe(200);
    expect(deleted.body.secret.secretKey).toBe("NEW_KEY");
    expect(server.store.getSecret("demo", "dev", "/app", "NEW_KEY")).toBeUndefined();
  });

  it("answers the real errors for duplicates, bad names, missing secrets and folders", async () => {
    expect((await api.post<ErrorJson>("/api/v4/secrets/APP_PORT", v4Body({ secretValue: "x" }), token)).body).toMatchObject({
      statusCode: 400,
      error: "BadRequest",
      message: "Secret already exists",
    });
    const badName = await api.post<ErrorJson>("/api/v4/secrets/A:B", v4Body({ secretValue: "x" }), token);
    expect(badName.status).toBe(422);
    expect(badName.body.message).toEqual([{ code: "custom", message: "Secret name cannot contain colon or forward slash.", path: ["secretName"] }]);
    expect((await api.patch<ErrorJson>("/api/v4/secrets/NOPE", v4Body({ secretValue: "x" }), token)).body).toMatchObject({ statusCode: 404, message: "Secret with name NOPE not found" });
    expect((await api.del<ErrorJson>("/api/v4/secrets/NOPE", v4Body(), token)).body).toMatchObject({ statusCode: 404, message: "Secret not found" });
    expect((await api.post<ErrorJson>("/api/v4/secrets/X", v4Body({ secretPath: "/nope", secretValue: "x" }), token)).body).toMatchObject({
      statusCode: 404,
      error: "CreateSecret",
      message: "Folder with path '/nope' in environment with slug 'dev' not found",
    });
    expect((await api.post<ErrorJson>("/api/v4/secrets/X", v4Body({ secretValue: "x", type: "personal" }), token)).body.message).toBe("Must be user to create personal secret");
  });

  it("refuses writes from a viewer with the casl 403", async () => {
    const viewer = await api.login(VIEWER);
    const { status, body } = await api.post<ErrorJson>("/api/v4/secrets/VIEWER_KEY", v4Body({ secretValue: "x" }), viewer);
    expect(status).toBe(403);
    expect(body).toMatchObject({ statusCode: 403, message: "You are not allowed to create on secrets", error: "PermissionDenied" });
    expect((await api.patch<ErrorJson>("/api/v4/secrets/APP_PORT", v4Body({ secretValue: "1" }), viewer)).body.message).toBe("You are not allowed to edit on secrets");
    expect((await api.del<ErrorJson>("/api/v4/secrets/APP_PORT", v4Body(), viewer)).body.message).toBe("You are not allowed to delete on secrets");
  });

  it("renames, refusing a taken name and rewriting references to the old name", async () => {
    const taken = await api.patch<ErrorJson>("/api/v4/secrets/USER", v4Body({ secretPath: "/app/db", newSecretName: "PASSWORD" }), token);
    expect(taken.body.message).toBe("Secret with the new name already exists");
    const renamed = await api.patch<{ secret: SecretJson }>("/api/v4/secrets/USER", v4Body({ secretPath: "/app/db", newSecretName: "DB_USER" }), token);
    expect(renamed.body.secret).toMatchObject({ secretKey: "DB_USER", version: 2 });
    const dbUrl = server.store.getSecret("demo", "dev", "/", "DB_URL");
    expect(dbUrl?.value).toBe("postgres://${dev.app.db.DB_USER}@${HOST}/${prod.DB_NAME}");
    expect(dbUrl?.version).toBe(2);
    await api.patch("/api/v4/secrets/HOST", v4Body({ secretPath: "/", newSecretName: "DB_HOST" }), token);
    expect(server.store.getSecret("demo", "dev", "/", "DB_URL")?.value).toBe("postgres://${dev.app.db.DB_USER}@${DB_HOST}/${prod.DB_NAME}");
  });

  it("sets tags by id and answers 404 for an unknown tag", async () => {
    const db = server.store.projectById(PROJECT_ID)?.tags.find((tag) => tag.slug === "db");
    const tagged = await api.patch<{ secret: SecretJson }>("/api/v4/secrets/APP_PORT", v4Body({ tagIds: [db?.id] }), token);
    expect(tagged.status).toBe(200);
    const read = await api.get<{ secret: SecretJson }>(`/api/v4/secrets/APP_PORT${query({ projectId: PROJECT_ID, environment: "dev", secretPath: "/app" })}`, token);
    expect(read.body.secret.tags?.map((tag) => tag.slug)).toEqual(["db"]);
    expect((await api.patch<ErrorJson>("/api/v4/secrets/APP_PORT", v4Body({ tagIds: ["nope"] }), token)).body).toMatchObject({ statusCode: 404, message: "Tag not found. Found " });
  });

  it("creates, updates (also upserting) and deletes in batches, on v3 and v4", async () => {
    const created = await api.post<{ secrets: SecretJson[] }>("/api/v3/secrets/batch/raw", v3Body({ secrets: [{ secretKey: "B1", secretValue: "1" }, { secretKey: "B2", secretValue: "2" }] }), token);
    expect(created.body.secrets.map((secret) => secret.secretKey)).toEqual(["B1", "B2"]);
    const again = await api.post<ErrorJson>("/api/v4/secrets/batch", v4Body({ secrets: [{ secretKey: "B1", secretValue: "1" }, { secretKey: "APP_PORT", secretValue: "2" }] }), token);
    expect(again.body.message).toBe("Secret already exists: B1,APP_PORT");

    const notFound = await api.patch<ErrorJson>("/api/v4/secrets/batch", v4Body({ secrets: [{ secretKey: "B1", secretValue: "x" }, { secretKey: "B9", secretValue: "y" }] }), token);
    expect(notFound.body).toMatchObject({ statusCode: 404, message: "Secret does not exist: B9 in path /app" });
    const upserted = await api.patch<{ secrets: SecretJson[] }>(
      "/api/v4/secrets/batch",
      v4Body({ mode: "upsert", secrets: [{ secretKey: "B1", secretValue: "x" }, { secretKey: "B9", secretValue: "y" }] }),
      token,
    );
    expect(upserted.body.secrets.map((secret) => [secret.secretKey, secret.secretValue, secret.version])).toEqual([
      ["B1", "x", 2],
      ["B9", "y", 1],
    ]);

    const missing = await api.del<ErrorJson>("/api/v4/secrets/batch", v4Body({ secrets: [{ secretKey: "B1" }, { secretKey: "NOPE" }] }), token);
    expect(missing.body.message).toBe("One or more secrets does not exist: B1");
    const deleted = await api.del<{ secrets: SecretJson[] }>("/api/v3/secrets/batch/raw", v3Body({ secrets: [{ secretKey: "B1" }, { secretKey: "B2" }] }), token);
    expect(deleted.body.secrets).toHaveLength(2);
    expect(server.store.getSecret("demo", "dev", "/app", "B2")).toBeUndefined();
    const empty = await api.post<ErrorJson>("/api/v4/secrets/batch", v4Body({ secrets: [] }), token);
    expect(empty.status).toBe(422);
  });

  it("answers 400 for a body naming no project on v3", async () => {
    const { status, body } = await api.post<ErrorJson>("/api/v3/secrets/raw/X", { environment: "dev", secretValue: "x" }, token);
    expect(status).toBe(400);
    expect(body.message).toBe("You must provide projectSlug or workspaceId");
  });
});
