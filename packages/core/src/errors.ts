/**
 * The error family. Match on `code`, never on `instanceof` or message text: each bundle carries its own copy of core.
 */

/** Stable error codes, one per kind of failure a person can act on. */
export type ErrorCode =
  | "CONFIG" // bad input, found before any request
  | "API" // the server answered with an error status
  | "NETWORK" // DNS, refused, reset, TLS
  | "TIMEOUT" // a request or the whole run exceeded its time
  | "PROTOCOL" // the server answered something we cannot read (not JSON, truncated, wrong shape)
  | "AUTH" // a login could not be done (missing JWT, bad credentials shape)
  | "CRYPTO" // decryption failed
  | "EXPORT" // a secret could not be exported (name, collision, refused)
  | "LEASE"; // dynamic secret lease problems

export interface SecretsActionErrorOptions {
  cause?: unknown;
  hint?: string;
}

/** Base error: `message` says what failed and why; `hint` says what to do. */
export class SecretsActionError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: SecretsActionErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SecretsActionError";
    this.code = code;
    this.hint = options.hint;
  }

  /** One line for a log: `<message> — <hint>`. Never contains a secret. */
  toLine(): string {
    return this.hint ? `${this.message} — ${this.hint}` : this.message;
  }
}

/** Every problem with the inputs, collected at once rather than the first one only. */
export class ConfigError extends SecretsActionError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super("CONFIG", problems.length === 1 ? (problems[0] ?? "") : `${problems.length} problems with the inputs: ${problems.join("; ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Whether an unknown thrown value is one of ours (works across bundle copies). */
export function isSecretsActionError(error: unknown): error is SecretsActionError {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string" &&
    typeof (error as { toLine?: unknown }).toLine === "function"
  );
}

/** Turn anything thrown into one printable line, keeping our hint. */
export function errorMessage(error: unknown): string {
  if (isSecretsActionError(error)) return error.toLine();
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
