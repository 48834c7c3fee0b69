/**
 * Hostile values and names through every writer of every front door, each run from its committed bundle against the
 * dev server: GitHub's GITHUB_ENV and GITHUB_OUTPUT, the file formats (dotenv, json, yaml, shell — the shell file
 * sourced by real bash and dash), the GitLab CLI's `run` and `export`, and the CircleCI CLI's `load` into BASH_ENV
 * sourced by bash in a later step. Nothing may set a variable or run a command, nothing may be lost or altered, and
 * every refusal is named in the log. Every captured log goes through the leak scanner.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDotenv } from "@secrets-action/core";
import { type DevServer, startDevServer } from "@secrets-action/dev-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { createJob, runStep, type StepResult } from "../support/github-runner.js";
import { assertNoLeaks } from "../support/leak-scanner.js";
import { RunnerMasker } from "../support/runner-masker.js";
import {
  ALL_VALUES,
  CIRCLECI_CLI,
  CLIENT,
  DEEPER,
  GITLAB_CLI,
  HOSTILE,
  INVALID,
  MANY,
  MANY_COUNT,
  MANY_PATTERN,
  MEGABYTE,
  NUL_VALUE,
  PROJECT,
  RESERVED,
  SENTINEL,
  VALID_NAMES,
  cliEnv,
  dumpScript,
  hostileSeed,
  pick,
  removeSandbox,
  runCli,
  runShell,
  scratch,
} from "./support-hostile.js";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer({ seed: hostileSeed(), log: false });
});
afterAll(async () => {
  await server?.close();
  removeSandbox();
});

const NAMES = Object.keys(HOSTILE);

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return { domain: server.url, "client-id": CLIENT.clientId, "client-secret": CLIENT.clientSecret, "project-slug": PROJECT.slug, "env-slug": "dev", ...extra };
}

/** Workflow commands the runner would execute: only the action's own (masks, annotations) may start a line. */
/** An exported file read back by readers other than ours: JSON.parse, the yaml package, core's dotenv parser. */
function readExport(format: "dotenv" | "json" | "yaml", text: string): Record<string, string> {
  if (format === "json") return JSON.parse(text) as Record<string, string>;
  if (format === "yaml") return parseYaml(text) as Record<string, string>;
  return Object.fromEntries(parseDotenv(text).map((variable) => [variable.name, variable.value]));
}

function foreignCommands(raw: string): string[] {
  return raw.split("\n").filter((line) => line.startsWith("::") && !/^::(add-mask|warning|error|debug|group|endgroup)::/.test(line));
}

function expectNothingRan(): void {
  expect(existsSync(SENTINEL), "a value ran a command").toBe(false);
}

function expectCleanStep(result: StepResult): void {
  expect(result.errors).toEqual([]);
  expect(result.exitCode).toBe(0);
  expect(foreignCommands(result.raw)).toEqual([]);
  assertNoLeaks(result.log, ALL_VALUES);
  expectNothingRan();
}

describe("the GitHub Action", () => {
  it("exports every hostile value to GITHUB_ENV byte for byte, with nothing injected and no workflow command reaching the runner", async () => {
    const result = await runStep({ inputs: inputs() });
    expectCleanStep(result);
    expect(result.env).toEqual(HOSTILE);
    // The masks went out escaped: a value's `::stop-commands::` or line breaks never start a command of their own.
    expect(result.masks).toContain(HOSTILE["STOP_COMMANDS"]);
    expect(result.masks).toContain(HOSTILE["SET_OUTPUT"]);
    for (const line of HOSTILE["WORKFLOW_LINES"]!.split("\n").filter((line) => line.length >= 6)) expect(result.masks).toContain(line);
    // The simulated runner honours ::stop-commands::; the log still shows the action's summary after the masks.
    expect(result.log).toContain(`Exported ${NAMES.length} environment variables:`);
  });

  it("sets every hostile value as a step output byte for byte", async () => {
    const result = await runStep({ inputs: inputs({ "export-type": "output" }) });
    expectCleanStep(result);
    const { "secret-count": count, ...outputs } = result.outputs;
    expect(outputs).toEqual(HOSTILE);
    expect(count).toBe(String(NAMES.length));
    expect(result.env).toEqual({});
  });

  it("writes dotenv, json and yaml files that parse back to exactly the values", async () => {
    for (const format of ["dotenv", "json", "yaml"] as const) {
      const result = await runStep({ inputs: inputs({ "export-type": "file", "file-format": format }) });
      expectCleanStep(result);
      const text = readFileSync(result.outputs["secrets-file"]!, "utf8");
      expect(readExport(format, text), format).toEqual(HOSTILE);
    }
  });

  it("writes a shell file that bash and dash both source to exactly the values, running nothing", async () => {
    const result = await runStep({ inputs: inputs({ "export-type": "file", "file-format": "shell" }) });
    expectCleanStep(result);
    const file = result.outputs["secrets-file"]!;
    const dir = scratch("shell");
    const dump = dumpScript(dir);
    for (const shell of ["bash", "dash"]) {
      const out = join(dir, `${shell}.json`);
      const sourced = await runShell(shell, `set -eu; . '${file}'; exec '${process.execPath}' '${dump}' '${out}'`, { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir });
      expect(sourced, shell).toEqual({ code: 0, output: "" });
      expect(pick(JSON.parse(readFileSync(out, "utf8")) as Record<string, string>, NAMES), shell).toEqual(HOSTILE);
    }
    expectNothingRan();
  });

  it("refuses a NUL in env and output, naming the key and why; the secret beside it is exported", async () => {
    for (const type of ["env", "output"] as const) {
      const result = await runStep({ inputs: inputs({ "secret-path": "/nul", "export-type": type }) });
      expect(result.exitCode).toBe(0);
      const exported = type === "env" ? result.env : result.outputs;
      expect(exported["NEXT_TO_NUL"]).toBe("next-to-nul-value");
      expect(exported["NUL_VALUE"]).toBeUndefined();
      expect(result.warnings.join("\n")).toMatch(/Refused 1 secret whose values? no environment variable can hold: "?NUL_VALUE"? \(its value contains a NUL character/);
      assertNoLeaks(result.log, ALL_VALUES);
    }
  });

  it("refuses a 1 MiB value for the environment, explaining the 128 KiB limit; a 100 KiB one goes through exactly", async () => {
    const result = await runStep({ inputs: inputs({ "secret-path": "/mega" }) });
    expect(result.exitCode).toBe(0);
    expect(result.env).toEqual({ NEXT_TO_MEGA: "next-to-mega-value" });
    expect(result.warnings.join("\n")).toMatch(/"?MEGABYTE"? \(its value is 1025 KiB; Linux refuses to start any program with a variable over 128 KiB/);
    expect(result.masks.includes(MEGABYTE), "the 1 MiB value is masked").toBe(true);
    assertNoLeaks(result.log, ALL_VALUES);
  });

  it("writes a 1 MiB value and a NUL to a json file exactly, where the environment's limits do not apply", async () => {
    const mega = await runStep({ inputs: inputs({ "secret-path": "/mega", "export-type": "file", "file-format": "json" }) });
    expect(mega.errors).toEqual([]);
    const megaFile = JSON.parse(readFileSync(mega.outputs["secrets-file"]!, "utf8")) as Record<string, string>;
    expect(Object.keys(megaFile)).toEqual(["MEGABYTE", "NEXT_TO_MEGA"]);
    expect(megaFile["MEGABYTE"] === MEGABYTE, "the 1 MiB value arrives exactly").toBe(true);
    const nul = await runStep({ inputs: inputs({ "secret-path": "/nul", "export-type": "file", "file-format": "yaml" }) });
    expect(nul.errors).toEqual([]);
    expect(parseYaml(readFileSync(nul.outputs["secrets-file"]!, "utf8"))).toEqual({ NUL_VALUE: "before\u0000after-nul", NEXT_TO_NUL: "next-to-nul-value" });
    assertNoLeaks(mega.log + nul.log, ALL_VALUES);
  });

  it(`exports ${MANY_COUNT} secrets exactly, masking each before the export, printing none`, async () => {
    // The shared masker re-sorts on every mask; 10 000 of them are checked by pattern instead.
    class CountingMasker extends RunnerMasker {
      count = 0;
      override add(): void {
        this.count++;
      }
      override apply(line: string): string {
        return line;
      }
    }
    const masker = new CountingMasker();
    const result = await runStep({ inputs: inputs({ "secret-path": "/many" }), masker });
    expect(result.errors).toEqual([]);
    expect(result.env).toEqual(MANY);
    expect(new Set(result.masks).size).toBeGreaterThanOrEqual(MANY_COUNT);
    const printed = result.raw.split("\n").filter((line) => !line.startsWith("::add-mask::"));
    expect(printed.filter((line) => MANY_PATTERN.test(line))).toEqual([]);
    expect(result.raw.indexOf("::add-mask::")).toBeLessThan(result.raw.indexOf("Exported"));
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it("refuses reserved names and skips invalid ones, naming each and why; every other secret arrives untouched", async () => {
    const result = await runStep({ inputs: inputs({ "secret-path": "/names" }) });
    expect(result.exitCode).toBe(0);
    expect(result.env).toEqual(VALID_NAMES);
    const warnings = result.warnings.join("\n");
    for (const name of Object.keys(RESERVED)) expect(warnings).toMatch(new RegExp(`"?${name}"? \\(${name} is reserved: `));
    for (const name of Object.keys(INVALID)) expect(warnings).toContain(name);
    expect(warnings).toMatch(/Skipped 4 secrets whose names cannot be environment variables/);
    expect(warnings).toMatch(/Refused 5 secrets whose names would change how the job runs/);
    assertNoLeaks(result.log, ALL_VALUES);
  });

  it("reports a collision under recursive by key and folders, the deepest winning; normalising onto an existing name fails naming both", async () => {
    const recursive = await runStep({ inputs: inputs({ "secret-path": "/names", recursive: "true" }) });
    expect(recursive.exitCode).toBe(0);
    expect(recursive.env).toEqual({ ...VALID_NAMES, ...DEEPER });
    expect(recursive.warnings.join("\n")).toContain("GOOD_NAME (/names, /names/deeper → /names/deeper)");

    const job = createJob();
    const normalised = await runStep({ job, inputs: inputs({ "secret-path": "/names", "invalid-names": "normalise" }) });
    expect(normalised.exitCode).toBe(1);
    expect(normalised.errors.join("\n")).toMatch(/A-B.*A_B|A_B.*A-B/);
    expect(normalised.env).toEqual({});
    assertNoLeaks(recursive.log + normalised.log, ALL_VALUES);
  });
});

describe("the GitLab CLI", () => {
  it("gives `run`'s command exactly the hostile values in its environment, running nothing else", async () => {
    const dir = scratch("gitlab-run");
    const out = join(dir, "env.json");
    const result = await runCli(GITLAB_CLI, ["run", "--", process.execPath, dumpScript(dir), out], cliEnv(server.url, { GITLAB_CI: "true" }));
    expect(result.code, result.stderr).toBe(0);
    expect(pick(JSON.parse(readFileSync(out, "utf8")) as Record<string, string>, NAMES)).toEqual(HOSTILE);
    expect(result.stdout).toBe("");
    assertNoLeaks(result.stdout + result.stderr, ALL_VALUES);
    expectNothingRan();
  });

  it("writes every export format so that it reads back exactly, and a shell file bash and dash source exactly", async () => {
    const dir = scratch("gitlab-export");
    const dump = dumpScript(dir);
    const logs: string[] = [];
    for (const format of ["dotenv", "json", "yaml", "shell"] as const) {
      const path = join(dir, `secrets.${format}`);
      const result = await runCli(GITLAB_CLI, ["export", "--format", format, "--output", path], cliEnv(server.url, { GITLAB_CI: "true" }));
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`${path}\n`);
      logs.push(result.stdout, result.stderr);
      const text = readFileSync(path, "utf8");
      if (format === "shell") {
        for (const shell of ["bash", "dash"]) {
          const out = join(dir, `${shell}.json`);
          const sourced = await runShell(shell, `set -eu; . '${path}'; exec '${process.execPath}' '${dump}' '${out}'`, { PATH: process.env["PATH"] ?? "/usr/bin:/bin" });
          expect(sourced, shell).toEqual({ code: 0, output: "" });
          expect(pick(JSON.parse(readFileSync(out, "utf8")) as Record<string, string>, NAMES), shell).toEqual(HOSTILE);
        }
        continue;
      }
      expect(readExport(format, text), format).toEqual(HOSTILE);
    }
    assertNoLeaks(logs.join("\n"), ALL_VALUES);
    expectNothingRan();
  });

  it("exports a 1 MiB value and a NUL exactly to json; dotenv refuses only the NUL, naming it; a shell file and `run` refuse both, as an environment", async () => {
    const dir = scratch("gitlab-limits");
    const env = cliEnv(server.url, { GITLAB_CI: "true" });
    const paths = ["--secret-path", "/nul", "--secret-path", "/mega"];
    const json = await runCli(GITLAB_CLI, ["export", ...paths, "--output", join(dir, "s.json")], env);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(readFileSync(join(dir, "s.json"), "utf8")) as Record<string, string>;
    expect(Object.keys(parsed).sort()).toEqual(["MEGABYTE", "NEXT_TO_MEGA", "NEXT_TO_NUL", "NUL_VALUE"]);
    expect(parsed["MEGABYTE"] === MEGABYTE && parsed["NUL_VALUE"] === NUL_VALUE, "exact values").toBe(true);
    const dotenv = await runCli(GITLAB_CLI, ["export", ...paths, "--output", join(dir, "s.env")], env);
    expect(dotenv.code, dotenv.stderr).toBe(0);
    expect(parseDotenv(readFileSync(join(dir, "s.env"), "utf8")).map((variable) => variable.name).sort()).toEqual(["MEGABYTE", "NEXT_TO_MEGA", "NEXT_TO_NUL"]);
    expect(dotenv.stderr).toContain('"NUL_VALUE" (its value contains a NUL character, which a dotenv or shell file cannot hold). Use the json or yaml format for them.');
    // A shell file is sourced into an environment: its limits apply, or every later program would fail to start.
    const shell = await runCli(GITLAB_CLI, ["export", ...paths, "--output", join(dir, "s.sh")], env);
    expect(shell.code, shell.stderr).toBe(0);
    expect(shell.stderr).toMatch(/Refused 2 secrets whose values no environment variable can hold/);
    const out = join(dir, "env.json");
    const sourced = await runShell("bash", `. '${join(dir, "s.sh")}'; exec '${process.execPath}' '${dumpScript(dir)}' '${out}'`, { PATH: process.env["PATH"] ?? "/usr/bin:/bin" });
    expect(sourced).toEqual({ code: 0, output: "" });
    expect(pick(JSON.parse(readFileSync(out, "utf8")) as Record<string, string>, ["NUL_VALUE", "MEGABYTE", "NEXT_TO_NUL", "NEXT_TO_MEGA"])).toEqual({ NEXT_TO_NUL: "next-to-nul-value", NEXT_TO_MEGA: "next-to-mega-value" });
    const run = await runCli(GITLAB_CLI, ["run", ...paths, "--", process.execPath, dumpScript(dir), out], env);
    expect(run.code, run.stderr).toBe(0);
    expect(pick(JSON.parse(readFileSync(out, "utf8")) as Record<string, string>, ["NUL_VALUE", "MEGABYTE", "NEXT_TO_NUL", "NEXT_TO_MEGA"])).toEqual({ NEXT_TO_NUL: "next-to-nul-value", NEXT_TO_MEGA: "next-to-mega-value" });
    expect(run.stderr).toMatch(/Refused 2 secrets whose values no environment variable can hold/);
    assertNoLeaks([json, dotenv, shell, run].map((result) => result.stdout + result.stderr).join("\n"), ALL_VALUES);
  });

  it("names each refused and skipped name on stderr and still runs the command with the rest", async () => {
    const dir = scratch("gitlab-names");
    const out = join(dir, "env.json");
    const result = await runCli(GITLAB_CLI, ["run", "--secret-path", "/names", "--recursive", "--", process.execPath, dumpScript(dir), out], cliEnv(server.url, { GITLAB_CI: "true" }));
    expect(result.code, result.stderr).toBe(0);
    const env = JSON.parse(readFileSync(out, "utf8")) as Record<string, string>;
    expect(pick(env, [...Object.keys(VALID_NAMES), ...Object.keys(DEEPER)])).toEqual({ ...VALID_NAMES, ...DEEPER });
    expect(env["PATH"]).toBe(process.env["PATH"]);
    expect(env["NODE_OPTIONS"]).toBeUndefined();
    for (const name of [...Object.keys(RESERVED), ...Object.keys(INVALID)]) expect(result.stderr).toContain(name);
    expect(result.stderr).toContain("GOOD_NAME (/names, /names/deeper → /names/deeper)");
    assertNoLeaks(result.stdout + result.stderr, ALL_VALUES);
  });
});

describe("the CircleCI CLI", () => {
  it("appends the hostile values to BASH_ENV so that a later bash step sees each exactly, and nothing runs", async () => {
    const dir = scratch("circleci");
    const bashEnv = join(dir, "bash_env");
    writeFileSync(bashEnv, "");
    const result = await runCli(CIRCLECI_CLI, ["load"], cliEnv(server.url, { CIRCLECI: "true", BASH_ENV: bashEnv }));
    expect(result.code, result.stderr).toBe(0);
    assertNoLeaks(result.stdout + result.stderr, ALL_VALUES);
    // A later step: bash sources $BASH_ENV before its command, as CircleCI's `bash -eo pipefail -c` does.
    const out = join(dir, "env.json");
    const later = await runShell("bash", `exec '${process.execPath}' '${dumpScript(dir)}' '${out}'`, { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir, BASH_ENV: bashEnv });
    expect(later).toEqual({ code: 0, output: "" });
    const env = JSON.parse(readFileSync(out, "utf8")) as Record<string, string>;
    expect(pick(env, NAMES)).toEqual(HOSTILE);
    expect(env["INJECTED_BY_EOF"]).toBeUndefined();
    expect(env["INJECTED_BY_DELIMITER"]).toBeUndefined();
    expectNothingRan();
  });

  it("refuses reserved names and skips invalid ones by name, reports the recursive collision, and loads the rest", async () => {
    const dir = scratch("circleci-names");
    const bashEnv = join(dir, "bash_env");
    writeFileSync(bashEnv, "");
    const result = await runCli(CIRCLECI_CLI, ["load", "--secret-path", "/names", "--recursive"], cliEnv(server.url, { CIRCLECI: "true", BASH_ENV: bashEnv }));
    expect(result.code, result.stderr).toBe(0);
    for (const name of [...Object.keys(RESERVED), ...Object.keys(INVALID)]) expect(result.stderr).toContain(`"${name}" (`);
    expect(result.stderr).toContain("GOOD_NAME (/names, /names/deeper → /names/deeper)");
    const out = join(dir, "env.json");
    const later = await runShell("bash", `exec '${process.execPath}' '${dumpScript(dir)}' '${out}'`, { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir, BASH_ENV: bashEnv });
    expect(later).toEqual({ code: 0, output: "" });
    const env = JSON.parse(readFileSync(out, "utf8")) as Record<string, string>;
    expect(pick(env, [...Object.keys(VALID_NAMES), ...Object.keys(DEEPER)])).toEqual({ ...VALID_NAMES, ...DEEPER });
    expect(env["PATH"]).toBe(process.env["PATH"]);
    expect(pick(env, ["NODE_OPTIONS", "LD_PRELOAD", "GITHUB_TOKEN"])).toEqual({});
    assertNoLeaks(result.stdout + result.stderr, ALL_VALUES);
  });

  it(`loads ${MANY_COUNT} secrets into BASH_ENV exactly`, async () => {
    const dir = scratch("circleci-many");
    const bashEnv = join(dir, "bash_env");
    writeFileSync(bashEnv, "");
    const result = await runCli(CIRCLECI_CLI, ["load", "--secret-path", "/many"], cliEnv(server.url, { CIRCLECI: "true", BASH_ENV: bashEnv }));
    expect(result.code, result.stderr).toBe(0);
    expect(MANY_PATTERN.test(result.stdout + result.stderr)).toBe(false);
    const out = join(dir, "env.json");
    const later = await runShell("bash", `exec '${process.execPath}' '${dumpScript(dir)}' '${out}'`, { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir, BASH_ENV: bashEnv });
    expect(later.code).toBe(0);
    expect(pick(JSON.parse(readFileSync(out, "utf8")) as Record<string, string>, Object.keys(MANY))).toEqual(MANY);
  });

  it("refuses a NUL and a 1 MiB value for BASH_ENV, naming each and why, and loads the rest", async () => {
    const dir = scratch("circleci-limits");
    const bashEnv = join(dir, "bash_env");
    writeFileSync(bashEnv, "");
    const result = await runCli(CIRCLECI_CLI, ["load", "--secret-path", "/nul", "--secret-path", "/mega"], cliEnv(server.url, { CIRCLECI: "true", BASH_ENV: bashEnv }));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/NUL_VALUE"? \(its value contains a NUL character/);
    expect(result.stderr).toMatch(/MEGABYTE"? \(its value is 1025 KiB/);
    const out = join(dir, "env.json");
    await runShell("bash", `exec '${process.execPath}' '${dumpScript(dir)}' '${out}'`, { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir, BASH_ENV: bashEnv });
    const env = JSON.parse(readFileSync(out, "utf8")) as Record<string, string>;
    expect(pick(env, ["NEXT_TO_NUL", "NEXT_TO_MEGA", "NUL_VALUE", "MEGABYTE"])).toEqual({ NEXT_TO_NUL: "next-to-nul-value", NEXT_TO_MEGA: "next-to-mega-value" });
    assertNoLeaks(result.stdout + result.stderr, ALL_VALUES);
  });
});
