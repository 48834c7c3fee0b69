/**
 * Leases through the committed CLI bundles as processes — GitLab's (actions/gitlab/bin) and CircleCI's
 * (actions/circleci) — against the dev server and a real PostgreSQL: `lease` then `revoke` with the lease file,
 * `revoke` with nothing recorded, a lease that fails part-way, and `run` (CircleCI's `exec`) revoking when its
 * command ends, whatever its exit code.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DevServer, type Seed, startDevServer } from "@secrets-action/dev-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/github-runner.js";
import { assertNoLeaks } from "../support/leak-scanner.js";
import { type TestPostgres, postgresDynamicSecret, startPostgres } from "../support/postgres.js";

const CLIENT = { clientId: "dyn-cli-id", clientSecret: "dyn-cli-secret-5e7a9c1b" };

let postgres: TestPostgres;
let server: DevServer;
const dir = mkdtempSync(join(tmpdir(), "dynamic-cli-"));

beforeAll(async () => {
  postgres = await startPostgres();
  const seed: Seed = {
    projects: [
      {
        slug: "shop",
        environments: ["ci"],
        secrets: { ci: { "/": { API_KEY: "api-key-value-1a2b3c" } } },
        dynamicSecrets: {
          ci: {
            "/": [postgresDynamicSecret(postgres, { name: "pg-a", defaultTTL: "10m", maxTTL: "1h" }), postgresDynamicSecret(postgres, { name: "pg-b", defaultTTL: "10m", maxTTL: "1h" })],
          },
        },
      },
    ],
    identities: [{ name: "ci", projects: { shop: "member" }, universalAuth: { clientId: CLIENT.clientId, clientSecrets: [CLIENT.clientSecret] } }],
  } as Seed;
  server = await startDevServer({ seed, log: false });
});

afterAll(async () => {
  await server?.close();
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const CLIS = [
  { ci: "GitLab", bundle: join(repoRoot, "actions/gitlab/bin/secrets-action-gitlab.mjs"), program: "secrets-action", run: "run", job: (id: string) => ({ CI_JOB_ID: id }) },
  { ci: "CircleCI", bundle: join(repoRoot, "actions/circleci/secrets-action-circleci.mjs"), program: "secrets-action-circleci", run: "exec", job: (id: string) => ({ CIRCLE_BUILD_NUM: id }) },
] as const;

let jobs = 0;
/** A job's environment: universal auth, its own job id and temporary folder (so its own default lease file). */
function jobEnv(cli: (typeof CLIS)[number], extra: Record<string, string> = {}): { env: Record<string, string>; leaseFile: string } {
  const id = String(1000 + ++jobs);
  const tmp = mkdtempSync(join(dir, "job-"));
  return {
    env: {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      TMPDIR: tmp,
      INFISICAL_DOMAIN: server.url,
      INFISICAL_CLIENT_ID: CLIENT.clientId,
      INFISICAL_CLIENT_SECRET: CLIENT.clientSecret,
      INFISICAL_PROJECT_SLUG: "shop",
      INFISICAL_ENV_SLUG: "ci",
      ...cli.job(id),
      ...extra,
    },
    leaseFile: join(tmp, `secrets-action-leases-${id}.json`),
  };
}

function cliRun(bundle: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const roles = async (): Promise<string[]> =>
  (await postgres.query<{ rolname: string }>("SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolname <> $1 ORDER BY 1", [postgres.adminUser])).map((row) => row.rolname);

describe.each(CLIS)("leases with the $ci CLI bundle", (cli) => {
  it("lease writes working credentials to a 0600 file and records the lease; revoke drops the role and deletes the lease file", async () => {
    const { env, leaseFile } = jobEnv(cli);
    const leased = await cliRun(cli.bundle, ["lease", "--dynamic-secrets", "pg-a@15m", "--format", "json"], env);
    expect(leased.code, leased.stderr).toBe(0);
    const path = leased.stdout.trim();
    const credentials = JSON.parse(readFileSync(path, "utf8")) as Record<string, string>;
    expect(Object.keys(credentials)).toEqual(["DB_USERNAME", "DB_PASSWORD"]);
    const user = credentials["DB_USERNAME"] ?? "";
    const password = credentials["DB_PASSWORD"] ?? "";
    expect(await postgres.canLogin(user, password)).toBe(true);
    const recorded = JSON.parse(readFileSync(leaseFile, "utf8")) as { leases: { id: string; name: string }[] };
    expect(recorded.leases.map((lease) => lease.name)).toEqual(["pg-a"]);
    expect(readFileSync(leaseFile, "utf8")).not.toContain(password);
    expect(leased.stderr).toContain(`${cli.program}: leased pg-a for 15m: lease ${recorded.leases[0]?.id}`);

    const revoked = await cliRun(cli.bundle, ["revoke"], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stderr).toContain(`${cli.program}: revoked lease ${recorded.leases[0]?.id} (pg-a).`);
    expect(await postgres.roleExists(user)).toBe(false);
    expect(existsSync(leaseFile)).toBe(false);
    assertNoLeaks(leased.stderr + revoked.stderr + revoked.stdout, { user, password, CLIENT_SECRET: CLIENT.clientSecret });
  });

  it("revoke with nothing recorded sends no request, even without login options", async () => {
    const { env } = jobEnv(cli, { INFISICAL_CLIENT_SECRET: "", INFISICAL_METHOD: "odic" });
    server.requests.clear();
    const result = await cliRun(cli.bundle, ["revoke"], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`^${cli.program}: no leases to revoke \\(no lease file at .*\\)\\.\\n$`));
    expect(server.requests.count()).toBe(0);
  });

  it("a lease that fails part-way (the second TTL above its max) revokes the first and exits 1 with one line", async () => {
    const { env, leaseFile } = jobEnv(cli);
    const before = await roles();
    const result = await cliRun(cli.bundle, ["lease", "--dynamic-secrets", "pg-a@10m\npg-b@48h"], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    const errors = result.stderr.split("\n").filter((line) => line.includes("error:"));
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^${cli.program}: error: 400 from POST /api/v1/dynamic-secrets/leases: TTL cannot be larger than max TTL`))]);
    expect(result.stderr).toMatch(/revoked lease [0-9a-f-]{36} \(pg-a\)/);
    expect(await roles()).toEqual(before);
    expect(existsSync(leaseFile)).toBe(false);
  });

  it("lease revokes what it leased when the credentials file cannot be written, and fails with one line", async () => {
    const { env, leaseFile } = jobEnv(cli);
    const before = await roles();
    // A folder where the file should be: the write fails after the lease was made.
    const blocked = mkdtempSync(join(tmpdir(), "lease-out-"));
    const result = await cliRun(cli.bundle, ["lease", "--dynamic-secrets", "pg-a", "--output", blocked], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n").filter((line) => line.includes("error:"))).toHaveLength(1);
    expect(result.stderr).toMatch(/revoked lease [0-9a-f-]{36} \(pg-a\)/);
    expect(await roles()).toEqual(before);
    expect(existsSync(leaseFile)).toBe(false);
  });

  it(`${cli.run} keeps the command's exit code and warns when its leases cannot be revoked at the end (they stay recorded for revoke)`, async () => {
    const { env, leaseFile } = jobEnv(cli, { INFISICAL_RETRIES: "0" });
    // The command breaks the next logins (the revocation's), then exits 3.
    const fault = JSON.stringify({ path: "/api/v1/auth/universal-auth/login", status: 503, count: 5 });
    const script = `fetch(${JSON.stringify(`${server.url}/__dev/faults`)}, { method: "POST", headers: { "content-type": "application/json" }, body: ${JSON.stringify(fault)} }).then(() => process.exit(3))`;
    const result = await cliRun(cli.bundle, [cli.run, "--dynamic-secrets", "pg-a", "--fetch-secrets=false", "--", process.execPath, "-e", script], env);
    server.faults.clear();
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain(`could not revoke the leases this command made (503 from POST /api/v1/auth/universal-auth/login`);
    const recorded = JSON.parse(readFileSync(leaseFile, "utf8")) as { leases: { id: string }[] };
    expect(recorded.leases).toHaveLength(1);
    const revoked = await cliRun(cli.bundle, ["revoke"], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stderr).toContain(`revoked lease ${recorded.leases[0]?.id} (pg-a).`);
    expect(existsSync(leaseFile)).toBe(false);
  });

  it(`${cli.run} --dynamic-secrets revokes when the command ends, also when it exits non-zero`, async () => {
    const { env, leaseFile } = jobEnv(cli);
    const seen = join(dir, `seen-${cli.ci}.json`);
    const script = `require("fs").writeFileSync(${JSON.stringify(seen)}, JSON.stringify({ user: process.env.DB_USERNAME, password: process.env.DB_PASSWORD, recorded: require("fs").existsSync(${JSON.stringify(leaseFile)}) })); console.log("password:", process.env.DB_PASSWORD); process.exit(4)`;
    const result = await cliRun(cli.bundle, [cli.run, "--dynamic-secrets", "pg-b", "--fetch-secrets=false", "--", process.execPath, "-e", script], env);
    expect(result.code, result.stderr).toBe(4);
    const { user, password, recorded } = JSON.parse(readFileSync(seen, "utf8")) as { user: string; password: string; recorded: boolean };
    expect(recorded).toBe(true);
    expect(result.stdout).toMatch(/^password: (\[MASKED\]|\*{8})\n$/);
    expect(result.stderr).toMatch(/leased pg-b for the default TTL, 10m/);
    expect(result.stderr).toMatch(/revoked lease [0-9a-f-]{36} \(pg-b\)/);
    expect(await postgres.roleExists(user)).toBe(false);
    expect(existsSync(leaseFile)).toBe(false);
    assertNoLeaks(result.stdout + result.stderr, { user, password, CLIENT_SECRET: CLIENT.clientSecret });
  });
});

describe("CircleCI's load with dynamic secrets", () => {
  const circleci = CLIS[1];

  it("appends the credentials to $BASH_ENV next to the secrets, and a later bash step logs in with them", async () => {
    const { env, leaseFile } = jobEnv(circleci);
    const bashEnv = join(dir, "bash_env-ok");
    const result = await cliRun(circleci.bundle, ["load", "--dynamic-secrets", "pg-a@10m PGUSER=DB_USERNAME PGPASSWORD=DB_PASSWORD"], { ...env, BASH_ENV: bashEnv });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("appended 3 to $BASH_ENV for the later steps of this job: API_KEY, PGUSER, PGPASSWORD.");
    expect(result.stderr).toContain("revoke the lease with `secrets-action-circleci revoke` in a later step with `when: always`");
    const later = spawnSync("bash", ["-c", 'printf "%s\\0" "$API_KEY" "$PGUSER" "$PGPASSWORD"'], {
      env: { PATH: "/usr/bin:/bin", BASH_ENV: bashEnv },
      // stdin not a pipe: on one, bash believes rshd started it and reads ~/.bashrc.
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
    });
    const [apiKey, user = "", password = ""] = later.stdout.split("\0");
    expect(apiKey).toBe("api-key-value-1a2b3c");
    expect(await postgres.canLogin(user, password)).toBe(true);
    const revoked = await cliRun(circleci.bundle, ["revoke"], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(await postgres.roleExists(user)).toBe(false);
    expect(existsSync(leaseFile)).toBe(false);
    assertNoLeaks(result.stderr + revoked.stderr, { user, password, CLIENT_SECRET: CLIENT.clientSecret });
  });

  it("revokes what it leased when $BASH_ENV cannot be written, and fails with one line", async () => {
    const { env, leaseFile } = jobEnv(circleci);
    const before = await roles();
    const result = await cliRun(circleci.bundle, ["load", "--dynamic-secrets", "pg-a"], { ...env, BASH_ENV: dir });
    expect(result.code).toBe(1);
    expect(result.stderr.split("\n").filter((line) => line.includes("error:"))).toEqual([expect.stringContaining(`BASH_ENV: could not append to ${dir}`)]);
    expect(result.stderr).toMatch(/revoked lease [0-9a-f-]{36} \(pg-a\)/);
    expect(await roles()).toEqual(before);
    expect(existsSync(leaseFile)).toBe(false);
  });
});
