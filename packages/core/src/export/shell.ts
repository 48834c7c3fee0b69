/**
 * A file to `source` in bash, sh (dash), zsh or ksh: one `export NAME='value'` line per variable.
 *
 * Single quotes are the only POSIX quoting in which nothing is special — no `$`, no backtick, no backslash, newlines
 * kept — so each value is single-quoted and each `'` inside it is written as `'\''` (close, escaped quote, reopen).
 * Sourcing the file can therefore run nothing and set nothing but the names listed. Names are checked against
 * ENV_NAME_PATTERN, so a name cannot carry shell syntax either. NUL cannot be held by a shell variable and is refused.
 */
import { ExportError } from "./export-error.js";
import { checkVariables, type ExportVariable } from "./variable.js";

/**
 * Write `variables` as `export NAME='value'` lines, safe to `source` whatever the values hold.
 * @throws ExportError for an invalid or repeated name or a value with a NUL.
 */
export function writeShell(variables: readonly ExportVariable[]): string {
  checkVariables(variables, { format: "shell", envNames: true, noNul: true });
  return variables.map(({ name, value }) => `export ${name}=${quoteShellValue(value)}\n`).join("");
}

/** One value as a POSIX shell word that expands to exactly `value`: `'...'`, with `'` written as `'\''`. */
export function quoteShellValue(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** Characters that stand for themselves outside quotes in every POSIX shell. */
const PLAIN = /[A-Za-z0-9_@%+=:,./-]/;

/**
 * Read back a file writeShell wrote (and simple hand-written ones): blank lines, `#` comments, `NAME=WORD` with or
 * without `export`, where WORD is made of single-quoted strings, backslash-escaped characters and plain characters.
 * Anything a shell would expand (`$`, backticks, double quotes, globs) is refused rather than guessed at.
 * @throws ExportError naming the line of anything else.
 */
export function parseShell(text: string): ExportVariable[] {
  const variables: ExportVariable[] = [];
  let index = 0;
  let line = 1;
  const fail = (what: string): never => {
    throw new ExportError([`shell line ${line}: ${what}`]);
  };
  const skipBlanks = (): void => {
    while (text[index] === " " || text[index] === "\t") index++;
  };

  while (index < text.length) {
    skipBlanks();
    if (text[index] === "#") while (index < text.length && text[index] !== "\n") index++;
    if (index >= text.length) break;
    if (text[index] === "\n") {
      index++;
      line++;
      continue;
    }
    if (text.startsWith("export", index) && /[ \t]/.test(text[index + 6] ?? "")) {
      index += 6;
      skipBlanks();
    }
    const nameMatch = /^[A-Za-z_][A-Za-z0-9_]*=/.exec(text.slice(index, index + 4096));
    if (nameMatch === null) return fail("expected NAME=VALUE");
    const name = nameMatch[0].slice(0, -1);
    index += nameMatch[0].length;
    let value = "";
    for (;;) {
      const char = text[index];
      if (char === undefined || char === "\n" || char === " " || char === "\t" || char === ";") break;
      if (char === "'") {
        const close = text.indexOf("'", index + 1);
        if (close < 0) return fail(`the single quote of ${name} is never closed`);
        const quoted = text.slice(index + 1, close);
        for (const c of quoted) if (c === "\n") line++;
        value += quoted;
        index = close + 1;
      } else if (char === "\\") {
        const escaped = text[index + 1];
        if (escaped === undefined) return fail(`${name} ends with a lone backslash`);
        if (escaped === "\n") line++;
        else value += escaped; // a backslash before a newline joins the lines
        index += 2;
      } else if (PLAIN.test(char)) {
        value += char;
        index++;
      } else {
        return fail(`the value of ${name} has a character a shell would expand ($, backticks, double quotes, globs); this reader only reads quoted values`);
      }
    }
    variables.push({ name, value });
    skipBlanks();
    if (text[index] === ";") index++;
    skipBlanks();
    if (text[index] === "#") while (index < text.length && text[index] !== "\n") index++;
    if (index < text.length && text[index] !== "\n") fail("unexpected text after the value");
  }
  return variables;
}
