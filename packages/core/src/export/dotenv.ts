/**
 * The dotenv dialect written here, one `NAME=VALUE` line per variable:
 *
 * - A value with no `'`, no carriage return, and not ending in `\` is written in single quotes, byte for byte:
 *   `NAME='value'`, newlines included (`'line 1⏎line 2'`). Nothing inside single quotes is special, so `$`, `#`,
 *   `"`, `\`, backticks and spaces are kept exactly. motdotla `dotenv`, Node's `--env-file` and docker compose all
 *   read these values exactly (tests prove it for the first two).
 * - Any other value is written in double quotes with five escapes: `\\`, `\"`, `\n`, `\r`, `\$`.
 *   This reader and docker compose read them exactly. motdotla `dotenv` and Node's `--env-file` turn `\n` (and
 *   dotenv `\r`) into line breaks but keep the other backslashes, so they misread a value that ends in `\`, or
 *   holds a `'` together with `\`, `"`, `$` or a carriage return (a `'` with newlines alone is fine). Neither can
 *   hold a raw carriage return at all (both turn CR LF into LF before parsing), and a single-quoted value ending in
 *   `\` is misread by docker compose (and by motdotla when a later line starts a quoted value with `#`). No dotenv
 *   dialect is exact for those readers on such values: use the JSON or shell format where they matter.
 *
 * So every "simple" value — no quotes, no line breaks, no `$` or `#`, no leading or trailing space, not ending in
 * `\` — and more generally every value of the first kind, is read identically by all of them.
 *
 * The file is for dotenv readers, not for `source`: use the shell format for that.
 */
import { ExportError } from "./export-error.js";
import { checkVariables, type ExportVariable } from "./variable.js";

/**
 * Write `variables` as a dotenv file in the dialect described above; parseDotenv reads every value back exactly.
 * @throws ExportError for an invalid or repeated name or a value with a NUL.
 */
export function writeDotenv(variables: readonly ExportVariable[]): string {
  checkVariables(variables, { format: "dotenv", envNames: true, noNul: true });
  return variables.map(({ name, value }) => `${name}=${quoteDotenvValue(value)}\n`).join("");
}

/** One value in the dialect above: single-quoted when that is exact for every reader, double-quoted otherwise. */
export function quoteDotenvValue(value: string): string {
  if (!value.includes("'") && !value.includes("\r") && !value.endsWith("\\")) return `'${value}'`;
  return `"${value.replace(/[\\"\n\r$]/g, (char) => DOUBLE_QUOTE_ESCAPES[char] ?? char)}"`;
}

const DOUBLE_QUOTE_ESCAPES: Readonly<Record<string, string>> = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", $: "\\$" };
const DOUBLE_QUOTE_UNESCAPES: Readonly<Record<string, string>> = { "\\": "\\", '"': '"', n: "\n", r: "\r", t: "\t", $: "$", "`": "`" };

/**
 * Read a dotenv file: what writeDotenv writes, exactly, and the common forms of hand-written files — blank lines,
 * `#` comments, `export NAME=...`, spaces around `=`, unquoted values (trimmed, ` #` starts a comment), single quotes
 * (literal, may span lines), double quotes (escapes `\\ \" \n \r \t \$` and a backtick; any other backslash is kept;
 * may span lines). No `$VAR` expansion. Returns the variables in file order, repeats included.
 * @throws ExportError naming the line of anything else (an unclosed quote, text after a closing quote).
 */
export function parseDotenv(text: string): ExportVariable[] {
  const variables: ExportVariable[] = [];
  let index = 0;
  let line = 1;
  const fail = (what: string): never => {
    throw new ExportError([`dotenv line ${line}: ${what}`]);
  };
  const skipBlanks = (): void => {
    while (index < text.length && (text[index] === " " || text[index] === "\t")) index++;
  };
  const endOfLine = (): void => {
    skipBlanks();
    if (text[index] === "#") while (index < text.length && text[index] !== "\n") index++;
    if (text[index] === "\r" && text[index + 1] === "\n") index++;
    if (index < text.length && text[index] !== "\n") fail("unexpected text after the value");
    if (index < text.length) {
      index++;
      line++;
    }
  };

  while (index < text.length) {
    skipBlanks();
    const char = text[index];
    if (char === "\n" || char === "#" || (char === "\r" && text[index + 1] === "\n")) {
      endOfLine();
      continue;
    }
    if (text.startsWith("export", index) && /[ \t]/.test(text[index + 6] ?? "")) {
      index += 6;
      skipBlanks();
    }
    const nameMatch = /^[A-Za-z0-9_.-]+/.exec(text.slice(index, index + 4096));
    if (nameMatch === null) return fail("expected NAME=VALUE");
    const name = nameMatch[0];
    index += name.length;
    skipBlanks();
    if (text[index] !== "=") return fail("expected = after the name"); // the "name" may be part of a broken value: not shown
    index++;
    skipBlanks();
    const quote = text[index];
    if (quote === "'") {
      const close = text.indexOf("'", index + 1);
      if (close < 0) return fail(`the single quote of ${name} is never closed`);
      const value = text.slice(index + 1, close);
      line += countNewlines(value);
      index = close + 1;
      variables.push({ name, value });
      endOfLine();
    } else if (quote === '"') {
      let value = "";
      index++;
      for (;;) {
        const next = text[index];
        if (next === undefined) return fail(`the double quote of ${name} is never closed`);
        if (next === '"') break;
        if (next === "\\" && index + 1 < text.length) {
          const escaped = text[index + 1] ?? "";
          const replacement = DOUBLE_QUOTE_UNESCAPES[escaped];
          value += replacement ?? `\\${escaped}`;
          if (escaped === "\n") line++;
          index += 2;
          continue;
        }
        if (next === "\n") line++;
        value += next;
        index++;
      }
      index++;
      variables.push({ name, value });
      endOfLine();
    } else {
      let end = text.indexOf("\n", index);
      if (end < 0) end = text.length;
      let raw = text.slice(index, end);
      const comment = /[ \t]#/.exec(raw);
      if (comment !== null) raw = raw.slice(0, comment.index);
      if (raw.startsWith("#")) raw = "";
      variables.push({ name, value: raw.trim() });
      index = end;
      endOfLine();
    }
  }
  return variables;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
