/**
 * The secrets client and fetchSecrets against the dev server: which endpoint is used and when it falls back, the
 * official merge order for imports, recursive collisions, layered paths, name and tag selection, and the write round
 * trip with versions — each checked on what the run would export and on what the server was asked.
 */
import { describe, expect, it } from "vitest";
import type { DevServer } from "@secrets-action/dev-server";
import { fetchSecrets } from "@secrets-action/core";
import { DEV_ROOT, SECRET_VALUES, SHOP_ID, asRecord, expectNoLeak, expectUserLine, failure, frontDoor, startServer } from "./harness.js";

const V3_LIST = "/api/v3/secrets/raw";
const V4_LIST = "/api/v4/secrets";

/** `METHOD path` of every secrets request the server saw (logins and OIDC traffic left out). */
const secretCalls = (server: DevServer): string[] =>
  server.requests
    .list()
    .filter((record) => record.path.startsWith("/api/v3/secrets") || record.path.startsWith("/api/v4/secrets"))
    .map((record) => `${record.method} ${record.path} ${record.status}`);

/** dev `/` with every sub-folder: the deepest folder wins API_URL and SHARED_KEY. */
const DEV_RECURSIVE = {
  ...DEV_ROOT,
  API_URL: "https://app-api.shop.test",
  LOG_LEVEL: "debug",
  SHARED_KEY: "from-worker",
  WEB_ROOT: "/srv/www",
  QUEUE: "jobs",
};

describe("which endpoint answers", () => {
  it("v4 when the project id is known, with every flag sent explicitly", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const result = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" });
    expect(result.apiVersion).toBe("v4");
    expect(asRecord(result.secrets)).toEqual(DEV_ROOT);
    expect(secretCalls(server)).toEqual([`GET ${V4_LIST} 200`]);
    expect(server.requests.list({ path: V4_LIST })[0]?.query).toEqual({
      projectId: SHOP_ID,
      environment: "dev",
      secretPath: "/",
      recursive: "false",
      include_imports: "false",
      includeImports: "false",
      expandSecretReferences: "true",
    });
  });

  it("v3 with a project slug, with every flag sent explicitly", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const result = await fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev", recursive: true, includeImports: true });
    expect(result.apiVersion).toBe("v3");
    expect(asRecord(result.secrets)).toEqual(DEV_RECURSIVE);
    expect(secretCalls(server)).toEqual([`GET ${V3_LIST} 200`]);
    expect(server.requests.list({ path: V3_LIST })[0]?.query).toEqual({
      workspaceSlug: "shop",
      environment: "dev",
      secretPath: "/",
      recursive: "true",
      include_imports: "true",
      expandSecretReferences: "true",
    });
  });

  it("a server without v4 (late 2024): one failed v4 request per client, then v3 for every path and operation", async () => {
    const server = await startServer({ v4: false });
    const door = frontDoor(server);
    const result = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev", paths: ["/", "/app", "/app/web"] });
    expect(result.apiVersion).toBe("v3");
    expect(asRecord(result.secrets)).toEqual({ ...DEV_ROOT, API_URL: "https://app-api.shop.test", LOG_LEVEL: "debug", SHARED_KEY: "from-web", WEB_ROOT: "/srv/www" });
    const single = await door.secrets.get({ projectId: SHOP_ID, environment: "dev", path: "/app/worker", name: "QUEUE" });
    expect(single.value).toBe("jobs");
    const created = await door.secrets.create({ projectId: SHOP_ID, environment: "dev", path: "/app", name: "ADDED", value: "added-later" });
    expect(created).toMatchObject({ key: "ADDED", value: "added-later", version: 1 });
    expect(secretCalls(server)).toEqual([
      `GET ${V4_LIST} 404`,
      `GET ${V3_LIST} 200`,
      `GET ${V3_LIST} 200`,
      `GET ${V3_LIST} 200`,
      "GET /api/v3/secrets/raw/QUEUE 200",
      "POST /api/v3/secrets/raw/ADDED 200",
    ]);
    // v3 was asked by project id, since that is what the caller gave.
    expect(server.requests.list({ path: V3_LIST })[0]?.query).toMatchObject({ workspaceId: SHOP_ID });
  });

  it("a missing folder on a v4 server is a 404 of its own, not a reason to try v3", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev", paths: ["/missing"] }));
    expect(error.toLine()).toContain(`"/missing" does not exist in environment "dev"`);
    // The same client keeps using v4 afterwards: the folder 404 did not mark v4 as missing.
    await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" });
    expect(secretCalls(server)).toEqual([`GET ${V4_LIST} 404`, `GET ${V4_LIST} 200`]);
  });

  it("a late-2024 server answers an unknown folder with an empty list: core passes that on as no secrets", async () => {
    const server = await startServer({ v4: false });
    const door = frontDoor(server);
    const result = await fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev", paths: ["/missing"] });
    expect(result.secrets).toEqual([]);
  });
});

describe("imports: the official action's precedence", () => {
  it("the folder's own secrets win; then the last import; imported values come from their own environment", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const result = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "staging", paths: ["/svc"], includeImports: true });
    expect(asRecord(result.secrets)).toEqual({
      SVC_NAME: "svc",
      FROM_BASE: "svc-own",
      COMMON: "from-overrides",
      OVERRIDE_ONLY: "o",
      API_URL: "https://api.shop.example",
      DB_PASSWORD: "prod-db-pass-q9w8e7",
    });
    const byKey = new Map(result.secrets.map((secret) => [secret.key, secret]));
    expect(byKey.get("FROM_BASE")).toMatchObject({ source: "folder", path: "/svc", environment: "staging" });
    expect(byKey.get("COMMON")).toMatchObject({ source: "import", path: "/overrides", environment: "staging" });
    expect(byKey.get("DB_PASSWORD")).toMatchObject({ source: "import", path: "/", environment: "prod" });
    // Imports are merged silently, as the official action does: they are not collisions.
    expect(result.collisions).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it("without include-imports only the folder's own secrets", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const result = await fetchSecrets(door.secrets, { projectSlug: "shop", environment: "staging", paths: ["/svc"] });
    expect(asRecord(result.secrets)).toEqual({ SVC_NAME: "svc", FROM_BASE: "svc-own" });
  });
});

describe("recursive: keys in several folders", () => {
  it("deepest folder wins, and every collision is reported by key and folders", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const result = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev", recursive: true });
    expect(asRecord(result.secrets)).toEqual(DEV_RECURSIVE);
    expect(result.collisions).toEqual([
      { key: "API_URL", paths: ["/", "/app"], chosen: "/app" },
      { key: "SHARED_KEY", paths: ["/app", "/app/web", "/app/worker"], chosen: "/app/worker" },
    ]);
    expect(result.warnings).toEqual([
      "recursive: 2 key(s) found in more than one folder, deepest folder kept: API_URL (/, /app → /app); SHARED_KEY (/app, /app/web, /app/worker → /app/worker)",
    ]);
    expect(result.secrets.find((secret) => secret.key === "SHARED_KEY")).toMatchObject({ path: "/app/worker" });
    expect(server.requests.count({ path: V4_LIST })).toBe(1);
  });

  it("onCollision fail: nothing is returned, and the error names keys and folders but no value", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev", recursive: true, onCollision: "fail" }));
    expect(error.code).toBe("EXPORT");
    const line = expectUserLine(error, "rename the keys, fetch the folders separately, or allow the deepest folder to win");
    expect(line).toContain("recursive: 2 key(s) found in more than one folder: API_URL (/, /app → /app); SHARED_KEY (/app, /app/web, /app/worker");
    expectNoLeak([line], ["https://app-api.shop.test", "https://api.shop.test", "from-app", "from-web", "from-worker"]);
  });

  it("a sub-folder alone has no collisions", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const result = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev", paths: ["/app/worker"], recursive: true, onCollision: "fail" });
    expect(asRecord(result.secrets)).toEqual({ SHARED_KEY: "from-worker", QUEUE: "jobs" });
  });
});

describe("several paths, names and tags", () => {
  it("paths are layered in order, one request each, and every override is reported", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const result = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev", paths: ["/", "app/", "/app/worker"] });
    expect(asRecord(result.secrets)).toEqual({ ...DEV_ROOT, API_URL: "https://app-api.shop.test", LOG_LEVEL: "debug", SHARED_KEY: "from-worker", QUEUE: "jobs" });
    expect(result.overrides).toEqual([
      { key: "API_URL", from: "/", to: "/app" },
      { key: "SHARED_KEY", from: "/app", to: "/app/worker" },
    ]);
    expect(result.warnings).toEqual(["secret-path: 2 key(s) set by more than one path, the later path kept: API_URL (/ → /app); SHARED_KEY (/app → /app/worker)"]);
    expect(server.requests.list({ path: V4_LIST }).map((record) => record.query["secretPath"])).toEqual(["/", "/app", "/app/worker"]);
  });

  it("names select exactly those keys across the paths", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const result = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev", paths: ["/", "/app"], names: ["DB_URL", "LOG_LEVEL", "API_URL"] });
    expect(asRecord(result.secrets)).toEqual({ DB_URL: DEV_ROOT["DB_URL"], LOG_LEVEL: "debug", API_URL: "https://app-api.shop.test" });
  });

  it("a missing name fails the whole fetch, naming the missing key and where it was looked for", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev", names: ["DB_URL", "DB_PASWORD"], recursive: true }));
    const line = expectUserLine(error, "check the secret names, the environment and the path (names are case-sensitive)");
    expect(line).toContain("secret not found: DB_PASWORD in environment dev, path /");
    expect(line).not.toContain("DB_URL");
    // names turn recursive off: one plain list of `/`.
    expect(server.requests.list({ path: V4_LIST })[0]?.query).toMatchObject({ recursive: "false" });
  });

  it("names with recursive: recursive is ignored, and the run is told so", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const result = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev", names: ["API_URL"], recursive: true });
    expect(asRecord(result.secrets)).toEqual({ API_URL: "https://api.shop.test" });
    expect(result.warnings).toEqual(["recursive is ignored when secret names are selected"]);
  });

  it("tags filter on the server", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const backend = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev", tags: ["backend"] });
    expect(asRecord(backend.secrets)).toEqual({ DB_PASSWORD: DEV_ROOT["DB_PASSWORD"], STRIPE_KEY: DEV_ROOT["STRIPE_KEY"] });
    const both = await fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev", tags: ["backend", "frontend"] });
    expect(Object.keys(asRecord(both.secrets)).sort()).toEqual(["DB_PASSWORD", "PUBLIC_NAME", "STRIPE_KEY"]);
    expect(server.requests.list({ path: V4_LIST })[0]?.query["tagSlugs"]).toBe("backend");
    expect(server.requests.list({ path: V3_LIST })[0]?.query["tagSlugs"]).toBe("backend,frontend");
  });

  it("references are expanded by default and left alone when asked", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const raw = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev", names: ["DB_URL"], expandReferences: false });
    expect(asRecord(raw.secrets)).toEqual({ DB_URL: "postgres://app:${DB_PASSWORD}@db.shop.test/app" });
    const cross = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "staging", paths: ["/crossref"] });
    expect(asRecord(cross.secrets)).toEqual({ PROD_API: "https://api.shop.example" });
  });
});

describe("get, create, update, delete", () => {
  for (const project of [{ projectId: SHOP_ID }, { projectSlug: "shop" }]) {
    const api = project.projectId ? "v4" : "v3";
    it(`round trip with versions (${api})`, async () => {
      const server = await startServer();
      const door = frontDoor(server);
      const where = { ...project, environment: "dev", path: "/app" };
      const value = `it's "quoted", $HOME, \`tick\`, back\\slash\nsecond line ✓`;

      const created = await door.secrets.create({ ...where, name: "ROUND_TRIP", value, comment: "made by test/core" });
      expect(created).toMatchObject({ key: "ROUND_TRIP", value, comment: "made by test/core", version: 1, path: "/app", environment: "dev" });
      expect(await door.secrets.get({ ...where, name: "ROUND_TRIP" })).toMatchObject({ value, version: 1 });

      const updated = await door.secrets.update({ ...where, name: "ROUND_TRIP", value: "second-value" });
      expect(updated).toMatchObject({ value: "second-value", version: 2, comment: "made by test/core" });
      expect((await door.secrets.get({ ...where, name: "ROUND_TRIP" })).value).toBe("second-value");
      expect((await door.secrets.get({ ...where, name: "ROUND_TRIP", version: 1 })).value).toBe(value);

      const renamed = await door.secrets.update({ ...where, name: "ROUND_TRIP", newName: "RENAMED" });
      expect(renamed).toMatchObject({ key: "RENAMED", value: "second-value", version: 3 });
      const listed = await fetchSecrets(door.secrets, { ...project, environment: "dev", paths: ["/app"] });
      expect(asRecord(listed.secrets)).toEqual({ API_URL: "https://app-api.shop.test", LOG_LEVEL: "debug", SHARED_KEY: "from-app", RENAMED: "second-value" });

      const deleted = await door.secrets.delete({ ...where, name: "RENAMED" });
      expect(deleted).toMatchObject({ key: "RENAMED" });
      const gone = await failure(door.secrets.get({ ...where, name: "RENAMED" }));
      expect(gone.toLine()).toContain("Secret with name 'RENAMED' not found");
      const after = await fetchSecrets(door.secrets, { ...project, environment: "dev", paths: ["/app"] });
      expect(asRecord(after.secrets)).toEqual({ API_URL: "https://app-api.shop.test", LOG_LEVEL: "debug", SHARED_KEY: "from-app" });
      const base = api === "v4" ? "/api/v4/secrets" : "/api/v3/secrets/raw";
      expect(secretCalls(server).filter((call) => !call.startsWith(`GET ${base} `))).toEqual([
        `POST ${base}/ROUND_TRIP 200`,
        `GET ${base}/ROUND_TRIP 200`,
        `PATCH ${base}/ROUND_TRIP 200`,
        `GET ${base}/ROUND_TRIP 200`,
        `GET ${base}/ROUND_TRIP 200`,
        `PATCH ${base}/ROUND_TRIP 200`,
        `DELETE ${base}/RENAMED 200`,
        `GET ${base}/RENAMED 404`,
      ]);
    });
  }

  it("get falls back to the folder's imports when asked", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const where = { projectId: SHOP_ID, environment: "staging", path: "/svc" };
    const imported = await door.secrets.get({ ...where, name: "COMMON", includeImports: true });
    expect(imported).toMatchObject({ value: "from-overrides", path: "/overrides" });
    const error = await failure(door.secrets.get({ ...where, name: "COMMON" }));
    expect(error.toLine()).toContain("404 from GET /api/v4/secrets/COMMON: Secret with name 'COMMON' not found");
  });

  it("creating a secret that exists is refused once and not retried; a failed update is retried", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const where = { projectId: SHOP_ID, environment: "dev", path: "/app" };
    const exists = await failure(door.secrets.create({ ...where, name: "LOG_LEVEL", value: "trace" }));
    expect(exists.toLine()).toContain("400 from POST /api/v4/secrets/LOG_LEVEL: Secret already exists");
    // A create whose answer was lost is not sent again: it may have been made, and a retry would say "already exists".
    server.faults.add({ method: "POST", path: "/api/v4/secrets/NEW_ONE", status: 503 });
    const lost = await failure(door.secrets.create({ ...where, name: "NEW_ONE", value: "v" }));
    expect(lost.toLine()).toContain("503 from POST /api/v4/secrets/NEW_ONE");
    server.faults.add({ method: "PATCH", path: "/api/v4/secrets/LOG_LEVEL", status: 503 });
    const updated = await door.secrets.update({ ...where, name: "LOG_LEVEL", value: "warn" });
    expect(updated).toMatchObject({ value: "warn", version: 2 });
    expect(secretCalls(server)).toEqual([
      "POST /api/v4/secrets/LOG_LEVEL 400",
      "POST /api/v4/secrets/NEW_ONE 503",
      "PATCH /api/v4/secrets/LOG_LEVEL 503",
      "PATCH /api/v4/secrets/LOG_LEVEL 200",
    ]);
  });

  it("writes never echo the value in an error", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const error = await failure(door.secrets.create({ projectId: SHOP_ID, environment: "dev", path: "/nowhere", name: "X_KEY", value: SECRET_VALUES[0] ?? "" }));
    expectUserLine(error, `"/nowhere" does not exist in environment "dev" of project "${SHOP_ID}"`, door.tokens());
  });
});
