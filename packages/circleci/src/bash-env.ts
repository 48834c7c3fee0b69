/**
 * The text `load` appends to `$BASH_ENV`, which bash sources before every later step of the job.
 *
 * Each value travels in a quoted heredoc with its own random delimiter and is read by the `read` builtin:
 *
 *     IFS= read -r -d '' NAME <<'SECRETS_ACTION_EOF_<32 hex>' || :
 *     <value>
 *     SECRETS_ACTION_EOF_<32 hex>
 *     NAME=${NAME%$'\n'}
 *     export NAME
 *
 * Why this is exact: with a quoted delimiter bash takes the body literally — no `$`, backtick or backslash
 * processing — up to the first line equal to the delimiter, so the body is the value plus the one newline that
 * ends its last line. `read -d ''` reads up to a NUL (never there: refused) or the end, `-r` keeps backslashes, an
 * empty IFS keeps leading and trailing blanks, and `${NAME%$'\n'}` removes exactly that one newline. Unlike
 * `"$(cat <<'EOF' … EOF)"`, nothing strips the value's own trailing newlines, and no process is forked per value.
 *
 * Why this is safe: a value ends its heredoc early only if one of its lines equals the delimiter. Every delimiter
 * starts with {@link DELIMITER_MARKER}, and a value containing the marker anywhere is refused before anything is
 * written — so the refusal never depends on the luck of the random part. Names are plain environment names (no shell
 * syntax), and the first and last lines turn off and restore `set -x` / `set -v`, so a shell started with `-x` or
 * `-v` does not print the values while it sources the file.
 */
import { randomBytes } from "node:crypto";
import { ExportError, checkVariables, type ExportVariable } from "@secrets-action/core";

/** Every heredoc delimiter starts with this; a value that contains it is refused. */
export const DELIMITER_MARKER = "SECRETS_ACTION_EOF_";

/** Options for {@link writeBashEnv}. */
export interface BashEnvWriteOptions {
  /** Makes each heredoc's delimiter (default {@link DELIMITER_MARKER} + 32 random hex digits); for tests. */
  delimiter?: () => string;
  /** A comment line put first (default none); never a value. */
  comment?: string;
}

const OPTIONS_VARIABLE = "__secrets_action_shell_opts";

/** A fresh delimiter: the marker and 128 random bits. */
export function randomDelimiter(): string {
  return `${DELIMITER_MARKER}${randomBytes(16).toString("hex")}`;
}

/**
 * Write `variables` as one block for `$BASH_ENV`: a heredoc per value with a fresh delimiter, `export` per name.
 * Everything is checked before anything is returned, so a caller that appends the result once writes all or nothing.
 * @throws ExportError listing every problem (naming keys, never values): an invalid or repeated name, a value with a
 *   NUL or an unpaired UTF-16 surrogate (bash could not hold it exactly), or a value containing the marker.
 */
export function writeBashEnv(variables: readonly ExportVariable[], options: BashEnvWriteOptions = {}): string {
  checkVariables(variables, { format: "BASH_ENV", envNames: true, noNul: true });
  const makeDelimiter = options.delimiter ?? randomDelimiter;
  const problems: string[] = [];
  const parts: string[] = [];
  for (const { name, value } of variables) {
    const shown = JSON.stringify(name);
    const delimiter = makeDelimiter();
    if (!/^[A-Za-z0-9_]+$/.test(delimiter)) throw new ExportError(["BASH_ENV: a heredoc delimiter must be letters, digits and _ only"]);
    if (value.includes(DELIMITER_MARKER) || value.includes(delimiter)) {
      problems.push(
        `BASH_ENV: the value of ${shown} contains ${DELIMITER_MARKER}, the start of the heredoc delimiters that carry values to later steps; it could end its heredoc early and run what follows`,
      );
      continue;
    }
    if (/\p{Surrogate}/u.test(value)) {
      problems.push(`BASH_ENV: the value of ${shown} has an unpaired UTF-16 surrogate, which has no exact UTF-8 form`);
      continue;
    }
    parts.push(`IFS= read -r -d '' ${name} <<'${delimiter}' || :\n${value}\n${delimiter}\n${name}=\${${name}%$'\\n'}\nexport ${name}\n`);
  }
  if (problems.length > 0) throw new ExportError(problems, "Nothing was written to BASH_ENV. Change the value in Infisical, or leave the secret out.");
  if (parts.length === 0) return "";
  const comment = options.comment === undefined ? "" : `# ${options.comment.replace(/[\r\n]+/g, " ")}\n`;
  // Sourced by a shell started with -x or -v, the assignments would be traced with their values: switch both off
  // for the block and back on after it (the `case` lines themselves print nothing secret).
  const before = `case $- in *[xv]*) ${OPTIONS_VARIABLE}=$-; set +xv ;; *) ${OPTIONS_VARIABLE}= ;; esac\n`;
  const after =
    `case $${OPTIONS_VARIABLE} in *x*) set -x ;; esac; case $${OPTIONS_VARIABLE} in *v*) set -v ;; esac; unset ${OPTIONS_VARIABLE}\n`;
  return `${comment}${before}${parts.join("")}${after}`;
}
