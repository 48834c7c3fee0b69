/**
 * The committed action bundle, run as the GitHub runner runs it (Node 20 and Node 24), against the dev server over
 * real HTTP. What a later step would see is parsed back from the runner's files and compared byte for byte.
 */
import { readFileSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer, Seed } from "@secrets-action/dev-server";
import { createJob, runStep } from "../support/github-runner.js";
import { assertNoLeaks } from "../support/leak-scanner.js";
import { parseFileCommands } from "../support/env-file.js";
import { ALL_SECRETS, CLIENT, IMPORTED, NESTED, OIDC_IDENTITY, PROJECT, ROOT_SECRETS, VIEWER, seed, startFixtureServer, universalInputs } from "./fixture.js";

let server: DevServer;
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => server?.close());

const rootMerged = { ...IMPORTED, ...ROOT_SECRETS };

describe.each(["20", "24"] as const)("on Node %s", (node) => {
  it("exports every secret of the folder and its import into GITHUB_ENV, exactly, with nothing visible in the log", async () => {
    const result = await runStep({ node, inputs: universalInputs(server) });
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.env).toEqual(rootMerged);
    expect(result.outputs["secret-count"]).toBe(String(Object.keys(rootMerged).length));
    assertNoLeaks(result.log, ALL_SECRETS);
    // The access token is a secret too.
    const token = result.masks.find((mask) => mask.startsWith("eyJ"));
    expect(token).toBeDefined();
    expect(result.log).not.toContain(token);
    // Names are listed; short values are named in a warning, not masked.
    expect(result.log).toContain("Exported 13 environment variables:");
    expect(result.warnings.join("\n")).toMatch(/shorter than mask-min-length 6 and are not masked in the log: SHORT/);
  });

  it("masks each line of a multi-line value and each JSON leaf before anything is exported", async () => {
    const result = await runStep({ node, inputs: universalInputs(server) });
    for (const line of ROOT_SECRETS["PEM_KEY"]!.split("\n")) expect(result.masks).toContain(line);
    expect(result.masks).toContain("json-leaf-password-77");
    expect(result.masks).toContain("nested-leaf-token-88");
    // The masks come before the first line that says anything about exporting.
    const firstMask = result.raw.indexOf("::add-mask::plain-value-1234");
    expect(firstMask).toBeGreaterThan(-1);
    expect(firstMask).toBeLessThan(result.raw.indexOf("Exported"));
  });

  it("sets one masked output per secret with export-type output, and nothing in the environment", async () => {
    const result = await runStep({ node, inputs: universalInputs(server, { "export-type": "output" }) });
    expect(result.exitCode).toBe(0);
    expect(result.env).toEqual({});
    const { "secret-count": count, ...outputs } = result.outputs;
    expect(outputs).toEqual(rootMerged);
    expect(count).toBe("13");
  });
});

describe("a large folder", () => {
  it("exports all 120 secrets and names the first 50 in the log, with how many more", async () => {
    const many: Record<string, string> = {};
    for (let index = 1; index <= 120; index++) many[`MANY_${String(index).padStart(3, "0")}`] = `many-value-${index}-${"z".repeat(index % 7)}`;
    const base = seed() as unknown as Seed;
    const dev = base.projects?.[0]?.secrets?.["dev"];
    if (dev === undefined) throw new Error("the fixture has no dev secrets");
    dev["/many"] = many;
    const large = await startFixtureServer({ seed: base });
    try {
      const result = await runStep({ inputs: universalInputs(large, { "secret-path": "/many" }) });
      expect(result.errors).toEqual([]);
      expect(result.env).toEqual(many);
      const listed = Object.keys(many).slice(0, 50).join(", ");
      expect(result.log).toContain(`Exported 120 environment variables: ${listed} and 70 more\n`);
      expect(result.log).not.toContain("MANY_051");
      assertNoLeaks(result.log, many);
    } finally {
      await large.close();
    }
  });
});

describe("export-type file", () => {
  it("writes a 0600 dotenv file under RUNNER_TEMP, prints its path and count, never its content, and the post step deletes it", async () => {
    const job = createJob();
    const main = await runStep({ job, inputs: universalInputs(server, { "export-type": "file" }) });
    expect(main.exitCode).toBe(0);
    const path = main.outputs["secrets-file"]!;
    expect(path.startsWith(job.runnerTemp)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const { parseDotenv } = await import("@secrets-action/core");
    expect(Object.fromEntries(parseDotenv(readFileSync(path, "utf8")).map((v) => [v.name, v.value]))).toEqual(rootMerged);
    expect(main.log).toContain(`to ${path} (dotenv, mode 0600`);
    expect(main.env).toEqual({});
    assertNoLeaks(main.log, ALL_SECRETS);

    const post = await runStep({ job, step: "post", masker: main.masker });
    expect(post.exitCode).toBe(0);
    expect(existsSync(path)).toBe(false);
    expect(post.log).toContain(`Deleted ${path}.`);
  });

  it("keeps the official action's placement for file-output-path (/.env → $GITHUB_WORKSPACE/.env) and formats json, yaml and shell", async () => {
    const job = createJob();
    const dotenv = await runStep({ job, inputs: universalInputs(server, { "export-type": "file", "file-output-path": "/.env", clean: "false" }) });
    expect(dotenv.outputs["secrets-file"]).toBe(join(job.workspace, ".env"));
    for (const format of ["json", "yaml", "shell"] as const) {
      const result = await runStep({ inputs: universalInputs(server, { "export-type": "file", "file-format": format }) });
      expect(result.exitCode).toBe(0);
      const core = await import("@secrets-action/core");
      const parse = { json: core.parseJson, yaml: core.parseYaml, shell: core.parseShell }[format];
      const text = readFileSync(result.outputs["secrets-file"]!, "utf8");
      expect(Object.fromEntries(parse(text).map((v) => [v.name, v.value]))).toEqual(rootMerged);
    }
    // clean: false keeps the file after the post step.
    await runStep({ job, step: "post" });
    expect(existsSync(join(job.workspace, ".env"))).toBe(true);
  });
});

describe("choosing what to fetch", () => {
  it("takes sub-folders with recursive, the deepest folder winning a collision that is reported by name", async () => {
    const result = await runStep({ inputs: universalInputs(server, { recursive: "true", "secret-path": "/" , "allow-reserved-names": "PATH" }) });
    expect(result.exitCode).toBe(0);
    expect(result.env["NESTED_ONLY"]).toBe(NESTED["NESTED_ONLY"]);
    expect(result.env["SHADOWED"]).toBe(NESTED["SHADOWED"]);
    expect(result.warnings.join("\n")).toContain("SHADOWED (/, /app/config, /shared → /app/config)");
    assertNoLeaks(result.log, ALL_SECRETS);
  });

  it("fails naming the keys and folders, exporting nothing, with on-collision: fail", async () => {
    const result = await runStep({ inputs: universalInputs(server, { recursive: "true", "on-collision": "fail" }) });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join()).toMatch(/SHADOWED \(/);
    expect(result.env).toEqual({});
    expect(result.outputs).toEqual({});
  });

  it("layers several paths, the later path winning, and reports the override", async () => {
    const result = await runStep({ inputs: universalInputs(server, { "secret-path": "/\n/app/config", "include-imports": "false" }) });
    expect(result.exitCode).toBe(0);
    expect(result.env["SHADOWED"]).toBe(NESTED["SHADOWED"]);
    expect(result.env["PLAIN_VALUE"]).toBe(ROOT_SECRETS["PLAIN_VALUE"]);
    expect(result.env["FROM_IMPORT"]).toBeUndefined();
    expect(result.warnings.join("\n")).toContain("SHADOWED (/ → /app/config)");
  });

  it("selects named secrets, with a prefix and suffix, and fails naming a missing one", async () => {
    const result = await runStep({ inputs: universalInputs(server, { "secret-name": "PLAIN_VALUE, FROM_IMPORT", "env-prefix": "TF_VAR_", "env-suffix": "_X" }) });
    expect(result.exitCode).toBe(0);
    expect(result.env).toEqual({ TF_VAR_PLAIN_VALUE_X: ROOT_SECRETS["PLAIN_VALUE"], TF_VAR_FROM_IMPORT_X: IMPORTED["FROM_IMPORT"] });
    const missing = await runStep({ inputs: universalInputs(server, { "secret-name": "PLAIN_VALUE\nNOT_THERE" }) });
    expect(missing.exitCode).toBe(1);
    expect(missing.errors.join()).toMatch(/secret not found: NOT_THERE/);
    expect(missing.env).toEqual({});
  });

  it("skips invalid names with a warning naming them, refuses reserved names, and normalises on request", async () => {
    const skipped = await runStep({ inputs: universalInputs(server, { "secret-path": "/names" }) });
    expect(skipped.exitCode).toBe(0);
    expect(skipped.env).toEqual({ Foo: "lower-foo-value", FOO: "upper-foo-value" });
    const warnings = skipped.warnings.join("\n");
    expect(warnings).toMatch(/my-key/);
    expect(warnings).toMatch(/dotted\.key/);
    expect(warnings).toMatch(/PATH/);

    const normalised = await runStep({ inputs: universalInputs(server, { "secret-path": "/names", "invalid-names": "normalise", "allow-reserved-names": "PATH" }) });
    expect(normalised.env).toEqual({ my_key: "dash-name-value", dotted_key: "dotted-value-1", PATH: "/evil/bin", Foo: "lower-foo-value", FOO: "upper-foo-value" });

    const strict = await runStep({ inputs: universalInputs(server, { "secret-path": "/names", "invalid-names": "fail" }) });
    expect(strict.exitCode).toBe(1);
    expect(strict.env).toEqual({});
  });

  it("on a Windows runner, refuses names that differ only by case, exporting nothing", async () => {
    const result = await runStep({ inputs: universalInputs(server, { "secret-path": "/names" }), env: { RUNNER_OS: "Windows" } });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join()).toMatch(/Foo/);
    expect(result.errors.join()).toMatch(/FOO/);
    expect(result.env).toEqual({});
  });
});

describe("OIDC", () => {
  it("logs in with GitHub's ID token from the runner's token service, masking the JWT", async () => {
    const result = await runStep({
      inputs: { domain: server.url, method: "oidc", "identity-id": OIDC_IDENTITY, "oidc-audience": "infisical-e2e", "project-id": PROJECT.id, "env-slug": "dev" },
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: `${server.url}/__oidc/github/token?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "dev-request-token" },
    });
    expect(result.errors).toEqual([]);
    expect(result.env).toEqual(rootMerged);
    expect(result.masks.filter((mask) => mask.startsWith("eyJ")).length).toBeGreaterThanOrEqual(2); // the JWT and the access token
    assertNoLeaks(result.log, ALL_SECRETS);
  });

  it("mints a fresh JWT for a retried login", async () => {
    server.requests.clear();
    server.faults.add({ method: "POST", path: "/api/v1/auth/oidc-auth/login", status: 503, count: 1 });
    const result = await runStep({
      inputs: { domain: server.url, method: "oidc", "identity-id": OIDC_IDENTITY, "oidc-audience": "infisical-e2e", "project-id": PROJECT.id, "env-slug": "dev" },
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: `${server.url}/__oidc/github/token?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "dev-request-token" },
    });
    expect(result.errors).toEqual([]);
    expect(result.env).toEqual(rootMerged);
    expect(server.requests.list({ path: "/__oidc/github/token" })).toHaveLength(2);
    expect(server.requests.list({ path: "/api/v1/auth/oidc-auth/login" })).toHaveLength(2);
  });

  it("explains a rejected audience with the hint, exporting nothing", async () => {
    const result = await runStep({
      inputs: { domain: server.url, method: "oidc", "identity-id": OIDC_IDENTITY, "oidc-audience": "wrong-audience", "project-id": PROJECT.id, "env-slug": "dev" },
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: `${server.url}/__oidc/github/token?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "dev-request-token" },
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/401 from POST \/api\/v1\/auth\/oidc-auth\/login: .*audience/i);
    expect(result.env).toEqual({});
  });

  it("tells the user to add id-token: write when the job has no OIDC token, before any request", async () => {
    server.requests.clear();
    const result = await runStep({ inputs: { domain: server.url, method: "oidc", "identity-id": OIDC_IDENTITY, "project-id": PROJECT.id, "env-slug": "dev" } });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(/permissions: id-token: write/);
    expect(server.requests.list()).toEqual([]);
  });
});

describe("failing closed", () => {
  it("fails on bad credentials with one line and the hint, exporting nothing and never printing the secret", async () => {
    server.requests.clear();
    const result = await runStep({ inputs: universalInputs(server, { "client-secret": "wrong-secret-value-123" }) });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^401 from POST \/api\/v1\/auth\/universal-auth\/login: Invalid credentials — .*client (id|ID).*secret/);
    expect(result.log).not.toContain("wrong-secret-value-123");
    expect(result.env).toEqual({});
    expect(result.outputs).toEqual({});
    expect(result.state).toEqual({});
    // A 401 is never retried: the identity would be locked after three.
    expect(server.requests.list().filter((r) => r.path.endsWith("/login"))).toHaveLength(1);
  });

  it("fails on a missing folder naming it", async () => {
    const result = await runStep({ inputs: universalInputs(server, { "secret-path": "/no/such/folder" }) });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(/404 .*\/no\/such\/folder/);
    expect(result.env).toEqual({});
  });

  it("fails with a permission hint for an identity without access to the project", async () => {
    const result = await runStep({ inputs: universalInputs(server, { "client-id": VIEWER.clientId, "client-secret": VIEWER.clientSecret }) });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.env).toEqual({});
  });

  it("retries a 503 and succeeds with the complete set", async () => {
    server.faults.add({ method: "GET", path: "/api/v3/secrets/raw", status: 503, count: 2 });
    const result = await runStep({ inputs: universalInputs(server) });
    expect(result.exitCode).toBe(0);
    expect(result.env).toEqual(rootMerged);
    expect(result.log).toMatch(/Attempt 1 of GET \/api\/v3\/secrets\/raw failed \(503\); retrying in/);
  });

  it("gives up after its retries with one clear error, exporting nothing", async () => {
    server.faults.add({ method: "GET", path: "/api/v3/secrets/raw", status: 503, count: 10 });
    const result = await runStep({ inputs: universalInputs(server, { retries: "1" }) });
    server.faults.clear();
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/503/);
    expect(result.env).toEqual({});
    expect(result.outputs).toEqual({});
  });

  it("reports every bad input at once and sends no request", async () => {
    server.requests.clear();
    const result = await runStep({ inputs: { domain: "app.infisical.com", recursive: "yes", "export-type": "evn" } });
    expect(result.exitCode).toBe(1);
    expect(result.errors.length).toBeGreaterThanOrEqual(5);
    expect(result.errors).toContain('export-type: "evn" is not one of env, output, file, none. Did you mean env?');
    expect(server.requests.list()).toEqual([]);
  });
});

describe("the access token", () => {
  it("is an opt-in masked output and is revoked by the post step with revoke-token", async () => {
    const job = createJob();
    const main = await runStep({ job, inputs: universalInputs(server, { "output-access-token": "true", "revoke-token": "true", "export-type": "none" }) });
    expect(main.exitCode).toBe(0);
    const token = main.outputs["access-token"]!;
    expect(main.masks).toContain(token);
    expect(main.env).toEqual({});
    expect(main.outputs["secret-count"]).toBe("13");
    const before = await fetch(`${server.url}/api/v3/secrets/raw?workspaceSlug=${PROJECT.slug}&environment=dev`, { headers: { authorization: `Bearer ${token}` } });
    expect(before.status).toBe(200);

    const post = await runStep({ job, step: "post", masker: main.masker });
    expect(post.exitCode).toBe(0);
    expect(post.log).toContain("Revoked the access token.");
    expect(post.log).not.toContain(token);
    const after = await fetch(`${server.url}/api/v3/secrets/raw?workspaceSlug=${PROJECT.slug}&environment=dev`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });

  it("post step warns but does not fail when revocation fails", async () => {
    const job = createJob();
    const main = await runStep({ job, inputs: universalInputs(server, { "revoke-token": "true" }) });
    expect(main.exitCode).toBe(0);
    server.faults.add({ method: "POST", path: "/api/v1/auth/token/revoke", status: 500, count: 5 });
    const post = await runStep({ job, step: "post", masker: main.masker });
    server.faults.clear();
    expect(post.exitCode).toBe(0);
    expect(post.warnings.join()).toMatch(/Could not revoke the access token/);
  });
});

describe("state files", () => {
  it("leaves GITHUB_STATE parseable and holding no secret value", async () => {
    const main = await runStep({ inputs: universalInputs(server, { "export-type": "file" }) });
    const state = parseFileCommands(readFileSync(main.job.stateFile, "utf8"));
    const saved = Object.values(state).join("\n");
    for (const value of Object.values(ROOT_SECRETS)) if (value.length > 5) expect(saved).not.toContain(value);
    expect(saved).not.toContain(CLIENT.clientSecret);
  });
});
