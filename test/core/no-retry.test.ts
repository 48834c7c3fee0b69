/**
 * Client errors are never retried: a 401, 403, 404 or 422 reaches the server exactly once, and the run fails with one
 * line that says what happened and what to do, without a secret or a token in it. Failed logins matter most: three
 * in a row lock the identity for five minutes.
 */
import { describe, expect, it } from "vitest";
import type { DevServer } from "@secrets-action/dev-server";
import { fetchSecrets } from "@secrets-action/core";
import { CREDENTIALS, SHOP_ID, OTHER_ID, expectUserLine, failure, frontDoor, startServer } from "./harness.js";

const LOGIN = "/api/v1/auth/universal-auth/login";
const V3_LIST = "/api/v3/secrets/raw";
const V4_LIST = "/api/v4/secrets";

/** Requests the server saw, as `METHOD path status`, admin calls excluded. */
const seen = (server: DevServer): string[] => server.requests.list().map((record) => `${record.method} ${record.path} ${record.status}`);

describe("401: wrong credentials are sent once, never retried", () => {
  it("a wrong client secret: one login request, a hint about the lockout, the secret nowhere", async () => {
    const server = await startServer();
    const wrong = "wrong-client-secret-0000zz";
    const door = frontDoor(server, { auth: { method: "universal", clientId: CREDENTIALS.ci.clientId, clientSecret: wrong } });
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
    expect(error.code).toBe("API");
    const line = expectUserLine(
      error,
      "check the client id and client secret; three failed logins in a row lock the identity for 5 minutes, so do not retry",
      [wrong],
    );
    expect(line).toMatch(/^401 from POST \/api\/v1\/auth\/universal-auth\/login: Invalid credentials — /);
    // A second fetch in the same run does not log in again: each failure counts towards the lockout.
    const again = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
    expect(again.toLine()).toBe(line);
    expect(seen(server)).toEqual([`POST ${LOGIN} 401`]);
    expect(door.http.stats).toMatchObject({ requests: 1, attempts: 1, retries: {} });
  });

  it("three failed runs lock the identity: the fourth, with the right secret, is told to wait five minutes", async () => {
    const server = await startServer();
    const run = async (clientSecret: string) => {
      const door = frontDoor(server, { auth: { method: "universal", clientId: CREDENTIALS.lockMe.clientId, clientSecret } });
      return failure(fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev" }));
    };
    for (const attempt of ["typo-1", "typo-2", "typo-3"]) {
      const error = await run(`${CREDENTIALS.lockMe.clientSecret}-${attempt}`);
      expect(error.toLine()).toContain("401 from POST /api/v1/auth/universal-auth/login: Invalid credentials");
    }
    const locked = await run(CREDENTIALS.lockMe.clientSecret);
    const line = expectUserLine(
      locked,
      "the identity's login is locked after repeated failures: wait 5 minutes before the next try, fix the credentials first, and do not retry in a loop",
    );
    expect(line).toContain("401 from POST /api/v1/auth/universal-auth/login: This identity auth method is temporarily locked, please try again later");
    // Four runs, four login requests: none of them retried, none of them reached the secrets.
    expect(seen(server)).toEqual([`POST ${LOGIN} 401`, `POST ${LOGIN} 401`, `POST ${LOGIN} 401`, `POST ${LOGIN} 401`]);
    expect(server.requests.list().map((record) => record.note)).toEqual([
      "wrong client secret (1 of 3)",
      "wrong client secret (2 of 3)",
      "wrong client secret; now locked for 300s",
      "locked out",
    ]);
  });
});

describe("403: permissions are not retried", () => {
  it("a viewer creating, updating or deleting a secret: one request each, naming the action and the place", async () => {
    const server = await startServer();
    const door = frontDoor(server, { auth: { method: "universal", ...CREDENTIALS.viewer } });
    const where = { projectId: SHOP_ID, environment: "dev", path: "/app" };
    const create = await failure(door.secrets.create({ ...where, name: "NEW_KEY", value: "new-value-123" }));
    expectUserLine(create, `the identity may not create secrets in path "/app" in environment "dev" of project "${SHOP_ID}": give it a project role`, [
      "new-value-123",
    ]);
    expect(create.toLine()).toContain("403 from POST /api/v4/secrets/NEW_KEY: You are not allowed to create on secrets");
    const update = await failure(door.secrets.update({ ...where, name: "LOG_LEVEL", value: "trace-level-456" }));
    expectUserLine(update, "the identity may not edit secrets in path \"/app\"", ["trace-level-456"]);
    const remove = await failure(door.secrets.delete({ ...where, name: "LOG_LEVEL" }));
    expectUserLine(remove, "the identity may not delete secrets in path \"/app\"");
    expect(seen(server)).toEqual([
      `POST ${LOGIN} 200`,
      "POST /api/v4/secrets/NEW_KEY 403",
      "PATCH /api/v4/secrets/LOG_LEVEL 403",
      "DELETE /api/v4/secrets/LOG_LEVEL 403",
    ]);
    // The viewer could still read, and nothing was written.
    const reader = frontDoor(server);
    expect(await reader.secrets.get({ ...where, name: "LOG_LEVEL" })).toMatchObject({ value: "debug", version: 1 });
  });

  it("an identity outside the project: one list request, told it is not a member", async () => {
    const server = await startServer();
    const door = frontDoor(server, { auth: { method: "universal", ...CREDENTIALS.outsider } });
    const bySlug = await failure(fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev" }));
    const line = expectUserLine(bySlug, `the identity is not a member of project "shop"`, door.tokens());
    expect(line).toContain("403 from GET /api/v3/secrets/raw:");
    const byId = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
    expectUserLine(byId, `the identity is not a member of project "${SHOP_ID}"`, door.tokens());
    expect(seen(server)).toEqual([`POST ${LOGIN} 200`, `GET ${V3_LIST} 403`, `GET ${V4_LIST} 403`]);
    // Its own project still works with the same session.
    const own = await fetchSecrets(door.secrets, { projectId: OTHER_ID, environment: "dev" });
    expect(own.secrets.map((secret) => secret.key)).toEqual(["OTHER_TOKEN"]);
  });
});

describe("404: a missing folder or project is not retried, and v4 does not fall back to v3 for it", () => {
  it("a missing folder names the folder, the environment and the project (v4)", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev", paths: ["/", "/ap"] }));
    const line = expectUserLine(
      error,
      `"/ap" does not exist in environment "dev" of project "${SHOP_ID}": check the secret path (it starts with / and is case-sensitive)`,
      door.tokens(),
    );
    expect(line).toContain("404 from GET /api/v4/secrets: Folder with path '/ap' in environment 'dev' was not found.");
    expect(seen(server)).toEqual([`POST ${LOGIN} 200`, `GET ${V4_LIST} 200`, `GET ${V4_LIST} 404`]);
  });

  it("a missing folder through v3 (project slug) names the slug", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const error = await failure(fetchSecrets(door.secrets, { projectSlug: "shop", environment: "prod", paths: ["/app"] }));
    expectUserLine(error, `"/app" does not exist in environment "prod" of project "shop"`, door.tokens());
    expect(seen(server)).toEqual([`POST ${LOGIN} 200`, `GET ${V3_LIST} 404`]);
  });

  it("an unknown project slug: check the project", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const error = await failure(fetchSecrets(door.secrets, { projectSlug: "shopp", environment: "dev" }));
    const line = expectUserLine(error, `check the project "shopp" (slug or id) and that the identity belongs to its organization`, door.tokens());
    expect(line).toContain("404 from GET /api/v3/secrets/raw: No project found with slug shopp");
    expect(seen(server)).toEqual([`POST ${LOGIN} 200`, `GET ${V3_LIST} 404`]);
  });

  it("a secret that does not exist: get names it and where it was looked up", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const error = await failure(door.secrets.get({ projectId: SHOP_ID, environment: "dev", path: "/app", name: "NOPE_KEY" }));
    const line = expectUserLine(error, `check the secret name and where it is looked up: path "/app" in environment "dev" of project "${SHOP_ID}"`);
    expect(line).toContain("404 from GET /api/v4/secrets/NOPE_KEY: Secret with name 'NOPE_KEY' not found");
    expect(seen(server)).toEqual([`POST ${LOGIN} 200`, "GET /api/v4/secrets/NOPE_KEY 404"]);
  });
});

describe("422: a rejected field is named and not retried", () => {
  it("a boolean the server does not accept", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    // Core always sends real booleans; a raw request shows what a bad value would look like to the user.
    const error = await failure(
      door.http.request({
        method: "GET",
        path: V3_LIST,
        token: await door.session.token(),
        query: { workspaceSlug: "shop", environment: "dev", recursive: "yes" },
      }),
    );
    const line = expectUserLine(error, `the server rejected "recursive" of the request: check that input's value`, door.tokens());
    expect(line).toContain("422 from GET /api/v3/secrets/raw: recursive: Invalid enum value. Expected 'true' | 'false', received 'yes'");
    expect(seen(server)).toEqual([`POST ${LOGIN} 200`, `GET ${V3_LIST} 422`]);
  });

  it("a login body missing its client secret", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const error = await failure(door.http.request({ method: "POST", path: LOGIN, json: { clientId: CREDENTIALS.ci.clientId } }));
    expectUserLine(error, `the server rejected "clientSecret" of the request`);
    expect(error.toLine()).toContain("422 from POST /api/v1/auth/universal-auth/login: clientSecret: Required");
    expect(seen(server)).toEqual([`POST ${LOGIN} 422`]);
  });
});
