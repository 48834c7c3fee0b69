/**
 * Each option's value, from the first of: its flag, its environment variables, its default. Typed readers collect
 * problems instead of throwing, and every message names the option the way the user set it — `--domain` when given
 * as a flag, `INFISICAL_DOMAIN` when read from the environment.
 */
import { closest } from "@secrets-action/core/inputs";
import { type OptionSpec, optionSpec } from "./options.js";
import type { FlagOccurrence } from "./parse-args.js";

/** The job's environment, read once at the edge. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where a value came from. */
export type ValueSource = "flag" | "env" | "default" | "none";

interface Resolved {
  readonly texts: readonly string[];
  readonly source: ValueSource;
  /** `--domain`, `INFISICAL_DOMAIN`, or `--domain` for defaults and absent options. */
  readonly label: string;
}

const TRUE_WORDS = new Set(["true", "True", "TRUE"]);
const FALSE_WORDS = new Set(["false", "False", "FALSE"]);

/** Splits list text on commas and newlines (or newlines only), trimming items and dropping blanks. */
export function splitList(text: string, separator: OptionSpec["separator"] = "comma-newline"): string[] {
  return text
    .split(separator === "newline" ? /\r?\n/ : /[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** Options of {@link OptionValues}. */
export interface OptionValuesOptions {
  /** Defaults that replace the table's for one CI, by option name (e.g. the OIDC token variable). */
  readonly defaults?: Readonly<Record<string, string>>;
}

/** Every option's value and the problems found reading them. */
export class OptionValues {
  /** One line each; the caller adds its own and throws one ConfigError with all of them. */
  readonly problems: string[] = [];
  private readonly resolved = new Map<string, Resolved>();

  constructor(
    private readonly flags: ReadonlyMap<string, readonly FlagOccurrence[]>,
    private readonly env: Env,
    private readonly table: readonly OptionSpec[],
    private readonly options: OptionValuesOptions = {},
  ) {}

  /** The spec of an option in this table. */
  spec(name: string): OptionSpec {
    return optionSpec(name, this.table);
  }

  private resolve(name: string): Resolved {
    const cached = this.resolved.get(name);
    if (cached !== undefined) return cached;
    const spec = this.spec(name);
    let result: Resolved;
    const given = this.flags.get(name);
    const fromEnv = (spec.env ?? []).find((variable) => (this.env[variable] ?? "").trim() !== "");
    const fallback = this.options.defaults?.[name] ?? spec.default;
    if (given !== undefined && given.length > 0) {
      result = { texts: given.map((occurrence) => occurrence.value), source: "flag", label: given[given.length - 1]?.spelled ?? `--${name}` };
    } else if (fromEnv !== undefined) {
      result = { texts: [this.env[fromEnv] ?? ""], source: "env", label: fromEnv };
    } else if (fallback !== undefined) {
      result = { texts: [fallback], source: "default", label: `--${name}` };
    } else {
      result = { texts: [], source: "none", label: `--${name}` };
    }
    this.resolved.set(name, result);
    return result;
  }

  /** Where the value came from. */
  source(name: string): ValueSource {
    return this.resolve(name).source;
  }

  /** True when the flag or one of its variables sets it (a default does not count). */
  isSet(name: string): boolean {
    const source = this.source(name);
    return source === "flag" || source === "env";
  }

  /** How to name the option in a message about its value: the flag or variable it came from. */
  label(name: string): string {
    return this.resolve(name).label;
  }

  /** How to name an option that is missing: every way to set it. */
  ways(name: string): string {
    const spec = this.spec(name);
    const variables = spec.env ?? [];
    return variables.length === 0 ? `--${name}` : `--${name} (or ${variables.join(" / ")})`;
  }

  /** The text, trimmed; undefined when unset or blank. */
  string(name: string): string | undefined {
    const texts = this.resolve(name).texts;
    const last = texts[texts.length - 1]?.trim();
    return last === undefined || last === "" ? undefined : last;
  }

  /** The text, or a problem `<ways>: required <why>.` and "". */
  required(name: string, why: string): string {
    const value = this.string(name);
    if (value === undefined) this.problems.push(`${this.ways(name)}: required ${why}.`);
    return value ?? "";
  }

  /** true/false (the YAML words only: `yes`, `1` and `on` are refused, so a typo cannot flip a switch). */
  boolean(name: string): boolean {
    const value = this.string(name) ?? "false";
    if (TRUE_WORDS.has(value)) return true;
    if (FALSE_WORDS.has(value)) return false;
    this.problems.push(`${this.label(name)}: "${value}" is not a boolean. Use true or false.`);
    return false;
  }

  /** A whole number within the spec's range. */
  integer(name: string): number {
    const spec = this.spec(name);
    const min = spec.min ?? 0;
    const max = spec.max ?? Number.MAX_SAFE_INTEGER;
    const value = this.string(name) ?? spec.default ?? String(min);
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
      this.problems.push(`${this.label(name)}: "${value}" must be a whole number from ${min} to ${max}.`);
      return Number(spec.default ?? min);
    }
    return parsed;
  }

  /** One of the spec's choices; undefined when unset and without default. */
  choice<T extends string>(name: string): T | undefined {
    const spec = this.spec(name);
    const choices = spec.choices ?? [];
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (choices.includes(value)) return value as T;
    const guess = closest(value, choices);
    this.problems.push(`${this.label(name)}: "${value}" is not one of ${choices.join(", ")}.${guess ? ` Did you mean ${guess}?` : ""}`);
    return (spec.default ?? undefined) as T | undefined;
  }

  /** Every item: each flag occurrence and the variable are split by the spec's separator. */
  list(name: string): string[] {
    const spec = this.spec(name);
    return this.resolve(name).texts.flatMap((text) => splitList(text, spec.separator));
  }
}
