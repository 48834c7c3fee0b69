/**
 * The front doors of the fault matrix and the load test, each run as a real process against a dev server: the GitHub
 * Action bundle in the simulated runner, the GitLab CLI's `run` and `export`, the CircleCI CLI's `load`. Each run comes
 * back as one `Outcome`: what a later step would see (undefined when nothing was exported), whether every place the
 * front door writes to is exactly as it was, the error lines, the log, and the wall time.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseJson } from "@secrets-action/core";
import { type DevServer, type DevServerOptions, startDevServer } from "@secrets-action/dev-server";
import { parseFileCommands } from "../support/env-file.js";
import { createJob, readActionYaml, readStepLog, repoRoot, runStep, runnerEnv } from "../support/github-runner.js";

export const PROJECT = { slug: "hardening", id: "3c1d7e2a-5b4f-4e6a-9c8d-7f0e1a2b3c4d" };
export const CLIENT = { clientId: "hardening-client-id", clientSecret: "hardening-client-secret-4e8b2d6f" };
/** An identity whose access tokens live one second: for the token that expires between calls. */
export const SHORT_LIVED = { clientId: "hardening-short-lived-id", clientSecret: "hardening-short-lived-secret-9a3c5e7b" };

/** The secret set every successful run must export exactly: the values that break naive exporters, but few of them. */
export const SECRETS: Record<string, string> = {
  DB_PASSWORD: "fault-db-password-7731",
  MULTILINE: "line-one-8812\nline-two-9923\n",
  QUOTED: `it's "quoted" $HOME \`id\` \\ back`,
  UNICODE: "ünïcødé-🔑-5521",
  EMPTY_VALUE: "",
};

/** Every value and credential, for the leak scanner. */
export const SENSITIVE: Record<string, string> = { ...SECRETS, CLIENT_SECRET: CLIENT.clientSecret, SHORT_LIVED_SECRET: SHORT_LIVED.clientSecret };

export const LOGIN = "/api/v1/auth/universal-auth/login";
export const LIST = "/api/v3/secrets/raw";

export function hardeningSeed(): Record<string, unknown> {
  return {
    projects: [{ slug: PROJECT.slug, id: PROJECT.id, environments: ["dev"], secrets: { dev: { "/": SECRETS } } }],
    identities: [
      { name: "hardening", projects: { [PROJECT.slug]: "viewer" }, universalAuth: { clientId: CLIENT.clientId, clientSecrets: [{ secret: CLIENT.clientSecret }], accessTokenTTL: 3600, accessTokenMaxTTL: 7200 } },
      {
        name: "hardening-short-lived",
        projects: { [PROJECT.slug]: "viewer" },
        universalAuth: { clientId: SHORT_LIVED.clientId, clientSecrets: [{ secret: SHORT_LIVED.clientSecret }], accessTokenTTL: 1, accessTokenMaxTTL: 1 },
      },
    ],
  };
}

export async function startHardeningServer(options: DevServerOptions = {}): Promise<DevServer> {
  return startDevServer({ seed: hardeningSeed(), log: false, ...options });
}

/** A URL on 127.0.0.1 where nothing listens: a port that was free a moment ago. */
export async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export const FRONT_DOORS = ["github", "gitlab-run", "gitlab-export", "circleci-load"] as const;
export type FrontDoor = (typeof FRONT_DOORS)[number];

/** Where to connect and how patient to be: the same settings reach each front door through its own inputs. */
export interface RunSettings {
  domain: string;
  credentials?: { clientId: string; clientSecret: string };
  /** The `retries` input / INFISICAL_RETRIES. */
  retries: number;
  /** The `timeout` input / INFISICAL_TIMEOUT, in seconds: the whole run's deadline, retries included. */
  timeoutSeconds: number;
}

export interface Outcome {
  door: FrontDoor;
  exitCode: number | null;
  /** Spawn to exit, ms. */
  ms: number;
  /** When it exited (Date.now()), to compare with the server's request times. */
  endedAt: number;
  /** The error lines (`::error::` on GitHub, `<program>: error: …` from the CLIs). */
  errors: string[];
  /** The retry lines the front door logged ("attempt N of GET /path failed (reason)…"). */
  retryLines: string[];
  /** What a later step (or the command) saw, by name; undefined when nothing was exported. */
  exported: Record<string, string> | undefined;
  /** True when every place the front door writes to is exactly as before and no command was started. */
  untouched: boolean;
  /** Everything the run printed, as a person reads it (after the runner's masking on GitHub). */
  log: string;
}

const NAMES = Object.keys(SECRETS);

/** A node one-liner that writes the secrets it finds in its environment, as JSON, to argv[1]: a later step or the command. */
const DUMP_SCRIPT = `require("fs").writeFileSync(process.argv[1], JSON.stringify(Object.fromEntries(${JSON.stringify(NAMES)}.filter((n) => n in process.env).map((n) => [n, process.env[n]]))))`;

interface Exited {
  exitCode: number | null;
  endedAt: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function spawnCollect(command: string, args: string[], env: Record<string, string>, cwd: string, timeoutMs: number): Promise<Exited> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, endedAt: Date.now(), stdout, stderr, ms: performance.now() - started });
    });
  });
}

const GITLAB_BUNDLE = join(repoRoot, "actions/gitlab/bin/secrets-action-gitlab.mjs");
const CIRCLECI_BUNDLE = join(repoRoot, "actions/circleci/secrets-action-circleci.mjs");

function cliEnv(settings: RunSettings, dir: string, extra: Record<string, string>): Record<string, string> {
  const credentials = settings.credentials ?? CLIENT;
  return {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: dir,
    INFISICAL_DOMAIN: settings.domain,
    INFISICAL_CLIENT_ID: credentials.clientId,
    INFISICAL_CLIENT_SECRET: credentials.clientSecret,
    INFISICAL_PROJECT_SLUG: PROJECT.slug,
    INFISICAL_ENV_SLUG: "dev",
    INFISICAL_RETRIES: String(settings.retries),
    INFISICAL_TIMEOUT: String(settings.timeoutSeconds),
    ...extra,
  };
}

const cliErrors = (stderr: string, program: string): string[] =>
  stderr
    .split("\n")
    .filter((line) => line.startsWith(`${program}: error: `))
    .map((line) => line.slice(`${program}: error: `.length));
const retryLines = (log: string): string[] => log.split("\n").filter((line) => /\battempt \d+ of [A-Z]+ \S+ failed/i.test(line));
const readJsonFile = (path: string): Record<string, string> | undefined => (existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, string>) : undefined);

/** A generous kill timer: the front door's own deadline must end every run long before it. */
const killAfterMs = (settings: RunSettings): number => settings.timeoutSeconds * 1000 + 30_000;

/** The action's inputs for one run of `settings`. */
function githubInputs(settings: RunSettings): Record<string, string> {
  const credentials = settings.credentials ?? CLIENT;
  return {
    domain: settings.domain,
    "client-id": credentials.clientId,
    "client-secret": credentials.clientSecret,
    "project-slug": PROJECT.slug,
    "env-slug": "dev",
    retries: String(settings.retries),
    timeout: String(settings.timeoutSeconds),
  };
}

async function runGithub(settings: RunSettings): Promise<Outcome> {
  const job = createJob();
  const result = await runStep({ job, inputs: githubInputs(settings), timeoutMs: killAfterMs(settings) });
  const endedAt = Date.now();
  const outputFiles = readdirSync(job.dir).filter((name) => name.startsWith("github_output_"));
  const outputsEmpty = outputFiles.every((name) => readFileSync(join(job.dir, name), "utf8") === "");
  const envText = readFileSync(job.envFile, "utf8");
  const untouched = envText === "" && outputsEmpty && readdirSync(job.runnerTemp).length === 0;
  const exported = envText === "" ? undefined : Object.fromEntries(NAMES.filter((name) => name in result.env).map((name) => [name, result.env[name] ?? ""]));
  return { door: "github", exitCode: result.exitCode, ms: result.durationMs, endedAt, errors: result.errors, retryLines: retryLines(result.log), exported, untouched, log: result.log };
}

async function runGitlab(settings: RunSettings, command: "run" | "export"): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), "hardening-gitlab-"));
  const target = join(dir, command === "run" ? "command-saw.json" : "secrets.json");
  const env = cliEnv(settings, dir, { GITLAB_CI: "true", CI_SERVER_VERSION: "17.5.0", CI_PROJECT_DIR: join(dir, "checkout") });
  const args = command === "run" ? [GITLAB_BUNDLE, "run", "--", process.execPath, "-e", DUMP_SCRIPT, target] : [GITLAB_BUNDLE, "export", "--format", "json", "--output", target];
  const exited = await spawnCollect(process.execPath, args, env, dir, killAfterMs(settings));
  let exported: Record<string, string> | undefined;
  if (existsSync(target)) {
    exported = command === "run" ? readJsonFile(target) : Object.fromEntries(parseJson(readFileSync(target, "utf8")).map((variable) => [variable.name, variable.value]));
  }
  const log = exited.stdout + exited.stderr;
  return {
    door: command === "run" ? "gitlab-run" : "gitlab-export",
    exitCode: exited.exitCode,
    ms: exited.ms,
    endedAt: exited.endedAt,
    errors: cliErrors(exited.stderr, "secrets-action"),
    retryLines: retryLines(log),
    exported,
    untouched: !existsSync(target),
    log,
  };
}

/** What an earlier step left in $BASH_ENV: `load` must append to it, or leave it byte for byte. */
const EARLIER_BASH_ENV = "export EARLIER_STEP='kept'\n";

async function runCircleciLoad(settings: RunSettings): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), "hardening-circleci-"));
  const bashEnv = join(dir, "bash_env");
  writeFileSync(bashEnv, EARLIER_BASH_ENV, { mode: 0o600 });
  const env = cliEnv(settings, dir, { CIRCLECI: "true", CIRCLE_WORKING_DIRECTORY: "~/project", BASH_ENV: bashEnv });
  const exited = await spawnCollect(process.execPath, [CIRCLECI_BUNDLE, "load"], env, dir, killAfterMs(settings));
  const after = readFileSync(bashEnv, "utf8");
  let exported: Record<string, string> | undefined;
  if (after !== EARLIER_BASH_ENV) {
    // The next step: a new bash that sources $BASH_ENV first, as CircleCI runs every step.
    const saw = join(dir, "next-step-saw.json");
    const next = await spawnCollect("/bin/bash", ["-c", `"${process.execPath}" -e '${DUMP_SCRIPT.replace(/'/g, "'\\''")}' "${saw}"`], { PATH: env["PATH"] ?? "", HOME: dir, BASH_ENV: bashEnv }, dir, 30_000);
    if (next.exitCode !== 0) throw new Error(`the step after load failed: ${next.stderr}`);
    exported = readJsonFile(saw);
  }
  const log = exited.stdout + exited.stderr;
  return {
    door: "circleci-load",
    exitCode: exited.exitCode,
    ms: exited.ms,
    endedAt: exited.endedAt,
    errors: cliErrors(exited.stderr, "secrets-action-circleci"),
    retryLines: retryLines(log),
    exported,
    untouched: after === EARLIER_BASH_ENV,
    log,
  };
}

/** Runs one front door once. */
export function runFrontDoor(door: FrontDoor, settings: RunSettings): Promise<Outcome> {
  switch (door) {
    case "github":
      return runGithub(settings);
    case "gitlab-run":
      return runGitlab(settings, "run");
    case "gitlab-export":
      return runGitlab(settings, "export");
    case "circleci-load":
      return runCircleciLoad(settings);
  }
}

/**
 * Starts many processes at once from a small helper process and reports each one's exit. Forking from the test's own
 * large process blocks its event loop (on a loaded two-core machine, 200 forks took 30 s), and the dev server answers
 * on that loop: runs would wait for an answer that cannot come until the last of them has started.
 */
const LAUNCHER = `
const { spawn } = require("node:child_process");
const { closeSync, openSync } = require("node:fs");
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", async () => {
  const results = await Promise.all(JSON.parse(input).map((spec) => new Promise((resolve) => {
    const fd = openSync(spec.logFile, "w");
    const started = performance.now();
    const child = spawn(spec.command, spec.args, { env: spec.env, cwd: spec.cwd, stdio: ["ignore", fd, fd] });
    const timer = setTimeout(() => child.kill("SIGKILL"), spec.timeoutMs);
    const done = (exitCode) => { clearTimeout(timer); closeSync(fd); resolve({ exitCode, ms: performance.now() - started, endedAt: Date.now() }); };
    child.on("error", () => done(null));
    child.on("exit", (code) => done(code));
  })));
  process.stdout.write(JSON.stringify(results));
});`;

interface LaunchSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  logFile: string;
  timeoutMs: number;
}

async function launchAll(specs: readonly LaunchSpec[]): Promise<{ exitCode: number | null; ms: number; endedAt: number }[]> {
  const dir = mkdtempSync(join(tmpdir(), "hardening-launch-"));
  const input = join(dir, "specs.json");
  writeFileSync(input, JSON.stringify(specs));
  const exited = await spawnCollect("/bin/sh", ["-c", `"${process.execPath}" -e "$LAUNCHER" < "${input}"`], { PATH: process.env["PATH"] ?? "", LAUNCHER }, dir, Math.max(...specs.map((spec) => spec.timeoutMs)) + 60_000);
  if (exited.exitCode !== 0) throw new Error(`the launcher failed: ${exited.stderr}`);
  return JSON.parse(exited.stdout) as { exitCode: number | null; ms: number; endedAt: number }[];
}

/**
 * Runs the action bundle `count` times at once (Node 20), each in its own simulated job with the same inputs, the way
 * `runStep` runs one: the runner's environment, action.yml's defaults for unset inputs, GITHUB_ENV and GITHUB_OUTPUT.
 */
export async function runGithubMany(count: number, settings: RunSettings): Promise<Outcome[]> {
  const action = readActionYaml();
  const given = githubInputs(settings);
  const inputEnv: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    inputEnv[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = given[name] ?? (spec.default === undefined ? "" : String(spec.default));
  }
  // Each process notes its own start and exit, so that the times do not include the launcher's late `exit` events.
  const timesDir = mkdtempSync(join(tmpdir(), "hardening-times-"));
  const preload = join(timesDir, "note-times.cjs");
  writeFileSync(preload, `process.on("exit", () => require("node:fs").writeFileSync(process.env.HARDENING_TIMES_FILE, JSON.stringify({ start: performance.timeOrigin, end: Date.now() })));\n`);
  const jobs = Array.from({ length: count }, () => {
    const job = createJob();
    const outputFile = join(job.dir, "github_output_main");
    writeFileSync(outputFile, "");
    const env: Record<string, string> = {
      ...runnerEnv(job, outputFile),
      NODE_OPTIONS: `--require ${preload}`,
      HARDENING_TIMES_FILE: join(job.dir, "times.json"),
      ...inputEnv,
    };
    const spec: LaunchSpec = { command: process.execPath, args: [join(repoRoot, action.runs.main)], env, cwd: job.workspace, logFile: join(job.dir, "log_main"), timeoutMs: killAfterMs(settings) };
    return { job, outputFile, spec };
  });
  const exits = await launchAll(jobs.map((entry) => entry.spec));
  return jobs.map(({ job, outputFile, spec }, index): Outcome => {
    const exit = exits[index] ?? { exitCode: null, ms: 0, endedAt: 0 };
    const timesFile = join(job.dir, "times.json");
    const times = existsSync(timesFile) ? (JSON.parse(readFileSync(timesFile, "utf8")) as { start: number; end: number }) : undefined;
    const { log, errors } = readStepLog(readFileSync(spec.logFile, "utf8"));
    const envText = readFileSync(job.envFile, "utf8");
    const exportedEnv = parseFileCommands(envText);
    const untouched = envText === "" && readFileSync(outputFile, "utf8") === "" && readdirSync(job.runnerTemp).length === 0;
    const exported = envText === "" ? undefined : Object.fromEntries(NAMES.filter((name) => name in exportedEnv).map((name) => [name, exportedEnv[name] ?? ""]));
    const timing = times === undefined ? { ms: exit.ms, endedAt: exit.endedAt } : { ms: times.end - times.start, endedAt: times.end };
    return { door: "github", exitCode: exit.exitCode, ...timing, errors, retryLines: retryLines(log), exported, untouched, log };
  });
}
