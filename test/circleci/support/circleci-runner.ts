/**
 * A CircleCI job, simulated closely enough to run the packed orb as CircleCI would:
 *
 * - Config compile: the orb's commands and jobs are expanded from actions/circleci/orb.yml; parameters are checked
 *   against their declared types (string, boolean, integer, enum, env_var_name, executor), defaults are applied,
 *   missing required ones and unknown ones are errors, and `<< parameters.x >>` is substituted in every string value;
 *   `\<<` (how `circleci orb pack` escapes `<<` in included scripts) becomes `<<`. `when`/`unless` steps are decided
 *   at compile time, as CircleCI does.
 * - Run: each `run` step is a new `/bin/bash -eo pipefail -c <command>` with the job's CIRCLE_* variables, the step's
 *   `environment:`, stdin from /dev/null, and $BASH_ENV naming the job's one BASH_ENV file, which bash sources before
 *   the command — so what an earlier step appended there is what a later step starts with. stdout and stderr go to
 *   one log per step, in write order. A failed step skips the rest, except steps with `when: always` / `on_fail`.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const ORB_PATH = join(repoRoot, "actions/circleci/orb.yml");
export const CLI_PATH = join(repoRoot, "actions/circleci/secrets-action-circleci.mjs");

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
interface ParameterSpec {
  type: "string" | "boolean" | "integer" | "enum" | "env_var_name" | "executor" | "steps";
  default?: Value;
  enum?: string[];
  description?: string;
}
interface Definition {
  parameters?: Record<string, ParameterSpec>;
  steps: Value[];
}
interface Orb {
  commands: Record<string, Definition>;
  jobs: Record<string, Definition>;
  executors: Record<string, unknown>;
}

/** The packed orb as CircleCI reads it. */
export function readOrb(path = ORB_PATH): Orb {
  return parseYaml(readFileSync(path, "utf8")) as Orb;
}

/** A step as a job's config lists it: `checkout`, `{ run: ... }`, or an orb command with its parameters. */
export type StepConfig = string | Record<string, Value>;

/** A compiled `run` step. */
export interface RunStep {
  name: string;
  command: string;
  environment: Record<string, string>;
  when: "on_success" | "always" | "on_fail";
  shell: string;
}

const ENV_VAR_NAME = /^[a-zA-Z][a-zA-Z0-9_-]+$/;
const REFERENCE = /<<\s*parameters\.([A-Za-z0-9_-]+)\s*>>/g;

/** Resolves an invocation's arguments against a definition's parameters, as CircleCI's config compile does. */
export function resolveParameters(where: string, specs: Record<string, ParameterSpec> = {}, given: Record<string, Value> = {}): Record<string, Value> {
  const values: Record<string, Value> = {};
  for (const name of Object.keys(given)) if (!(name in specs)) throw new Error(`${where}: unknown parameter ${name}`);
  for (const [name, spec] of Object.entries(specs)) {
    const value = name in given ? given[name] : spec.default;
    if (value === undefined) throw new Error(`${where}: missing required parameter ${name}`);
    switch (spec.type) {
      case "string":
        if (typeof value !== "string") throw new Error(`${where}: ${name} must be a string`);
        break;
      case "boolean":
        if (typeof value !== "boolean") throw new Error(`${where}: ${name} must be a boolean`);
        break;
      case "integer":
        if (typeof value !== "number" || !Number.isInteger(value)) throw new Error(`${where}: ${name} must be an integer`);
        break;
      case "enum":
        if (typeof value !== "string" || !(spec.enum ?? []).includes(value)) throw new Error(`${where}: ${name} must be one of ${(spec.enum ?? []).join(", ")}`);
        break;
      case "env_var_name":
        if (typeof value !== "string" || !ENV_VAR_NAME.test(value)) throw new Error(`${where}: ${name} must be an environment variable name`);
        break;
      case "executor":
      case "steps":
        break;
    }
    values[name] = value;
  }
  return values;
}

/** Substitutes `<< parameters.x >>` everywhere in `node`; a string that is one reference keeps the value's type. */
export function substitute(node: Value, parameters: Record<string, Value>, where: string): Value {
  if (typeof node === "string") {
    const whole = /^<<\s*parameters\.([A-Za-z0-9_-]+)\s*>>$/.exec(node);
    if (whole) {
      const name = whole[1] ?? "";
      if (!(name in parameters)) throw new Error(`${where}: << parameters.${name} >> is not a parameter`);
      return parameters[name] ?? null;
    }
    const replaced = node.replace(REFERENCE, (_match, name: string) => {
      if (!(name in parameters)) throw new Error(`${where}: << parameters.${name} >> is not a parameter`);
      return String(parameters[name]);
    });
    return replaced.replaceAll("\\<<", "<<");
  }
  if (Array.isArray(node)) return node.map((item) => substitute(item, parameters, where));
  if (node !== null && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, substitute(value, parameters, where)]));
  return node;
}

const truthy = (value: Value | undefined): boolean => value !== false && value !== null && value !== "" && value !== 0 && value !== undefined;

/** Expands steps into `run` steps: orb commands (plain inside the orb, `<alias>/<name>` outside), when/unless, checkout. */
export function compileSteps(steps: readonly StepConfig[], orb: Orb, alias = "infisical", depth = 0): RunStep[] {
  if (depth > 10) throw new Error("commands nest too deeply");
  const out: RunStep[] = [];
  for (const step of steps) {
    const [name, args] = typeof step === "string" ? [step, {} as Record<string, Value>] : (Object.entries(step)[0] as [string, Value]);
    if (name === "checkout") {
      out.push({ name: "Checkout code", command: "true", environment: {}, when: "on_success", shell: "/bin/bash -eo pipefail" });
      continue;
    }
    if (name === "run") {
      const run = typeof args === "string" ? { command: args } : (args as Record<string, Value>);
      const environment = Object.fromEntries(Object.entries((run["environment"] ?? {}) as Record<string, Value>).map(([key, value]) => [key, value === null ? "" : String(value)]));
      out.push({
        name: String(run["name"] ?? run["command"]),
        command: String(run["command"]),
        environment,
        when: (run["when"] as RunStep["when"] | undefined) ?? "on_success",
        shell: String(run["shell"] ?? "/bin/bash -eo pipefail"),
      });
      continue;
    }
    if (name === "when" || name === "unless") {
      const block = args as { condition: Value; steps: StepConfig[] };
      if (truthy(block.condition) === (name === "when")) out.push(...compileSteps(block.steps, orb, alias, depth + 1));
      continue;
    }
    const local = name.startsWith(`${alias}/`) ? name.slice(alias.length + 1) : depth > 0 ? name : undefined;
    const command = local === undefined ? undefined : orb.commands[local];
    if (command === undefined) throw new Error(`unknown step ${name}`);
    const parameters = resolveParameters(`command ${local}`, command.parameters, (args ?? {}) as Record<string, Value>);
    const expanded = substitute(command.steps as Value, parameters, `command ${local}`) as StepConfig[];
    out.push(...compileSteps(expanded, orb, alias, depth + 1));
  }
  return out;
}

/** The steps of one of the orb's jobs, invoked from a workflow with `args`. */
export function compileJob(name: string, args: Record<string, Value>, orb: Orb): RunStep[] {
  const job = orb.jobs[name];
  if (job === undefined) throw new Error(`unknown job ${name}`);
  const parameters = resolveParameters(`job ${name}`, job.parameters, args);
  return compileSteps(substitute(job.steps as Value, parameters, `job ${name}`) as StepConfig[], orb, "infisical", 1);
}

/** A job's folders and its BASH_ENV file, shared by its steps. */
export interface Job {
  dir: string;
  home: string;
  workingDirectory: string;
  bashEnv: string;
  /** The job's environment: CIRCLE_* variables, contexts, and what the test adds. */
  env: Record<string, string>;
}

/** A fresh job, as CircleCI starts one: an empty BASH_ENV file, a home, `~/project`, CIRCLE_* variables. */
export function createJob(env: Record<string, string> = {}): Job {
  const dir = mkdtempSync(join(tmpdir(), "circleci-job-"));
  const home = join(dir, "home");
  const workingDirectory = join(home, "project");
  mkdirSync(workingDirectory, { recursive: true });
  const bashEnv = join(dir, ".bash_env");
  writeFileSync(bashEnv, "");
  return {
    dir,
    home,
    workingDirectory,
    bashEnv,
    env: {
      PATH: process.env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: home,
      LANG: "C.UTF-8",
      CI: "true",
      CIRCLECI: "true",
      CIRCLE_JOB: "test",
      CIRCLE_BUILD_NUM: "42",
      CIRCLE_BRANCH: "main",
      CIRCLE_SHA1: "8f2a2b8c2d0b6d4b36c8e4c4f1e5a0b9d3c7e1f2",
      CIRCLE_PROJECT_USERNAME: "octo-org",
      CIRCLE_PROJECT_REPONAME: "app",
      CIRCLE_REPOSITORY_URL: "git@github.com:octo-org/app.git",
      CIRCLE_WORKFLOW_ID: "c0c0c0c0-0000-4000-8000-0000000000aa",
      CIRCLE_WORKING_DIRECTORY: "~/project",
      CIRCLE_NODE_INDEX: "0",
      CIRCLE_NODE_TOTAL: "1",
      ...env,
      BASH_ENV: bashEnv,
    },
  };
}

/** What one step did. */
export interface StepResult {
  name: string;
  /** null when the step was skipped. */
  exitCode: number | null;
  /** stdout and stderr as the CircleCI UI shows them, in write order. */
  log: string;
}

/** What a job did. */
export interface JobResult {
  steps: StepResult[];
  /** Every step's log, each under its name. */
  log: string;
  /** Whether every step that ran succeeded. */
  success: boolean;
}

/** Runs one compiled step in `job`. */
export async function runStep(job: Job, step: RunStep, timeoutMs = 60_000): Promise<StepResult> {
  const logFile = join(job.dir, `step-${Date.now()}-${Math.random().toString(36).slice(2)}.log`);
  const fd = openSync(logFile, "w");
  const [shell = "/bin/bash", ...flags] = step.shell.split(/\s+/);
  const exitCode = await new Promise<number>((resolveRun, reject) => {
    // stdin is /dev/null: on a socket (libuv's default) bash believes rshd started it and reads ~/.bashrc.
    const child = spawn(shell, [...flags, "-c", step.command], {
      cwd: job.workingDirectory,
      env: { ...job.env, ...step.environment, BASH_ENV: job.bashEnv },
      stdio: ["ignore", fd, fd],
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolveRun(code ?? 128 + (signal === "SIGKILL" ? 9 : 15));
    });
  });
  closeSync(fd);
  return { name: step.name, exitCode, log: readFileSync(logFile, "utf8") };
}

/** Runs steps as CircleCI runs a job: in order, stopping at the first failure except for `when: always` steps. */
export async function runJob(job: Job, steps: readonly RunStep[]): Promise<JobResult> {
  const results: StepResult[] = [];
  let failed = false;
  for (const step of steps) {
    const runs = step.when === "always" || (step.when === "on_fail" ? failed : !failed);
    if (!runs) {
      results.push({ name: step.name, exitCode: null, log: "" });
      continue;
    }
    const result = await runStep(job, step);
    results.push(result);
    if (result.exitCode !== 0) failed = true;
  }
  return {
    steps: results,
    log: results.map((result) => `#### ${result.name}${result.exitCode === null ? " (skipped)" : ""}\n${result.log}`).join("\n"),
    success: !failed,
  };
}

/** Compiles `steps` against the packed orb and runs them in a new job (or `job`). */
export async function runOrbSteps(steps: readonly StepConfig[], options: { job?: Job; env?: Record<string, string> } = {}): Promise<JobResult & { job: Job }> {
  const job = options.job ?? createJob(options.env);
  const result = await runJob(job, compileSteps(steps, readOrb()));
  return { ...result, job };
}
