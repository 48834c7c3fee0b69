import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { parseFileCommands } from "./env-file.js";
import { nodeBinary } from "./node-binary.js";
import { RunnerMasker } from "./runner-masker.js";

/** The repository root; SECRETS_ACTION_ROOT overrides it where this file runs bundled elsewhere (the demo). */
export const repoRoot = process.env["SECRETS_ACTION_ROOT"] ?? resolve(dirname(fileURLToPath(import.meta.url)), "../..");

interface ActionYaml {
  inputs: Record<string, { default?: string | boolean | number; required?: boolean }>;
  outputs?: Record<string, unknown>;
  runs: { using: string; main: string; post?: string; "post-if"?: string };
}

/** The repository's action.yml, as the runner reads it. */
export function readActionYaml(): ActionYaml {
  return parseYaml(readFileSync(join(repoRoot, "action.yml"), "utf8")) as ActionYaml;
}

/** One simulated job: the files and folders a runner gives each step, shared by main and post. */
export interface SimulatedJob {
  dir: string;
  workspace: string;
  runnerTemp: string;
  envFile: string;
  stateFile: string;
}

/** Creates a fresh job directory with the runner's files. */
export function createJob(): SimulatedJob {
  const dir = mkdtempSync(join(tmpdir(), "gha-job-"));
  const workspace = join(dir, "workspace");
  const runnerTemp = join(dir, "runner-temp");
  mkdirSync(workspace);
  mkdirSync(runnerTemp);
  const envFile = join(dir, "github_env");
  const stateFile = join(dir, "github_state");
  writeFileSync(envFile, "");
  writeFileSync(stateFile, "");
  return { dir, workspace, runnerTemp, envFile, stateFile };
}

export interface RunStepOptions {
  job?: SimulatedJob;
  /** `main` or `post`. */
  step?: "main" | "post";
  /** Action inputs by their action.yml names; unset inputs get action.yml's defaults, as on a runner. */
  inputs?: Record<string, string>;
  /** Extra environment (e.g. ACTIONS_ID_TOKEN_REQUEST_URL, HTTPS_PROXY, RUNNER_OS). */
  env?: Record<string, string>;
  node?: "20" | "24";
  /** Masks registered by earlier steps of the job (the runner keeps them for the whole job). */
  masker?: RunnerMasker;
  timeoutMs?: number;
  /** Run this file instead of action.yml's entry (e.g. for a cold-start measurement). */
  entry?: string;
}

export interface StepResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Raw combined stdout+stderr in write order, as the runner receives it. */
  raw: string;
  /** The log a person sees: commands processed, masks applied from the line after they were registered. */
  log: string;
  /** The lines of `log` that were `::error::` / `::warning::` annotations (masked). */
  errors: string[];
  warnings: string[];
  /** Values registered with ::add-mask::, in order. */
  masks: string[];
  /** GITHUB_ENV as the runner would apply it to later steps (cumulative for the job). */
  env: Record<string, string>;
  /** This step's GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** GITHUB_STATE (cumulative). */
  state: Record<string, string>;
  job: SimulatedJob;
  masker: RunnerMasker;
  durationMs: number;
}

/** Runs one step of the action's committed bundle the way the GitHub runner does. */
export async function runStep(options: RunStepOptions = {}): Promise<StepResult> {
  const action = readActionYaml();
  const job = options.job ?? createJob();
  const step = options.step ?? "main";
  const entry = options.entry ?? (step === "main" ? action.runs.main : action.runs.post);
  if (!entry) throw new Error(`action.yml has no ${step} entry`);
  const script = resolve(repoRoot, entry);
  if (!existsSync(script)) throw new Error(`bundle ${entry} does not exist: run pnpm build`);

  const outputFile = join(job.dir, `github_output_${step}_${Date.now()}`);
  writeFileSync(outputFile, "");
  const inputEnv: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    const given = options.inputs?.[name];
    const value = given ?? (spec.default === undefined ? "" : String(spec.default));
    inputEnv[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  }
  for (const name of Object.keys(options.inputs ?? {})) {
    if (!(name in action.inputs)) throw new Error(`input ${name} is not declared in action.yml`);
  }
  const stateEnv: Record<string, string> = {};
  if (step === "post") {
    for (const [name, value] of Object.entries(parseFileCommands(readFileSync(job.stateFile, "utf8")))) stateEnv[`STATE_${name}`] = value;
  }

  const env: Record<string, string> = { ...runnerEnv(job, outputFile), ...inputEnv, ...stateEnv, ...options.env };

  const logFile = join(job.dir, `log_${step}_${Date.now()}`);
  const fd = openSync(logFile, "w");
  const started = performance.now();
  const { exitCode, signal } = await new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolveRun, reject) => {
    const child = spawn(nodeBinary(options.node ?? "20"), [script], { env, cwd: job.workspace, stdio: ["ignore", fd, fd] });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("exit", (code, sig) => {
      clearTimeout(timer);
      resolveRun({ exitCode: code, signal: sig });
    });
  });
  const durationMs = performance.now() - started;
  closeSync(fd);
  const raw = readFileSync(logFile, "utf8");

  const masker = options.masker ?? new RunnerMasker();
  const { log, errors, warnings, masks } = readStepLog(raw, masker);

  return {
    exitCode,
    signal,
    raw,
    log,
    errors,
    warnings,
    masks,
    env: parseFileCommands(readFileSync(job.envFile, "utf8")),
    outputs: parseFileCommands(readFileSync(outputFile, "utf8")),
    state: parseFileCommands(readFileSync(job.stateFile, "utf8")),
    job,
    masker,
    durationMs,
  };
}

/** What a person sees of a step's raw output, and what the runner took from its workflow commands. */
export interface StepLog {
  /** Commands processed, masks applied from the line after they were registered. */
  log: string;
  errors: string[];
  warnings: string[];
  /** Values registered with ::add-mask::, in order. */
  masks: string[];
}

/** Reads a step's raw stdout+stderr as the runner does: workflow commands, masks (kept in `masker`), stop-commands. */
export function readStepLog(raw: string, masker: RunnerMasker = new RunnerMasker()): StepLog {
  const masks: string[] = [];
  const logLines: string[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  let stopToken: string | undefined;
  for (const line of raw.split("\n")) {
    if (stopToken !== undefined) {
      if (line === `::${stopToken}::`) stopToken = undefined;
      else logLines.push(masker.apply(line));
      continue;
    }
    const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line);
    if (!command) {
      logLines.push(masker.apply(line));
      continue;
    }
    const [, name, value = ""] = command;
    const unescaped = value.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
    if (name === "add-mask") {
      masks.push(unescaped);
      masker.add(unescaped);
    } else if (name === "stop-commands") {
      stopToken = unescaped;
    } else if (name === "error" || name === "warning" || name === "notice") {
      const shown = masker.apply(unescaped);
      (name === "error" ? errors : warnings).push(shown);
      logLines.push(`${name === "error" ? "Error" : name === "warning" ? "Warning" : "Notice"}: ${shown}`);
    } else if (name === "debug") {
      // Hidden unless step debugging is on.
    } else if (name === "group" || name === "endgroup") {
      if (name === "group") logLines.push(masker.apply(unescaped));
    } else {
      logLines.push(masker.apply(line));
    }
  }
  return { log: logLines.join("\n"), errors, warnings, masks };
}

/** The variables the GitHub runner gives every step of `job`, with `outputFile` as this step's GITHUB_OUTPUT. */
export function runnerEnv(job: SimulatedJob, outputFile: string): Record<string, string> {
  return {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: job.dir,
    GITHUB_ACTIONS: "true",
    CI: "true",
    GITHUB_WORKSPACE: job.workspace,
    GITHUB_ENV: job.envFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STATE: job.stateFile,
    GITHUB_REPOSITORY: "octo-org/app",
    GITHUB_RUN_ID: "1",
    RUNNER_TEMP: job.runnerTemp,
    RUNNER_OS: "Linux",
  };
}
