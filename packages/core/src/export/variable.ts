import { ExportError } from "./export-error.js";
import { invalidEnvNameReason } from "./names.js";

/** A name and a value, as every writer takes them and every reader returns them. An {@link ExportEntry} is one. */
export interface ExportVariable {
  readonly name: string;
  readonly value: string;
}

/** What a format can hold, for {@link checkVariables}. */
export interface FormatLimits {
  /** The format's name for messages, e.g. "dotenv". */
  readonly format: string;
  /** Names must match ENV_NAME_PATTERN (true for formats that become environment variables). */
  readonly envNames: boolean;
  /** Values must not contain NUL (true for formats read by a shell or into an environment). */
  readonly noNul: boolean;
}

/**
 * Refuse what a writer cannot write exactly: an invalid name where the format needs environment names, the same name
 * twice (readers would keep only one), a NUL where the format cannot hold one. Writers are public on their own, so
 * each checks its input even though planExport has already planned it.
 * @throws ExportError listing every problem, naming keys and never values.
 */
export function checkVariables(variables: readonly ExportVariable[], limits: FormatLimits): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  // Indexed: once per variable, in code V8 has not optimised yet, where for-of allocates at every step.
  for (let index = 0; index < variables.length; index++) {
    const { name, value } = variables[index] as ExportVariable;
    if (limits.envNames) {
      const invalid = invalidEnvNameReason(name);
      if (invalid !== undefined) problems.push(`${limits.format}: the name ${JSON.stringify(name)} ${invalid}, so it cannot be written`);
    } else if (name === "") {
      problems.push(`${limits.format}: a name is empty`);
    }
    if (seen.has(name)) problems.push(`${limits.format}: ${JSON.stringify(name)} is given twice`);
    seen.add(name);
    if (limits.noNul && value.includes("\0")) problems.push(`${limits.format}: the value of ${JSON.stringify(name)} contains a NUL character, which the format cannot hold`);
  }
  if (problems.length > 0) throw new ExportError(problems, "Plan the export with planExport, which skips or refuses such secrets with a warning.");
}
