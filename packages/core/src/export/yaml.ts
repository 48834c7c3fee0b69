/**
 * A YAML mapping of names to values, one `"NAME": "value"` line each, both double-quoted.
 *
 * Double quotes are the one YAML scalar style in which nothing is resolved: `on`, `yes`, `null`, `~`, `1e3` and
 * `0x10` stay strings under YAML 1.1 and 1.2 alike. Every character a YAML reader could change is escaped —
 * `\` and `"`, control characters, line breaks (so the scalar never folds), DEL and C1 controls, U+2028/U+2029 (line
 * breaks to YAML 1.1), the byte-order mark, U+FFFE/U+FFFF and lone surrogates — so the whole document is printable
 * and every value reads back exactly. Written by hand so core does not ship a YAML library.
 */
import { ExportError } from "./export-error.js";
import { checkVariables, type ExportVariable } from "./variable.js";

/**
 * Write `variables` as a YAML mapping in the given order; an empty list is `{}`. Names may be any non-empty string.
 * @throws ExportError for an empty or repeated name.
 */
export function writeYaml(variables: readonly ExportVariable[]): string {
  checkVariables(variables, { format: "yaml", envNames: false, noNul: false });
  if (variables.length === 0) return "{}\n";
  return variables.map(({ name, value }) => `${quoteYamlString(name)}: ${quoteYamlString(value)}\n`).join("");
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  '"': '\\"',
  "\0": "\\0",
  "\x07": "\\a",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\v": "\\v",
  "\f": "\\f",
  "\r": "\\r",
  "\x1b": "\\e",
};

const NEEDS_ESCAPE =
  // eslint-disable-next-line no-control-regex -- control characters are what this pattern finds: YAML cannot carry them raw
  /[\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` as a YAML double-quoted scalar on one line that every YAML reader reads back as exactly `text`. */
export function quoteYamlString(text: string): string {
  const escaped = text.replace(
    NEEDS_ESCAPE,
    (char) => NAMED_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
  );
  return `"${escaped}"`;
}

const UNESCAPES: Readonly<Record<string, string>> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
};
const HEX_DIGITS: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/**
 * Read back what writeYaml writes: `"NAME": "value"` lines (single-line double-quoted scalars with every YAML
 * escape), `{}`, blank lines, `#` comments and `---`. It is not a general YAML parser; anything else is refused.
 * @throws ExportError naming the line.
 */
export function parseYaml(text: string): ExportVariable[] {
  const variables: ExportVariable[] = [];
  const lines = text.split("\n");
  lines.forEach((rawLine, lineIndex) => {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    const fail = (what: string): never => {
      throw new ExportError([`yaml line ${lineIndex + 1}: ${what}`]);
    };
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed === "---" || trimmed === "{}") return;
    let index = line.length - line.trimStart().length;
    const readQuoted = (): string => {
      if (line[index] !== '"') return fail('expected a double-quoted string ("...")');
      let out = "";
      index++;
      for (;;) {
        const char = line[index];
        if (char === undefined) return fail("a double-quoted string is not closed on its line");
        if (char === '"') {
          index++;
          return out;
        }
        if (char !== "\\") {
          const next = line.indexOf('"', index);
          const slash = line.indexOf("\\", index);
          const stop = Math.min(next < 0 ? line.length : next, slash < 0 ? line.length : slash);
          out += line.slice(index, stop);
          index = stop;
          continue;
        }
        const escape = line[index + 1] ?? "";
        const digits = HEX_DIGITS[escape];
        if (digits !== undefined) {
          const hex = line.slice(index + 2, index + 2 + digits);
          if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== digits) return fail(`bad \\${escape} escape`);
          out += String.fromCodePoint(Number.parseInt(hex, 16));
          index += 2 + digits;
          continue;
        }
        const single = UNESCAPES[escape];
        if (single === undefined) return fail(`unknown escape \\${escape}`);
        out += single;
        index += 2;
      }
    };
    const name = readQuoted();
    while (line[index] === " ") index++;
    if (line[index] !== ":") fail("expected : after the name");
    index++;
    while (line[index] === " ") index++;
    const value = readQuoted();
    const rest = line.slice(index).trim();
    if (rest !== "" && !rest.startsWith("#")) fail("unexpected text after the value");
    variables.push({ name, value });
  });
  return variables;
}
