/**
 * A JSON object `{"NAME": "value"}`: exact for every value and every name, read back with JSON.parse.
 */
import { ExportError } from "./export-error.js";
import { checkVariables, type ExportVariable } from "./variable.js";

/**
 * Write `variables` as one JSON object, two-space indented, in the given order (built by hand rather than from an
 * object, which would move integer-like names first and treat `__proto__` specially). Names may be any non-empty
 * string; values may hold anything, NUL included.
 * @throws ExportError for an empty or repeated name.
 */
export function writeJson(variables: readonly ExportVariable[]): string {
  checkVariables(variables, { format: "json", envNames: false, noNul: false });
  if (variables.length === 0) return "{}\n";
  const members = variables.map(({ name, value }) => `  ${JSON.stringify(name)}: ${JSON.stringify(value)}`);
  return `{\n${members.join(",\n")}\n}\n`;
}

/**
 * Read a JSON object of string values (what writeJson writes) into variables, in the object's key order.
 * @throws ExportError when the text is not JSON, not an object, or a value is not a string.
 */
export function parseJson(text: string): ExportVariable[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the error, which may be a secret: keep it out.
    throw new ExportError(["json: not valid JSON"]);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ExportError(["json: expected an object of names to string values"]);
  }
  const variables: ExportVariable[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== "string") throw new ExportError([`json: the value of ${JSON.stringify(name)} is not a string`]);
    variables.push({ name, value });
  }
  return variables;
}
