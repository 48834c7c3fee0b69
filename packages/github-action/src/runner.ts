/**
 * The GitHub runner's protocol, the few verbs this action needs: workflow commands on stdout (masks, annotations,
 * groups) and file commands (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE). Each file command is appended in ONE write, so
 * 5 000 secrets cost one system call, and a failure before it leaves the file untouched.
 */
import { appendFileSync } from "node:fs";
import type { RunnerEnv } from "./config.js";

/** Where the protocol's output goes; tests and the demo may capture it. */
export interface RunnerIo {
  write(text: string): void;
}

const stdoutIo: RunnerIo = { write: (text) => void process.stdout.write(text) };

/** Escapes command data as the runner expects (`%`, CR, LF). */
export function escapeData(value: string): string {
  // indexOf, not a regular expression: this runs once per mask, thousands of times in a large project.
  if (value.indexOf("%") < 0 && value.indexOf("\r") < 0 && value.indexOf("\n") < 0) return value;
  return value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A logger and masker bound to one step. */
export class Runner {
  constructor(
    private readonly env: RunnerEnv,
    private readonly io: RunnerIo = stdoutIo,
  ) {}

  /** Registers a value with the runner's masker; from the next line on it prints as `***`. */
  mask(value: string): void {
    this.maskAll([value]);
  }

  /** Registers many values in one write (thousands of secrets would otherwise cost a system call each). */
  maskAll(values: readonly string[]): void {
    let text = "";
    for (let index = 0; index < values.length; index++) {
      const value = values[index] as string;
      if (value.trim() !== "") text += `::add-mask::${escapeData(value)}\n`;
    }
    if (text !== "") this.io.write(text);
  }

  info(message: string): void {
    this.io.write(`${message}\n`);
  }

  debug(message: string): void {
    this.io.write(`::debug::${escapeData(message)}\n`);
  }

  warning(message: string): void {
    this.io.write(`::warning::${escapeData(message)}\n`);
  }

  error(message: string): void {
    this.io.write(`::error::${escapeData(message)}\n`);
  }

  group(title: string): void {
    this.io.write(`::group::${escapeData(title)}\n`);
  }

  endGroup(): void {
    this.io.write("::endgroup::\n");
  }

  /** Appends prepared file-command text to GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STATE in one write. */
  appendFileCommand(kind: "GITHUB_ENV" | "GITHUB_OUTPUT" | "GITHUB_STATE", content: string): void {
    if (content === "") return;
    const path = this.env[kind];
    if (!path) {
      throw new Error(`${kind} is not set: this does not look like a GitHub Actions runner (runner 2.297.0 or newer is needed)`);
    }
    appendFileSync(path, content, { encoding: "utf8" });
  }
}
