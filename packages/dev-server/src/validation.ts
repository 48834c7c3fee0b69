import { validationFailure, type ValidationIssue } from "./errors.js";

/**
 * Request validation with zod's issue format, so a 422 reads like the real server's
 * (`{code, expected, received, path, message}`). Readers collect every issue; `done()` throws them all at once.
 */

/** A plain JSON object (not null, not an array). */
export const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** zod's name for the type of a value, as used in `received`. */
export const zodTypeOf = (value: unknown): string => {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && Number.isNaN(value)) return "nan";
  return typeof value;
};

/** A bag of input fields (a parsed JSON body or a query string) read with zod-like rules. */
export class Validator {
  private readonly issues: ValidationIssue[] = [];

  constructor(private readonly source: Record<string, unknown>, private readonly prefix: (string | number)[] = []) {}

  /** Wraps any parsed body; a non-object body is one `invalid_type` issue. */
  static forBody(body: unknown): Validator {
    if (isRecord(body)) return new Validator(body);
    const validator = new Validator({});
    validator.issue({
      code: "invalid_type",
      expected: "object",
      received: zodTypeOf(body),
      path: [],
      message: body === undefined ? "Required" : `Expected object, received ${zodTypeOf(body)}`,
    });
    return validator;
  }

  issue(issue: ValidationIssue): void {
    this.issues.push({ ...issue, path: [...this.prefix, ...issue.path] });
  }

  private typeIssue(key: string, expected: string, value: unknown): undefined {
    const received = zodTypeOf(value);
    this.issue({
      code: "invalid_type",
      expected,
      received,
      path: [key],
      message: received === "undefined" ? "Required" : `Expected ${expected}, received ${received}`,
    });
    return undefined;
  }

  raw(key: string): unknown {
    return this.source[key];
  }

  /** `z.string().trim()` (required). */
  string(key: string, options: { trim?: boolean } = {}): string {
    const value = this.source[key];
    if (typeof value !== "string") {
      this.typeIssue(key, "string", value);
      return "";
    }
    return options.trim === false ? value : value.trim();
  }

  /** `z.string().trim().optional()`; `defaultValue` when absent. */
  optionalString(key: string, options: { trim?: boolean } = {}): string | undefined {
    const value = this.source[key];
    if (value === undefined) return undefined;
    if (typeof value !== "string") return this.typeIssue(key, "string", value);
    return options.trim === false ? value : value.trim();
  }

  /** `z.string().nullable().optional()`. */
  nullableString(key: string): string | null | undefined {
    const value = this.source[key];
    if (value === null) return null;
    return this.optionalString(key, { trim: false });
  }

  /** `z.boolean().optional()` (`nullish` when `allowNull`). */
  optionalBoolean(key: string, allowNull = false): boolean | undefined {
    const value = this.source[key];
    if (value === undefined || (allowNull && value === null)) return undefined;
    if (typeof value !== "boolean") return this.typeIssue(key, "boolean", value);
    return value;
  }

  /** `z.number().nullable().optional()`. */
  nullableNumber(key: string): number | null | undefined {
    const value = this.source[key];
    if (value === undefined) return undefined;
    if (value === null) return null;
    if (typeof value !== "number" || Number.isNaN(value)) return this.typeIssue(key, "number", value);
    return value;
  }

  /** `z.string().array().optional()`. */
  optionalStringArray(key: string): string[] | undefined {
    const value = this.source[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return this.typeIssue(key, "array", value);
    const out: string[] = [];
    value.forEach((item: unknown, index) => {
      if (typeof item === "string") out.push(item);
      else
        this.issue({
          code: "invalid_type",
          expected: "string",
          received: zodTypeOf(item),
          path: [key, index],
          message: `Expected string, received ${zodTypeOf(item)}`,
        });
    });
    return out;
  }

  /** `z.enum([...])` with a default. */
  enumValue<T extends string>(key: string, options: readonly T[], defaultValue: T): T {
    const value = this.source[key];
    if (value === undefined) return defaultValue;
    if (typeof value !== "string") {
      this.typeIssue(key, options.map((o) => `'${o}'`).join(" | "), value);
      return defaultValue;
    }
    if (!(options as readonly string[]).includes(value)) {
      this.issue({
        received: value,
        code: "invalid_enum_value",
        options: [...options],
        path: [key],
        message: `Invalid enum value. Expected ${options.map((o) => `'${o}'`).join(" | ")}, received '${value}'`,
      });
      return defaultValue;
    }
    return value as T;
  }

  /** A query flag: only the strings "true" and "false" (`convertStringBoolean` on the real server). */
  queryBoolean(key: string, defaultValue: boolean): boolean {
    return this.enumValue(key, ["true", "false"] as const, defaultValue ? "true" : "false") === "true";
  }

  /** `z.coerce.number().optional()`. */
  coercedNumber(key: string): number | undefined {
    const value = this.source[key];
    if (value === undefined) return undefined;
    const number = Number(value);
    if (Number.isNaN(number)) return this.typeIssue(key, "number", Number.NaN);
    return number;
  }

  /** An array of objects, each read by `read` with its own path prefix. */
  objectArray<T>(key: string, read: (item: Validator) => T, options: { min?: number } = {}): T[] {
    const value = this.source[key];
    if (!Array.isArray(value)) {
      this.typeIssue(key, "array", value);
      return [];
    }
    const min = options.min ?? 0;
    if (value.length < min) {
      this.issue({
        code: "too_small",
        minimum: min,
        type: "array",
        inclusive: true,
        exact: false,
        message: `Array must contain at least ${min} element(s)`,
        path: [key],
      });
    }
    return value.map((item: unknown, index) => {
      const nested = Validator.forBody(item);
      const result = read(nested);
      for (const issue of nested.issues) this.issue({ ...issue, path: [key, index, ...issue.path] });
      return result;
    });
  }

  /** A refinement that failed: `{code:"custom"}`. */
  custom(key: string, message: string): void {
    this.issue({ code: "custom", message, path: [key] });
  }

  /** Throws every collected issue as one 422. */
  done(): void {
    if (this.issues.length > 0) throw validationFailure(this.issues);
  }
}

/** `removeTrailingSlash` of the real server: one trailing slash goes, except on the root. */
export const removeTrailingSlash = (path: string): string => (path !== "/" && path.endsWith("/") ? path.slice(0, -1) : path);

/** The secret value rule of the real routers: trimmed, keeping one trailing newline if there was one. */
export const normaliseSecretValue = (value: string): string => (value.at(-1) === "\n" ? `${value.trim()}\n` : value.trim());

/** `SecretNameSchema`: trimmed, non-empty, no `:` and no `/`. */
export const checkSecretName = (validator: Validator, key: string, name: string): void => {
  if (name.length === 0) {
    validator.issue({
      code: "too_small",
      minimum: 1,
      type: "string",
      inclusive: true,
      exact: false,
      message: "String must contain at least 1 character(s)",
      path: [key],
    });
  } else if (name.includes(":") || name.includes("/")) {
    validator.custom(key, "Secret name cannot contain colon or forward slash.");
  }
};
