/**
 * The command line, read once: `<program> [options] <command> [options] [--] [command to run…]`. Syntax only — which
 * options a command takes and what their values mean is checked later, so that every problem is reported together.
 */
import { closest } from "@secrets-action/core/inputs";
import type { OptionSpec } from "./options.js";

/** One occurrence of a flag, with how the user spelled it (for messages). */
export interface FlagOccurrence {
  readonly value: string;
  /** e.g. `--path` for the `secret-path` option, or `-o`. */
  readonly spelled: string;
}

/** What the command line says. */
export interface ParsedArgs {
  /** The first word that is not an option, if any. */
  readonly command: string | undefined;
  /** Option name → every occurrence, in order. */
  readonly flags: ReadonlyMap<string, readonly FlagOccurrence[]>;
  /**
   * The command to run: the words after `--`, or from the first word after the command name for commands that take
   * one. `undefined` when there is none.
   */
  readonly rest: readonly string[] | undefined;
  /** Words after the command name that are neither options nor a command to run. */
  readonly extra: readonly string[];
  /** Syntax problems, one line each. */
  readonly problems: readonly string[];
}

/** Options of {@link parseArgs}. */
export interface ParseArgsOptions {
  /** The option table. */
  readonly options: readonly OptionSpec[];
  /** Whether the named command takes a command to run, so that its first word ends the options (as `env` does). */
  readonly takesCommand: (command: string) => boolean;
}

/** Parses `argv` (without node and the script). Never throws: problems are collected. */
export function parseArgs(argv: readonly string[], options: ParseArgsOptions): ParsedArgs {
  const byName = new Map<string, OptionSpec>();
  const byShort = new Map<string, OptionSpec>();
  for (const spec of options.options) {
    byName.set(spec.name, spec);
    for (const alias of spec.aliases ?? []) byName.set(alias, spec);
    if (spec.short !== undefined) byShort.set(spec.short, spec);
  }
  const known = [...byName.keys()].map((name) => `--${name}`);
  const flags = new Map<string, FlagOccurrence[]>();
  const problems: string[] = [];
  const extra: string[] = [];
  let command: string | undefined;
  let rest: string[] | undefined;

  const add = (spec: OptionSpec, value: string, spelled: string): void => {
    const list = flags.get(spec.name);
    if (list === undefined) flags.set(spec.name, [{ value, spelled }]);
    else list.push({ value, spelled });
  };

  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] ?? "";
    if (word === "--") {
      rest = argv.slice(index + 1);
      break;
    }
    if (word.startsWith("--")) {
      const equals = word.indexOf("=");
      const name = word.slice(2, equals < 0 ? undefined : equals);
      const inline = equals < 0 ? undefined : word.slice(equals + 1);
      let spec = byName.get(name);
      let negated = false;
      const spelled = `--${name}`;
      if (spec === undefined && name.startsWith("no-")) {
        const positive = byName.get(name.slice(3));
        if (positive?.type === "boolean") {
          spec = positive;
          negated = true;
        } else if (positive !== undefined) {
          problems.push(`${spelled}: --${name.slice(3)} is not a switch. Leave it out for its default, or give it a value.`);
          continue;
        }
      }
      if (spec === undefined) {
        const guess = closest(spelled, known);
        problems.push(`${spelled}: unknown option.${guess ? ` Did you mean ${guess}?` : " See --help for the options."}`);
        continue;
      }
      if (spec.type === "boolean") {
        if (negated && inline !== undefined) problems.push(`${spelled}: takes no value.`);
        else add(spec, negated ? "false" : (inline ?? "true"), spelled);
        continue;
      }
      if (inline !== undefined) {
        add(spec, inline, spelled);
        continue;
      }
      const next = argv[index + 1];
      if (next === undefined || (next.startsWith("--") && (next === "--" || byName.has(next.slice(2).split("=")[0] ?? "")))) {
        problems.push(`${spelled}: needs a value${spec.placeholder ? ` (${spec.placeholder})` : ""}.`);
        continue;
      }
      add(spec, next, spelled);
      index++;
      continue;
    }
    if (word.startsWith("-") && word.length > 1) {
      const letter = word[1] ?? "";
      const spec = byShort.get(letter);
      const spelled = `-${letter}`;
      if (spec === undefined) {
        problems.push(`${word}: unknown option. See --help for the options.`);
        continue;
      }
      if (spec.type === "boolean") {
        if (word.length > 2) problems.push(`${word}: unknown option. Give one-letter options separately (${spelled}).`);
        else add(spec, "true", spelled);
        continue;
      }
      if (word.length > 2) {
        add(spec, word.slice(word[2] === "=" ? 3 : 2), spelled);
        continue;
      }
      const next = argv[index + 1];
      if (next === undefined) {
        problems.push(`${spelled}: needs a value${spec.placeholder ? ` (${spec.placeholder})` : ""}.`);
        continue;
      }
      add(spec, next, spelled);
      index++;
      continue;
    }
    if (command === undefined) {
      command = word;
      continue;
    }
    if (options.takesCommand(command)) {
      rest = argv.slice(index);
      break;
    }
    extra.push(word);
  }
  return { command, flags, rest, extra, problems };
}
