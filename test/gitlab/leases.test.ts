/**
 * Dynamic secrets through the GitLab component, in one pipeline run by gitlab-ci-local's shell executor (see
 * component.test.ts for why jobs set `image: null`), against the dev server and a real PostgreSQL:
 * - `run` leases a role for the command, which logs in with it and prints the credentials (the log shows [MASKED]),
 *   and revokes the lease when the command ends;
 * - a script that leases with `secrets-action lease` and then fails leaves the lease to after_script's `revoke`.
 * Each job also writes the credentials it saw to a file outside the log, so the test can check the role afterwards.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DevServer, type Seed, startDevServer } from "@secrets-action/dev-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { repoRoot } from "../support/github-runner.js";
import { assertNoLeaks } from "../support/leak-scanner.js";
import { type TestPostgres, postgresDynamicSecret, startPostgres } from "../support/postgres.js";
import { type PipelineResult, removePipeline, requireRsync, runPipeline } from "./pipeline.js";
import { CLIENT, PROJECT, SECRETS, gitlabSeed } from "./seed.js";

let postgres: TestPostgres;
let server: DevServer;
let result: PipelineResult;
const out = mkdtempSync(join(tmpdir(), "gitlab-leases-"));

interface Seen {
  user: string;
  password: string;
}
const seen = (job: string): Seen => JSON.parse(readFileSync(join(out, `${job}.json`), "utf8")) as Seen;
const sensitive = { ...SECRETS, CLIENT_SECRET: CLIENT.clientSecret };

beforeAll(async () => {
  requireRsync();
  postgres = await startPostgres();
  const seed = gitlabSeed();
  const project = seed.projects?.[0];
  if (project === undefined) throw new Error("gitlabSeed has no project");
  project.dynamicSecrets = { dev: { "/": [postgresDynamicSecret(postgres, { name: "pg-ci", defaultTTL: "10m", maxTTL: "1h" })] } };
  server = await startDevServer({ seed: seed as Seed });

  // Logs in with the leased credentials (node-postgres reads PGUSER and PGPASSWORD), reads the test table, prints
  // both credentials (in run, which redacts them; not in the job's own shell, which cannot), and keeps them for the
  // test in $OUT_DIR/<job>.json.
  const connect = (print: boolean): string => [
    "node -e '",
    "const pg = require(process.env.PG_MODULE);",
    "const keep = () => require(\"fs\").writeFileSync(process.env.OUT_DIR + \"/\" + process.env.CI_JOB_NAME + \".json\", JSON.stringify({ user: process.env.PGUSER, password: process.env.PGPASSWORD }));",
    "const client = new pg.Client();",
    "client.connect().then(() => client.query(\"SELECT count(*) AS n FROM public.items\")).then((result) => {",
    `  keep(); console.log("rows:", result.rows[0].n); ${print ? 'console.log("connected as", process.env.PGUSER, "with", process.env.PGPASSWORD); ' : ""}return client.end();`,
    "}).catch((error) => { console.error(\"query failed:\", error.message); process.exit(1); })'",
  ].join(" ");
  result = await runPipeline({
    variables: { INFISICAL_CLIENT_ID: CLIENT.clientId, INFISICAL_CLIENT_SECRET: CLIENT.clientSecret },
    jobs: ["lease-run", "lease-then-fail"],
    schemaValidation: false,
    ciYaml: stringify({
      // In the pipeline, not the settings file: gitlab-ci-local makes a settings variable that names a path a file.
      variables: { PG_MODULE: join(repoRoot, "node_modules/pg"), PGHOST: postgres.host, PGPORT: String(postgres.port), PGDATABASE: postgres.database, OUT_DIR: out },
      include: [
        {
          local: "templates/secrets.yml",
          inputs: {
            domain: server.url,
            "project-slug": PROJECT.slug,
            "env-slug": "dev",
            "cli-url": "$CI_PROJECT_DIR/bin/secrets-action-gitlab.mjs",
            // The names libpq and node-postgres read; the project also has a secret DB_PASSWORD.
            "dynamic-secrets": "pg-ci@10m PGUSER=DB_USERNAME PGPASSWORD=DB_PASSWORD",
            command: connect(true),
          },
        },
      ],
      "lease-run": { extends: ".secrets-action", image: null },
      "lease-then-fail": {
        extends: ".secrets-action",
        image: null,
        script: [
          "CREDENTIALS=$(secrets-action lease --format shell)",
          '. "$CREDENTIALS"',
          connect(false),
          'echo "the integration tests failed"; exit 1',
        ],
      },
    }),
  });
}, 120_000);

afterAll(async () => {
  if (result) removePipeline(result);
  rmSync(out, { recursive: true, force: true });
  await server?.close();
  await postgres?.stop();
});

describe("dynamic secrets in the GitLab component", () => {
  it("run: the command logs in with the leased role, the log shows [MASKED], and the role is dropped when it ends", async () => {
    const log = result.logs["lease-run"] ?? "";
    expect(result.output, result.output).toMatch(/PASS\s+lease-run/);
    expect(log).toContain("rows: 2\n");
    expect(log).toContain("connected as [MASKED] with [MASKED]\n");
    expect(log).toMatch(/secrets-action: leased pg-ci for 10m: lease [0-9a-f-]{36}, expires /);
    expect(log).toMatch(/secrets-action: revoked lease [0-9a-f-]{36} \(pg-ci\)/);
    // The run ended its own lease: after_script had nothing left, and sent nothing for it.
    expect(log).toMatch(/secrets-action: no leases to revoke \(no lease file at .*secrets-action-leases-\d+\.json\)\./);
    const { user, password } = seen("lease-run");
    expect(user).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(await postgres.roleExists(user)).toBe(false);
    expect(await postgres.canLogin(user, password)).toBe(false);
    assertNoLeaks(log, { ...sensitive, user, password });
    assertNoLeaks(result.output, { ...sensitive, user, password });
  });

  it("lease, then a failing script: after_script's revoke drops the role and the job still fails with the script's code", async () => {
    const log = result.logs["lease-then-fail"] ?? "";
    expect(result.output).toMatch(/FAIL\s+lease-then-fail/);
    expect(log).toContain("rows: 2\n");
    expect(log).toContain("the integration tests failed");
    expect(log).toMatch(/secrets-action: wrote the credentials of 1 lease to .*\(shell, mode 0600\)/);
    const afterScript = log.slice(log.indexOf('$ if [ -x "$SECRETS_ACTION_HOME/bin/secrets-action" ]'));
    expect(afterScript).not.toBe(log);
    expect(afterScript).toMatch(/secrets-action: revoked lease [0-9a-f-]{36} \(pg-ci\)/);
    const { user, password } = seen("lease-then-fail");
    expect(user).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(user).not.toBe(seen("lease-run").user);
    expect(await postgres.roleExists(user)).toBe(false);
    expect(await postgres.canLogin(user, password)).toBe(false);
    assertNoLeaks(log, { ...sensitive, user, password });
  });

  it("leaves no role behind and no lease on the server", async () => {
    const roles = await postgres.query<{ rolname: string }>("SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolname <> $1", [postgres.adminUser]);
    expect(roles).toEqual([]);
  });
});
