/**
 * Environment variable names: what a POSIX shell, `env`, GitHub's env file and every dotenv reader agree on.
 */

/** The names every shell can `export` and every reader accepts: a letter or `_`, then letters, digits and `_`. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Whether `name` matches {@link ENV_NAME_PATTERN}. Checked character by character: it runs once per exported secret,
 * and a regular expression allocates on every call in code V8 has not optimised yet.
 */
export function isValidEnvName(name: string): boolean {
  if (name === "") return false;
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    const letter = (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95; // A-Z a-z _
    if (!letter && (index === 0 || code < 48 || code > 57)) return false; // 0-9 after the first
  }
  return true;
}

/**
 * Why `name` is not a valid environment variable name, as a phrase ("contains '-' and '.'"), or `undefined` when it
 * is valid. Names are not secret, so the offending characters are shown.
 */
export function invalidEnvNameReason(name: string): string | undefined {
  if (name === "") return "is empty";
  if (isValidEnvName(name)) return undefined;
  const bad = [...new Set([...name].filter((char) => !/^[A-Za-z0-9_]$/.test(char)))].map(describeChar);
  const parts: string[] = [];
  if (/^[0-9]/.test(name)) parts.push("starts with a digit");
  if (bad.length > 0) parts.push(`contains ${joinWords(bad)}`);
  return parts.join(" and ");
}

/**
 * The name `name` becomes with `normalise: true`: every character other than an ASCII letter, digit or `_` becomes
 * `_` (one `_` per Unicode character, so `café` → `caf_`), and a leading digit gets a `_` in front (`1X` → `_1X`).
 * Case is kept: environment names are case-sensitive on Linux and macOS, and tools such as Terraform read
 * `TF_VAR_my_var` with the exact case of the variable. An empty name stays empty (and so stays invalid).
 */
export function normaliseEnvName(name: string): string {
  const replaced = name.replace(/[^A-Za-z0-9_]/gu, "_");
  return /^[0-9]/.test(replaced) ? `_${replaced}` : replaced;
}

function describeChar(char: string): string {
  if (char === " ") return "a space";
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return `'${char}'`;
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1] ?? ""}`;
}
