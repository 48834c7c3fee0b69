/**
 * The CLI: argv and the environment in, an exit code out. Reads the command line once, reports every problem with
 * it together (exit 2, nothing sent), then runs the command; the one catch that turns a failure into one line.
 */
import type { Writable } from "node:stream";
import { errorMessage, isSecretsActionError } from "@secrets-action/core";
import { closest } from "@secrets-action/core/inputs";
import type { CliIo, Command, CommandContext } from "./command.js";
import { exportCommand } from "./commands/export.js";
import { leaseCommand } from "./commands/lease.js";
import { revokeCommand } from "./commands/revoke.js";
import { runCommand } from "./commands/run.js";
import type { BuiltinCommandName, CiConventions } from "./conventions.js";
import { EXIT } from "./exit-codes.js";
import { renderCommandHelp, renderGeneralHelp } from "./help.js";
import { createLogger } from "./logger.js";
import { type Env, OptionValues } from "./option-values.js";
import { OPTIONS, type OptionSpec } from "./options.js";
import { parseArgs } from "./parse-args.js";

/** Options of {@link runCli}. */
export interface RunCliOptions {
  readonly conventions: CiConventions;
  /** Default process.env. */
  readonly env?: Env;
  /** Default process.stdout, process.stderr and process (for signals). */
  readonly io?: Partial<CliIo>;
  /** Default process.cwd(). */
  readonly cwd?: string;
}

const BUILTINS: Record<BuiltinCommandName, Command> = { run: runCommand, export: exportCommand, lease: leaseCommand, revoke: revokeCommand };

/** The commands of a CI: the built-ins under their names for it, then its own. */
export function commandTable(conventions: CiConventions): Command[] {
  const builtins = (Object.keys(BUILTINS) as BuiltinCommandName[]).map((key) => {
    const name = conventions.commandNames?.[key] ?? key;
    const command = BUILTINS[key];
    return name === key ? command : { ...command, name };
  });
  return [...builtins, ...(conventions.commands ?? [])];
}

/** The option table with every command's own options. */
export function optionTable(commands: readonly Command[]): OptionSpec[] {
  const table = [...OPTIONS];
  for (const command of commands) {
    for (const option of command.options) if (!table.some((known) => known.name === option.name)) table.push(option);
  }
  return table;
}

/** Runs the CLI; resolves with the exit code. Never rejects. */
export async function runCli(argv: readonly string[], options: RunCliOptions): Promise<number> {
  const { conventions } = options;
  const env = options.env ?? process.env;
  const io: CliIo = {
    stdout: options.io?.stdout ?? process.stdout,
    stderr: options.io?.stderr ?? process.stderr,
    signals: options.io?.signals ?? process,
  };
  const commands = commandTable(conventions);
  const table = optionTable(commands);
  const byName = new Map(commands.map((command) => [command.name, command]));
  const parsed = parseArgs(argv, { options: table, takesCommand: (name) => byName.get(name)?.takesCommand === true });
  const values = new OptionValues(parsed.flags, env, table, conventions.defaults === undefined ? {} : { defaults: conventions.defaults });
  const quiet = values.boolean("quiet");
  const log = createLogger(io.stderr, { program: conventions.program, quiet });
  const print = (stream: Writable, text: string): number => {
    stream.write(text);
    return EXIT.OK;
  };

  if (parsed.flags.has("version")) return print(io.stdout, `${conventions.program} ${conventions.version}\n`);
  let name = parsed.command;
  let wantsHelp = parsed.flags.has("help");
  if (name === "help") {
    // `help run` is `run --help`.
    name = parsed.extra[0] ?? parsed.rest?.[0];
    wantsHelp = true;
  }
  if (name === undefined) {
    if (wantsHelp) return print(io.stdout, renderGeneralHelp(conventions, commands));
    io.stderr.write(renderGeneralHelp(conventions, commands));
    return EXIT.USAGE;
  }
  const command = byName.get(name);
  if (command === undefined) {
    const guess = closest(name, [...byName.keys()]);
    log.error(`${name}: unknown command.${guess ? ` Did you mean ${guess}?` : ""} Commands: ${[...byName.keys()].join(", ")}; see ${conventions.program} --help.`);
    return EXIT.USAGE;
  }
  if (wantsHelp) return print(io.stdout, renderCommandHelp(conventions, command, table));

  const problems = values.problems;
  problems.push(...parsed.problems);
  const accepted = new Set([...command.optionNames, "help", "version"]);
  for (const [option, occurrences] of parsed.flags) {
    if (accepted.has(option)) continue;
    const owner = commands.find((other) => other.optionNames.includes(option));
    problems.push(`${occurrences[0]?.spelled ?? `--${option}`}: not an option of ${command.name}${owner ? ` (it belongs to ${owner.name})` : ""}. See ${conventions.program} ${command.name} --help.`);
  }
  for (const word of parsed.extra) problems.push(`${word}: unexpected argument; ${command.name} takes none. See ${conventions.program} ${command.name} --help.`);
  if (parsed.rest !== undefined && !command.takesCommand && parsed.rest.length > 0) {
    problems.push(`${parsed.rest.join(" ")}: unexpected arguments after --; ${command.name} runs no command.`);
  }

  for (const [option, occurrences] of parsed.flags) {
    const spec = table.find((candidate) => candidate.name === option);
    if (spec?.secret === true && accepted.has(option)) {
      log.warn(`${occurrences[0]?.spelled ?? `--${option}`} was given on the command line, where other processes on the runner can read it; set ${spec.env?.[0] ?? "its variable"} instead.`);
    }
  }

  const context: CommandContext = { name: command.name, values, rest: parsed.rest, env, conventions, io, log, cwd: options.cwd ?? process.cwd() };
  try {
    const work = command.prepare(context);
    if (problems.length > 0) return reportProblems(problems, log, conventions, command.name);
    return await work();
  } catch (error) {
    if (isSecretsActionError(error) && error.code === "CONFIG") {
      const listed = (error as { problems?: readonly string[] }).problems;
      return reportProblems(listed && listed.length > 0 ? listed : [error.toLine()], log, conventions, command.name);
    }
    log.error(errorMessage(error));
    return EXIT.FAILURE;
  }
}

function reportProblems(problems: readonly string[], log: ReturnType<typeof createLogger>, conventions: CiConventions, command: string): number {
  for (const problem of problems) log.error(problem);
  log.error(`${problems.length === 1 ? "nothing was" : `${problems.length} problems; nothing was`} sent to the server. See ${conventions.program} ${command} --help.`);
  return EXIT.USAGE;
}
