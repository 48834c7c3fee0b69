/**
 * The command table's entries. A command is defined in two phases so that every problem is reported before any
 * work: `configure` reads its options (collecting problems, sending nothing), `execute` does the work.
 */
import type { Writable } from "node:stream";
import type { CiConventions } from "./conventions.js";
import type { Logger } from "./logger.js";
import type { Env, OptionValues } from "./option-values.js";
import type { OptionSpec } from "./options.js";

/** Where signals come from: `process`, or an EventEmitter in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** The CLI's streams. */
export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly signals: SignalSource;
}

/** What a command gets to work with. */
export interface CommandContext {
  /** The name it was called by. */
  readonly name: string;
  /** Its options' values; problems found while reading them go to `values.problems`. */
  readonly values: OptionValues;
  /** The command to run after its options (commands with `takesCommand` only). */
  readonly rest: readonly string[] | undefined;
  readonly env: Env;
  readonly conventions: CiConventions;
  readonly io: CliIo;
  readonly log: Logger;
  /** The current directory, for relative paths. */
  readonly cwd: string;
}

/** A command as the CLI runs it. Build one with {@link defineCommand}. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** After `<program> <command>` in the usage line, e.g. `[options] [--] <command> [args…]`. */
  readonly usage: string;
  /** Paragraphs for `--help`. */
  readonly details: readonly string[];
  /** The options it takes, by name; `help` and `version` are always accepted. */
  readonly optionNames: readonly string[];
  /** Options only this command has; they join the table. */
  readonly options: readonly OptionSpec[];
  /** Whether its first word after the options starts a command to run (as with `env` or `sudo`). */
  readonly takesCommand: boolean;
  /** Reads the options into a plan (adding to `values.problems`), and returns the work to do when there are none. */
  prepare(context: CommandContext): () => Promise<number>;
}

/** A command's definition, typed by the plan `configure` hands to `execute`. */
export interface CommandDefinition<Plan> {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly details?: readonly string[];
  readonly optionNames: readonly string[];
  readonly options?: readonly OptionSpec[];
  readonly takesCommand?: boolean;
  /** Reads every option it needs; records problems in `context.values.problems`; sends nothing, starts nothing. */
  configure(context: CommandContext): Plan;
  /**
   * Does the work; resolves with the exit code. Throwing a SecretsActionError fails with its one line (exit 1, or 2
   * for a ConfigError).
   */
  execute(plan: Plan, context: CommandContext): Promise<number>;
}

/** Turns a definition into a table entry. */
export function defineCommand<Plan>(definition: CommandDefinition<Plan>): Command {
  return {
    name: definition.name,
    summary: definition.summary,
    usage: definition.usage,
    details: definition.details ?? [],
    optionNames: definition.optionNames,
    options: definition.options ?? [],
    takesCommand: definition.takesCommand ?? false,
    prepare(context) {
      const plan = definition.configure(context);
      return () => definition.execute(plan, context);
    },
  };
}

/** A command under another name (CircleCI's `exec` is `run`). */
export function renameCommand(command: Command, name: string): Command {
  return { ...command, name, prepare: (context) => command.prepare(context) };
}
