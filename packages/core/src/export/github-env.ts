/**
 * GitHub's file commands: the format of `$GITHUB_ENV` and `$GITHUB_OUTPUT`, as @actions/core's file-command.ts
 * writes it and the runner reads it.
 *
 * Each variable is a heredoc, `NAME<<ghadelimiter_<random>⏎value⏎ghadelimiter_<random>⏎`, with a random delimiter
 * that is chosen after the values are known and checked against every name and value, so a value cannot end its
 * heredoc or start another variable. All variables go into one string so the adapter appends to the file once.
 */
import { ExportError } from "./export-error.js";
import { checkVariables, type ExportVariable } from "./variable.js";

/** Options for {@link writeGithubEnv}. */
export interface GithubEnvWriteOptions {
  /**
   * The runner's platform (default "linux"). On "win32" the runner also ends lines at `\r\n`, so a value ending
   * in `\r` would lose it: such a value is refused there.
   */
  platform?: string;
  /**
   * Makes the heredoc delimiter of one call (default {@link randomDelimiter}). It is made once per call: a fresh one
   * per variable adds nothing, since no name or value may contain it anyway.
   */
  delimiter?: () => string;
}

/**
 * Write `variables` in the file-command format, one heredoc each, lines ending in `\n` (which the runner reads on
 * every platform). Names may be anything the runner accepts: not empty, no `=`, no `<<`, no line break — so output
 * names such as `db-url` work too.
 * @throws ExportError when a name is malformed or repeated, or a name or value contains the delimiter, a NUL, or
 *   (on Windows) ends in a carriage return.
 */
export function writeGithubEnv(variables: readonly ExportVariable[], options: GithubEnvWriteOptions = {}): string {
  checkVariables(variables, { format: "GITHUB_ENV", envNames: false, noNul: true });
  const delimiter = (options.delimiter ?? randomDelimiter)();
  if (delimiter === "" || /[\r\n]/.test(delimiter)) throw new ExportError(["GITHUB_ENV: the heredoc delimiter must be one non-empty line"]);
  const problems: string[] = [];
  let text = "";
  // Indexed, and indexOf rather than a regular expression: this runs once per variable, in code V8 has not optimised
  // yet, where for-of and a RegExp test allocate on every call.
  for (let index = 0; index < variables.length; index++) {
    const { name, value } = variables[index] as ExportVariable;
    if (name.indexOf("=") >= 0 || name.indexOf("<<") >= 0 || name.indexOf("\n") >= 0 || name.indexOf("\r") >= 0) {
      problems.push(`GITHUB_ENV: the name ${JSON.stringify(name)} contains =, << or a line break, which the runner would misread`);
      continue;
    }
    if (name.includes(delimiter)) problems.push(`GITHUB_ENV: the name ${JSON.stringify(name)} contains its heredoc delimiter`);
    if (value.includes(delimiter)) problems.push(`GITHUB_ENV: the value of ${JSON.stringify(name)} contains its heredoc delimiter`);
    if (options.platform === "win32" && value.endsWith("\r")) {
      problems.push(`GITHUB_ENV: the value of ${JSON.stringify(name)} ends in a carriage return, which the Windows runner drops`);
    }
    text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  if (problems.length > 0) throw new ExportError(problems);
  return text;
}

/**
 * `ghadelimiter_` and 32 random hex digits, like @actions/core's `ghadelimiter_<uuid>`. Math.random is enough: a
 * delimiter only has to be absent from every name and value, writeGithubEnv checks exactly that, and it is drawn after
 * the values arrived, so none can have been written to contain it. (Loading node:crypto for it would cost every run
 * ~2 ms.)
 */
export function randomDelimiter(): string {
  let hex = "";
  while (hex.length < 32) hex += Math.floor(Math.random() * 0x1_0000_0000).toString(16).padStart(8, "0");
  return `ghadelimiter_${hex}`;
}

/** Options for {@link parseGithubEnv}. */
export interface GithubEnvReadOptions {
  /** Read as the runner on this platform does (default "linux"): "win32" also ends lines at `\r\n`. */
  platform?: string;
}

/**
 * Read a `$GITHUB_ENV` or `$GITHUB_OUTPUT` file the way the runner does (SetEnvFileCommand): lines `NAME=value`,
 * heredocs `NAME<<DELIMITER` up to a line equal to the delimiter, empty lines ignored; whichever of `=` and `<<`
 * comes first decides. Later variables of the same name are kept too: the runner applies them in order.
 * @throws ExportError as the runner fails: a line with neither, an empty name or delimiter, an unclosed heredoc.
 */
export function parseGithubEnv(text: string, options: GithubEnvReadOptions = {}): ExportVariable[] {
  const crlf = options.platform === "win32";
  const variables: ExportVariable[] = [];
  let index = 0;
  let lineNumber = 0;
  const readLine = (): { line: string; newline: string } | undefined => {
    if (index >= text.length) return undefined;
    lineNumber++;
    const start = index;
    const lf = text.indexOf("\n", index);
    if (lf < 0) {
      index = text.length;
      return { line: text.slice(start), newline: "" };
    }
    if (crlf) {
      const crLf = text.indexOf("\r\n", index);
      if (crLf >= 0 && crLf < lf) {
        index = crLf + 2;
        return { line: text.slice(start, crLf), newline: "\r\n" };
      }
    }
    index = lf + 1;
    return { line: text.slice(start, lf), newline: "\n" };
  };

  for (let current = readLine(); current !== undefined; current = readLine()) {
    const { line } = current;
    if (line === "") continue;
    const equals = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals);
      // Messages never quote the line: it may be a value.
      if (name === "") throw new ExportError([`GITHUB_ENV line ${lineNumber}: the name before = is empty`]);
      variables.push({ name, value: line.slice(equals + 1) });
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (name === "" || delimiter === "") {
        throw new ExportError([`GITHUB_ENV line ${lineNumber}: the name and the heredoc delimiter must not be empty`]);
      }
      const start = index;
      let end = index;
      for (let inner = readLine(); ; inner = readLine()) {
        if (inner === undefined) throw new ExportError([`GITHUB_ENV: ${JSON.stringify(name)}: the heredoc's closing delimiter is missing`]);
        if (inner.line === delimiter) break;
        if (inner.newline === "") throw new ExportError([`GITHUB_ENV: ${JSON.stringify(name)}: the heredoc's closing delimiter is missing`]);
        end = index - inner.newline.length;
      }
      variables.push({ name, value: end > start ? text.slice(start, end) : "" });
    } else {
      throw new ExportError([`GITHUB_ENV line ${lineNumber}: neither NAME=value nor NAME<<DELIMITER`]);
    }
  }
  return variables;
}
