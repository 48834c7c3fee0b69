import { SecretsActionError } from "../errors.js";

/**
 * A secret could not be exported: an invalid or reserved name, a collision, a value an environment cannot hold, or a
 * writer asked to write something its format cannot represent. Code `EXPORT`. `problems` lists every problem found,
 * each naming the secret's key — never its value.
 */
export class ExportError extends SecretsActionError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], hint?: string) {
    const message =
      problems.length === 1 ? (problems[0] ?? "") : `${problems.length} secrets cannot be exported: ${problems.join("; ")}`;
    super("EXPORT", message, hint === undefined ? {} : { hint });
    this.name = "ExportError";
    this.problems = problems;
  }
}
