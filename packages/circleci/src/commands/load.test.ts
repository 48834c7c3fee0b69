import { spawnSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultLeaseFile, runCli } from "@secrets-action/cli";
import { type DevServer, startDevServer } from "@secrets-action/dev-server";
import { bashNameReason } from "../bash-names.js";
import { circleciConventions } from "../conventions.js";
import { withoutBashNames } from "./load.js";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString("utf8");
    callback();
  }
}

const CLIENT = { clientId: "load-client", clientSecret: "load-client-secret-3b8e1f" };
const SECRETS = { DB_PASSWORD: "db-pass-Xy71\nsecond line\n", API_KEY: "api-key-5521", RANDOM: "random-value-93" };

let server: DevServer;
const dir = mkdtempSync(join(tmpdir(), "load-test-"));
beforeAll(async () => {
  server = await startDevServer({
    log: false,
    seed: {
      projects: [{ slug: "load", environments: ["dev"], secrets: { dev: { "/": SECRETS } } }],
      identities: [{ name: "load", projects: { load: "viewer" }, universalAuth: { clientId: CLIENT.clientId, clientSecrets: [{ secret: CLIENT.clientSecret }] } }],
    },
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function load(env: Record<string, string>, args: string[] = []): Promise<{ code: number; stderr: string; stdout: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(["load", ...args], {
    conventions: circleciConventions,
    env: {
      INFISICAL_DOMAIN: server.url,
      INFISICAL_CLIENT_ID: CLIENT.clientId,
      INFISICAL_CLIENT_SECRET: CLIENT.clientSecret,
      INFISICAL_PROJECT_SLUG: "load",
      INFISICAL_ENV_SLUG: "dev",
      ...env,
    },
    io: { stdout, stderr, signals: new EventEmitter() },
    cwd: dir,
  });
  return { code, stderr: stderr.text, stdout: stdout.text };
}

function bashEnvFile(content = ""): string {
  const path = join(dir, `bash_env-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, content, { mode: 0o644 });
  return path;
}

describe("load", () => {
  it("appends every exportable secret to $BASH_ENV, readable exactly by bash, leaves RANDOM out, warns about masking", async () => {
    const path = bashEnvFile("export EARLIER=1\n");
    const result = await load({ BASH_ENV: path });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    const read = spawnSync("bash", ["-c", 'printf "%s\\0" "$EARLIER" "$DB_PASSWORD" "$API_KEY" "${RANDOM_SET-unset}"'], {
      env: { PATH: "/usr/bin:/bin", BASH_ENV: path },
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(read.stdout.toString("utf8").split("\0").slice(0, 4)).toEqual(["1", SECRETS.DB_PASSWORD, SECRETS.API_KEY, "unset"]);
    expect(readFileSync(path, "utf8")).not.toMatch(/\bRANDOM=/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(result.stderr).toContain("warning: Left out 1 secret that bash keeps for itself: RANDOM (bash sets it itself");
    expect(result.stderr).toContain("appended 2 to $BASH_ENV for the later steps of this job: DB_PASSWORD, API_KEY.");
    expect(result.stderr).toContain("warning: CircleCI does not mask values set while a job runs");
    for (const value of Object.values(SECRETS)) expect(result.stderr).not.toContain(value.split("\n")[0]);
  });

  it("without $BASH_ENV, lists the problem, exits 2 and sends nothing", async () => {
    server.requests.clear();
    const result = await load({});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("load: $BASH_ENV is not set. CircleCI sets it in every job");
    expect(result.stderr).toContain("nothing was sent to the server");
    expect(server.requests.count()).toBe(0);
  });

  it("with invalid-names fail, a name bash keeps for itself fails the step and writes nothing", async () => {
    const path = bashEnvFile("before\n");
    const result = await load({ BASH_ENV: path, INFISICAL_INVALID_NAMES: "fail" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("BASH_ENV: RANDOM (bash sets it itself");
    expect(readFileSync(path, "utf8")).toBe("before\n");
  });

  it("with fetch-secrets false and no dynamic secrets, has nothing to load: exits 2 and sends nothing", async () => {
    server.requests.clear();
    const result = await load({ BASH_ENV: bashEnvFile(), INFISICAL_FETCH_SECRETS: "false" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("INFISICAL_FETCH_SECRETS: false with no --dynamic-secrets (or INFISICAL_DYNAMIC_SECRETS) leaves nothing to load.");
    expect(server.requests.count()).toBe(0);
  });

  it("a $BASH_ENV that cannot be written fails with one line", async () => {
    const result = await load({ BASH_ENV: dir });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n").filter((line) => line.includes("error:"))).toEqual([expect.stringContaining(`BASH_ENV: could not append to ${dir}`)]);
  });

  it("a wrong secret fails with one line and leaves $BASH_ENV as it was", async () => {
    const path = bashEnvFile("before\n");
    const result = await load({ BASH_ENV: path, INFISICAL_CLIENT_SECRET: "wrong" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(readFileSync(path, "utf8")).toBe("before\n");
  });
});

describe("bash's own names", () => {
  it("are read-only, set by bash, or change how it runs; ordinary names are free", () => {
    expect(bashNameReason("UID")).toMatch(/read-only/);
    expect(bashNameReason("BASH_VERSION")).toMatch(/sets it itself/);
    expect(bashNameReason("SECONDS")).toMatch(/sets it itself/);
    expect(bashNameReason("TMOUT")).toMatch(/changes how bash runs/);
    for (const name of ["DB_PASSWORD", "BASHFUL", "USER", "PWD_FILE", "Random"]) expect(bashNameReason(name)).toBeUndefined();
  });

  it("are left out with one warning, or refused together in strict mode", () => {
    const variables = [{ name: "A", value: "1" }, { name: "PWD", value: "/x" }, { name: "UID", value: "0" }];
    const { variables: kept, warning } = withoutBashNames(variables, false, "--env-prefix");
    expect(kept).toEqual([{ name: "A", value: "1" }]);
    expect(warning).toMatch(/^Left out 2 secrets that bash keeps for itself: PWD .*, UID .*Rename them in Infisical or set a prefix \(--env-prefix\)\.$/);
    expect(() => withoutBashNames(variables, true, "--env-prefix")).toThrow(/PWD.*UID/s);
  });
});

describe("CircleCI's conventions", () => {
  it("read the OIDC token from CIRCLE_OIDC_TOKEN_V2, then CIRCLE_OIDC_TOKEN, and say to add a context when there is none", () => {
    expect(circleciConventions.idTokenVariables).toEqual(["CIRCLE_OIDC_TOKEN_V2", "CIRCLE_OIDC_TOKEN"]);
    expect(circleciConventions.idTokenHint("CIRCLE_OIDC_TOKEN_V2")).toContain("add `context: <any context>` to this job");
  });

  it("name the job by CIRCLE_WORKFLOW_JOB_ID, else CIRCLE_BUILD_NUM, for the default lease file", () => {
    const uuid = "3f6a1c2e-7b8d-4e9f-a0b1-c2d3e4f5a6b7";
    expect(circleciConventions.jobId?.({ CIRCLE_WORKFLOW_JOB_ID: uuid, CIRCLE_BUILD_NUM: "42" })).toBe(uuid);
    expect(circleciConventions.jobId?.({ CIRCLE_WORKFLOW_JOB_ID: "", CIRCLE_BUILD_NUM: "42" })).toBe("42");
    expect(circleciConventions.jobId?.({})).toBeUndefined();
    expect(defaultLeaseFile(circleciConventions, { CIRCLE_BUILD_NUM: "42" })).toBe(join(tmpdir(), "secrets-action-leases-42.json"));
  });

  it("call run exec, add load, and expand ~ in CIRCLE_WORKING_DIRECTORY", () => {
    expect(circleciConventions.commandNames).toEqual({ run: "exec" });
    expect(circleciConventions.commands?.map((command) => command.name)).toEqual(["load"]);
    expect(circleciConventions.workspace({ CIRCLE_WORKING_DIRECTORY: "~/project", HOME: "/home/circleci" })).toBe("/home/circleci/project");
    expect(circleciConventions.workspace({ CIRCLE_WORKING_DIRECTORY: "/srv/app" })).toBe("/srv/app");
    expect(circleciConventions.workspace({})).toBeUndefined();
  });
});
