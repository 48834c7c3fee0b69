import { ConfigError } from "../errors.js";
import { ExportError } from "./export-error.js";
import { ENV_NAME_PATTERN, invalidEnvNameReason, isValidEnvName, normaliseEnvName } from "./names.js";
import { reservedNameReason } from "./reserved.js";

/** One secret to export: its key in Infisical and its value. */
export interface ExportSecret {
  readonly key: string;
  readonly value: string;
}

/** One variable the plan exports: `name` is what the job sees, `key` the secret it came from. */
export interface ExportEntry {
  readonly name: string;
  readonly value: string;
  readonly key: string;
}

/** A secret the plan leaves out, and why (the reason names the key, never the value). */
export interface ExportProblem {
  readonly key: string;
  readonly reason: string;
}

/** What to export, what was left out, and what to tell the user. */
export interface ExportPlan {
  /** In the order of the input. */
  readonly entries: readonly ExportEntry[];
  /** Keys that are not valid names (without `normalise`), or empty. */
  readonly skipped: readonly ExportProblem[];
  /** Reserved names not in `allowReserved`, and values no environment variable can hold. */
  readonly refused: readonly ExportProblem[];
  /** One line each, ready for the log; never a value. */
  readonly warnings: readonly string[];
}

/** How names are chosen. Every option defaults to "off"; the defaults export valid, unreserved names as they are. */
export interface PlanExportOptions {
  /** Put in front of every name before it is checked, e.g. `TF_VAR_` (default ""). */
  prefix?: string;
  /** Put after every name before it is checked (default ""). */
  suffix?: string;
  /** Change the case of each key before prefix and suffix are added (default "preserve"). */
  nameCase?: "preserve" | "upper" | "lower";
  /**
   * Export invalid names after {@link normaliseEnvName} (`my-key` → `my_key`, `1X` → `_1X`) instead of skipping them
   * (default false). Two keys that end up with the same name are an error listing both.
   */
  normalise?: boolean;
  /**
   * Reserved names to export anyway, each named exactly as exported (after prefix and suffix), e.g. `["GITHUB_TOKEN"]`
   * (default none). There is deliberately no "allow all": a secret added later under a name such as `LD_PRELOAD`
   * must not slip through a switch that was turned on for another one.
   */
  allowReserved?: readonly string[];
  /** Fail with every problem listed instead of skipping invalid, reserved or unexportable secrets (default false). */
  strict?: boolean;
  /**
   * The runner's platform, as `process.platform` (default "linux"). On "win32" names that differ only in case
   * collide and reserved names match ignoring case; on "linux" values are checked against the kernel's 128 KiB
   * limit for one variable, on "win32" against Windows' 32,767 characters.
   */
  platform?: string;
  /**
   * Where the values go (default "environment"): "environment" refuses a NUL and a value over the platform's limit
   * for one variable; "text-file" (dotenv, shell) refuses only a NUL; "file" (json, yaml) holds any value.
   */
  destination?: "environment" | "text-file" | "file";
  /** How the adapter calls these options, so messages name the input the user writes (default: the option names). */
  inputNames?: Partial<Record<"prefix" | "suffix" | "nameCase" | "normalise" | "allowReserved" | "strict", string>>;
}

/** Linux refuses `execve` when one `NAME=value` string exceeds MAX_ARG_STRLEN (32 pages): every later program fails. */
const LINUX_MAX_VARIABLE_BYTES = 131_072;
/** Windows limits one environment variable's value to 32,767 characters. */
const WINDOWS_MAX_VALUE_CHARS = 32_767;

/** The front doors' one setting for names that cannot be exported as they are (`invalid-names`). */
export type InvalidNamePolicy = "skip" | "normalise" | "fail";

/** `invalid-names: skip | normalise | fail` as planExport's `normalise` and `strict` options. */
export function invalidNameOptions(policy: InvalidNamePolicy): Pick<PlanExportOptions, "normalise" | "strict"> {
  return { normalise: policy === "normalise", strict: policy === "fail" };
}

/**
 * Decide the name of every secret: apply case, prefix and suffix, then the name rules, the reserved list and the
 * platform's limits, collecting every problem. Invalid names are skipped and reserved or unexportable ones refused,
 * each with a warning — unless `strict`, when any of them fails the whole export. Two secrets that would set the
 * same variable always fail it: there is no right one to pick.
 * @throws ConfigError when `prefix`, `suffix` or `allowReserved` is malformed.
 * @throws ExportError listing every collision (and, with `strict`, every skipped or refused secret).
 */
export function planExport(secrets: readonly ExportSecret[], options: PlanExportOptions = {}): ExportPlan {
  const label = (option: keyof NonNullable<PlanExportOptions["inputNames"]>): string =>
    options.inputNames?.[option] ?? { normalise: "normalise: true", strict: "strict: true" }[option as string] ?? option;
  const prefix = options.prefix ?? "";
  const suffix = options.suffix ?? "";
  const platform = options.platform ?? "linux";
  const windows = platform === "win32";
  const allowReserved = options.allowReserved ?? [];
  const destination = options.destination ?? "environment";
  validateOptions(prefix, suffix, allowReserved, label);

  const warnings: string[] = [];
  const skipped: ExportProblem[] = [];
  const refused: ExportProblem[] = [];
  const refusedNames: ExportProblem[] = [];
  const refusedValues: ExportProblem[] = [];
  const renamed: string[] = [];
  const candidates: ExportEntry[] = [];
  const allowed = new Set(windows ? allowReserved.map((name) => name.toUpperCase()) : allowReserved);
  const nameCase = options.nameCase ?? "preserve";
  const reservedOptions = { platform };

  // Indexed: once per secret, in code V8 has not optimised yet, where for-of allocates at every step.
  for (let index = 0; index < secrets.length; index++) {
    const { key, value } = secrets[index] as ExportSecret;
    if (key === "") {
      skipped.push({ key, reason: "the key is empty" });
      continue;
    }
    let name = prefix + applyCase(key, nameCase) + suffix;
    const invalid = invalidEnvNameReason(name);
    if (invalid !== undefined) {
      const normalised = normaliseEnvName(name);
      if (options.normalise === true && isValidEnvName(normalised)) {
        renamed.push(`${quote(key)} → ${normalised}`);
        name = normalised;
      } else {
        const shown = name === key ? "it" : `its name ${quote(name)}`;
        skipped.push({ key, reason: `not a valid environment variable name: ${shown} ${invalid}` });
        continue;
      }
    }
    const unexportable = valueProblem(name, value, platform, destination);
    if (unexportable !== undefined) {
      refused.push({ key, reason: unexportable });
      refusedValues.push({ key, reason: unexportable });
      continue;
    }
    const reserved = reservedNameReason(name, reservedOptions);
    if (reserved !== undefined && !allowed.has(windows ? name.toUpperCase() : name)) {
      refused.push({ key, reason: `${name} is reserved: ${reserved}` });
      refusedNames.push({ key, reason: `${name} is reserved: ${reserved}` });
      continue;
    }
    candidates.push({ name, value, key });
  }

  const { entries, collisions } = resolveCollisions(candidates, windows);

  for (const name of allowReserved) {
    if (reservedNameReason(name, { platform }) === undefined) {
      warnings.push(`${label("allowReserved")}: ${quote(name)} is not a reserved name, so listing it changes nothing. Remove it.`);
    }
  }
  if (renamed.length > 0) {
    warnings.push(`Exported ${count(renamed.length, "secret")} under a normalised name: ${renamed.join(", ")}.`);
  }
  if (skipped.length > 0) {
    const list = skipped.map((problem) => `${quote(problem.key)} (${problem.reason})`).join(", ");
    const preview = skipped
      .map((problem) => normaliseEnvName(prefix + applyCase(problem.key, options.nameCase ?? "preserve") + suffix))
      .filter(isValidEnvName);
    const optIn =
      preview.length > 0
        ? `Set ${label("normalise")} to export them with _ for each invalid character (${preview.join(", ")}), or rename them in Infisical.`
        : "Rename them in Infisical.";
    warnings.push(`Skipped ${count(skipped.length, "secret")} whose names cannot be environment variables: ${list}. ${optIn}`);
  }
  if (refusedNames.length > 0) {
    const list = refusedNames.map((problem) => `${quote(problem.key)} (${problem.reason})`).join(", ");
    warnings.push(
      `Refused ${count(refusedNames.length, "secret")} whose names would change how the job runs: ${list}. ` +
        `Rename them, set ${label("prefix")}, or list each exported name in ${label("allowReserved")} to export it anyway.`,
    );
  }
  if (refusedValues.length > 0) {
    const list = refusedValues.map((problem) => `${quote(problem.key)} (${problem.reason})`).join(", ");
    warnings.push(
      destination === "environment"
        ? `Refused ${count(refusedValues.length, "secret")} whose values no environment variable can hold: ${list}. Export them to a file instead.`
        : `Refused ${count(refusedValues.length, "secret")} whose values a dotenv or shell file cannot hold: ${list}. Use the json or yaml format for them.`,
    );
  }

  const failures = [...collisions];
  if (options.strict === true) {
    for (const problem of [...skipped, ...refused]) failures.push(`${quote(problem.key)}: ${problem.reason}`);
  }
  if (failures.length > 0) {
    const hint =
      collisions.length > 0
        ? "Rename one secret of each pair in Infisical, or choose which folders to fetch, so every variable has one source."
        : `With ${label("strict")}, nothing is exported while any secret cannot be. Fix the secrets above, or remove ${label("strict")} to skip them with a warning.`;
    throw new ExportError(failures, hint);
  }
  return { entries, skipped, refused, warnings };
}

function validateOptions(
  prefix: string,
  suffix: string,
  allowReserved: readonly string[],
  label: (option: "prefix" | "suffix" | "allowReserved") => string,
): void {
  const problems: string[] = [];
  if (prefix !== "" && !ENV_NAME_PATTERN.test(prefix)) {
    const fixed = normaliseEnvName(prefix);
    problems.push(
      `${label("prefix")}: ${quote(prefix)} cannot start an environment variable name (letters, digits and _, not starting with a digit). Did you mean ${fixed}?`,
    );
  }
  if (suffix !== "" && !/^[A-Za-z0-9_]+$/.test(suffix)) {
    problems.push(`${label("suffix")}: ${quote(suffix)} cannot end an environment variable name (letters, digits and _ only). Did you mean ${suffix.replace(/[^A-Za-z0-9_]/gu, "_")}?`);
  }
  for (const name of allowReserved) {
    if (!isValidEnvName(name)) {
      problems.push(`${label("allowReserved")}: ${quote(name)} is not an environment variable name. List names exactly as exported, e.g. GITHUB_TOKEN.`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

function applyCase(key: string, nameCase: "preserve" | "upper" | "lower"): string {
  if (nameCase === "upper") return key.toUpperCase();
  if (nameCase === "lower") return key.toLowerCase();
  return key;
}

function valueProblem(name: string, value: string, platform: string, destination: NonNullable<PlanExportOptions["destination"]>): string | undefined {
  // A file is not an environment: only a NUL in a text format is a problem there.
  if (destination === "file") return undefined;
  if (destination === "text-file") return value.includes("\0") ? "its value contains a NUL character, which a dotenv or shell file cannot hold" : undefined;
  if (value.includes("\0")) return "its value contains a NUL character, which no environment variable can hold";
  // A UTF-16 unit is at most 3 bytes of UTF-8: most values are far below the limit without counting their bytes.
  if (platform === "linux" && (name.length + value.length) * 3 + 2 > LINUX_MAX_VARIABLE_BYTES) {
    const bytes = Buffer.byteLength(name) + 1 + Buffer.byteLength(value) + 1;
    if (bytes > LINUX_MAX_VARIABLE_BYTES) {
      return `its value is ${Math.ceil(bytes / 1024)} KiB; Linux refuses to start any program with a variable over 128 KiB, so every later step would fail`;
    }
  }
  if (platform === "win32" && value.length > WINDOWS_MAX_VALUE_CHARS) {
    return `its value is ${value.length} characters; Windows holds at most ${WINDOWS_MAX_VALUE_CHARS} in one variable`;
  }
  return undefined;
}

function resolveCollisions(candidates: ExportEntry[], windows: boolean): { entries: ExportEntry[]; collisions: string[] } {
  const slotOf = (entry: ExportEntry): string => (windows ? entry.name.toUpperCase() : entry.name);
  // Thousands of names go through here and almost never one twice: a set of names decides that, and only a repeat
  // takes the slower path below. (Indexed: in code V8 has not optimised yet, for-of allocates at every step.)
  const seen = new Set<string>();
  let repeats = false;
  for (let index = 0; index < candidates.length && !repeats; index++) {
    const slot = slotOf(candidates[index] as ExportEntry);
    repeats = seen.has(slot);
    seen.add(slot);
  }
  return repeats ? groupRepeats(candidates, slotOf) : { entries: candidates, collisions: [] };
}

/** Each name's first entry, and every distinct entry of a name set more than once (same key and value twice is one). */
function groupRepeats(candidates: readonly ExportEntry[], slotOf: (entry: ExportEntry) => string): { entries: ExportEntry[]; collisions: string[] } {
  const first = new Map<string, ExportEntry>();
  const groups = new Map<string, ExportEntry[]>();
  for (const entry of candidates) {
    const slot = slotOf(entry);
    const earlier = first.get(slot);
    if (earlier === undefined) {
      first.set(slot, entry);
      continue;
    }
    const group = groups.get(slot) ?? [earlier];
    if (!group.some((other) => other.key === entry.key && other.value === entry.value)) group.push(entry);
    groups.set(slot, group);
  }
  const collisions: string[] = [];
  const clashing = new Set<string>();
  for (const slot of first.keys()) {
    const group = groups.get(slot);
    if (group === undefined || group.length < 2) continue;
    clashing.add(slot);
    const keys = [...new Set(group.map((entry) => entry.key))];
    const names = [...new Set(group.map((entry) => entry.name))];
    if (keys.length === 1) {
      collisions.push(`${quote(keys[0] ?? "")} appears ${group.length} times with different values`);
    } else if (names.length === 1) {
      collisions.push(`${keys.map(quote).join(" and ")} would ${keys.length === 2 ? "both" : "all"} be exported as ${names[0] ?? ""}`);
    } else {
      collisions.push(`${keys.map(quote).join(" and ")} would be exported as ${names.join(" and ")}, which are one variable on Windows`);
    }
  }
  const entries = candidates.filter((entry) => {
    const slot = slotOf(entry);
    return first.get(slot) === entry && !clashing.has(slot);
  });
  return { entries, collisions };
}

function quote(key: string): string {
  return JSON.stringify(key);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
