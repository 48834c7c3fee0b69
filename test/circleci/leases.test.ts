/**
 * Dynamic secrets through the packed orb, run as CircleCI runs a job (support/circleci-runner.ts), against the dev
 * server and a real PostgreSQL: lease puts a role's credentials in $BASH_ENV, a later step logs in with them, a step
 * fails, and revoke (when: always) drops the role; exec leases for its command and revokes when it ends; revoke in a
 * job that leased nothing sends nothing. Every step's log goes through the leak scanner.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type DevServer, type Seed, startDevServer } from "@secrets-action/dev-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertNoLeaks } from "../support/leak-scanner.js";
import { type TestPostgres, postgresDynamicSecret, startPostgres } from "../support/postgres.js";
import { CLI_PATH, type JobResult, type StepConfig, compileJob, readOrb, repoRoot, runOrbSteps } from "./support/circleci-runner.js";

const CLIENT = { clientId: "orb-lease-client", clientSecret: "orb-lease-secret-4d8f2a" };
const SECRETS = { API_KEY: "orb-api-key-7731c" };
const project = { "project-slug": "orb-leases", "env-slug": "ci" };
const install: StepConfig = { "infisical/install": { source: CLI_PATH } };

let postgres: TestPostgres;
let server: DevServer;

beforeAll(async () => {
  postgres = await startPostgres();
  const seed: Seed = {
    projects: [
      {
        slug: project["project-slug"],
        environments: ["ci"],
        secrets: { ci: { "/": SECRETS } },
        dynamicSecrets: { ci: { "/": [postgresDynamicSecret(postgres, { name: "pg-orb", defaultTTL: "10m", maxTTL: "1h" })] } },
      },
    ],
    identities: [{ name: "orb-ci", projects: { [project["project-slug"]]: "member" }, universalAuth: { clientId: CLIENT.clientId, clientSecrets: [CLIENT.clientSecret] } }],
  } as Seed;
  server = await startDevServer({ seed, log: false });
});

afterAll(async () => {
  await server?.close();
  await postgres?.stop();
});

/** A job with the credentials in a context, its own workflow job id, and where PostgreSQL is. */
function jobEnv(): Record<string, string> {
  return {
    INFISICAL_CLIENT_ID: CLIENT.clientId,
    INFISICAL_CLIENT_SECRET: CLIENT.clientSecret,
    INFISICAL_DOMAIN: server.url,
    CIRCLE_WORKFLOW_JOB_ID: randomUUID(),
    PG_MODULE: join(repoRoot, "node_modules/pg"),
    PGHOST: postgres.host,
    PGPORT: String(postgres.port),
    PGDATABASE: postgres.database,
  };
}

/**
 * Logs in as $user with $password (node-postgres), reads the test table and prints the row count; keeps what it
 * saw in ~/seen.json for the test, printing no credential.
 */
function connectScript(user: string, password: string): string {
  return [
    "node -e '",
    "const pg = require(process.env.PG_MODULE);",
    `const seen = { user: process.env.${user}, password: process.env.${password} };`,
    'require("fs").writeFileSync(process.env.HOME + "/seen.json", JSON.stringify(seen));',
    "const client = new pg.Client({ user: seen.user, password: seen.password });",
    'client.connect().then(() => client.query("SELECT count(*) AS n FROM public.items")).then((result) => { console.log("rows:", result.rows[0].n); return client.end(); })',
    '.catch((error) => { console.error("query failed:", error.message); process.exit(1); })\'',
  ].join(" ");
}

function seen(home: string): { user: string; password: string } {
  return JSON.parse(readFileSync(join(home, "seen.json"), "utf8")) as { user: string; password: string };
}

function expectSteps(result: JobResult, codes: (number | null)[]): void {
  expect(result.steps.map((step) => step.exitCode), result.log).toEqual(codes);
}

describe("lease and revoke in a CircleCI job", () => {
  it("lease → a step logs in with DB_USERNAME/DB_PASSWORD from $BASH_ENV → a failing step → revoke (when: always) drops the role", async () => {
    const env = jobEnv();
    const leaseFile = `/tmp/secrets-action-leases-${env["CIRCLE_WORKFLOW_JOB_ID"]}.json`;
    const result = await runOrbSteps(
      [
        install,
        { "infisical/lease": { ...project, "dynamic-secrets": "pg-orb@10m" } },
        { run: { name: "integration tests", command: connectScript("DB_USERNAME", "DB_PASSWORD") } },
        { run: { name: "a failing step", command: `test -f ${JSON.stringify(leaseFile)} && echo "lease recorded" && exit 1` } },
        { run: { name: "skipped after the failure", command: "echo never" } },
        "infisical/revoke",
      ],
      { env },
    );
    expectSteps(result, [0, 0, 0, 1, null, 0]);
    const { user, password } = seen(result.job.home);
    expect(user).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(result.steps[2]?.log).toBe("rows: 2\n");
    expect(result.steps[3]?.log).toBe("lease recorded\n");
    const lease = result.steps[1]?.log ?? "";
    expect(lease).toMatch(/secrets-action-circleci: leased pg-orb for 10m: lease [0-9a-f-]{36}, expires \S+ \(recorded in \/tmp\/secrets-action-leases-[0-9a-f-]{36}\.json\)\./);
    expect(lease).toContain("appended 2 to $BASH_ENV for the later steps of this job: DB_USERNAME, DB_PASSWORD.");
    // Lease only: no secrets fetched, none in $BASH_ENV.
    expect(lease).not.toContain("fetched");
    expect(readFileSync(result.job.bashEnv, "utf8")).not.toContain("API_KEY");
    expect(result.steps[5]?.log).toMatch(/secrets-action-circleci: revoked lease [0-9a-f-]{36} \(pg-orb\)\./);
    expect(await postgres.roleExists(user)).toBe(false);
    expect(await postgres.canLogin(user, password)).toBe(false);
    expect(existsSync(leaseFile)).toBe(false);
    assertNoLeaks(result.log, { ...SECRETS, CLIENT_SECRET: CLIENT.clientSecret, user, password });
  });

  it("exec with dynamic-secrets: the command sees the credentials (printed as ********), and the role is dropped when it fails", async () => {
    const env = jobEnv();
    const command = `${connectScript("PGUSER", "PGPASSWORD")} && echo "password: $PGPASSWORD" && echo "api key: $API_KEY" && exit 3`;
    const result = await runOrbSteps(
      [install, { "infisical/exec": { ...project, "dynamic-secrets": "pg-orb@5m PGUSER=DB_USERNAME PGPASSWORD=DB_PASSWORD", command } }, "infisical/revoke"],
      { env },
    );
    expectSteps(result, [0, 3, 0]);
    const { user, password } = seen(result.job.home);
    const log = result.steps[1]?.log ?? "";
    expect(log).toContain("rows: 2\n");
    expect(log).toContain("password: ********\n");
    expect(log).toContain("api key: ********\n");
    expect(log).toMatch(/secrets-action-circleci: revoked lease [0-9a-f-]{36} \(pg-orb\)\./);
    expect(result.steps[2]?.log).toMatch(/no leases to revoke \(no lease file at \/tmp\/secrets-action-leases-[0-9a-f-]{36}\.json\)\./);
    expect(await postgres.roleExists(user)).toBe(false);
    assertNoLeaks(result.log, { ...SECRETS, CLIENT_SECRET: CLIENT.clientSecret, user, password });
  });

  it("revoke in a job that leased nothing sends nothing and passes, also when install never ran", async () => {
    server.requests.clear();
    const notInstalled = await runOrbSteps([{ run: { name: "fails first", command: "exit 1" } }, "infisical/revoke"], { env: jobEnv() });
    expectSteps(notInstalled, [1, 0]);
    expect(notInstalled.steps[1]?.log).toBe("revoke: the secrets-action CLI is not installed in this job, so nothing was leased; nothing to revoke.\n");
    const nothing = await runOrbSteps([install, "infisical/revoke"], { env: { ...jobEnv(), INFISICAL_CLIENT_SECRET: "" } });
    expectSteps(nothing, [0, 0]);
    expect(nothing.steps[1]?.log).toMatch(/^secrets-action-circleci: no leases to revoke \(no lease file at .*\)\.\n$/);
    expect(server.requests.count()).toBe(0);
  });

  it("with-secrets with dynamic-secrets ends with a revoke step that runs even after a failure", () => {
    const steps = compileJob("with-secrets", { ...project, "dynamic-secrets": "pg-orb", command: "npm test", checkout: false }, readOrb());
    expect(steps.map((step) => [step.name, step.when])).toEqual([
      ["Install the secrets-action CLI", "on_success"],
      ["Run with Infisical secrets", "on_success"],
      ["Revoke dynamic secret leases", "always"],
    ]);
    expect(steps[1]?.environment["PARAM_DYNAMIC_SECRETS"]).toBe("pg-orb");
    const without = compileJob("with-secrets", { ...project, command: "npm test", checkout: false }, readOrb());
    expect(without.map((step) => step.name)).toEqual(["Install the secrets-action CLI", "Run with Infisical secrets"]);
  });
});
