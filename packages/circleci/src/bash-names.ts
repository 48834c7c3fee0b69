/**
 * Names bash keeps for itself. core's reserved list already refuses the ones that change what runs (BASH_ENV, PS4,
 * SHELLOPTS…); these are the rest of bash's own variables, which a `load` into $BASH_ENV cannot set faithfully: bash
 * makes some read-only (the assignment fails in every later step), sets others itself (a later step would not see
 * the secret), and a few change how it runs every later step.
 */

/** Why `name` cannot be loaded into $BASH_ENV, or `undefined` when it can. */
export function bashNameReason(name: string): string | undefined {
  if (READ_ONLY.has(name)) return "bash makes it read-only, so setting it would fail in every later step";
  if (name === "BASH" || name.startsWith("BASH_") || DYNAMIC.has(name)) return "bash sets it itself, so a later step would not see the secret's value";
  if (BEHAVIOUR.has(name)) return "it changes how bash runs every later step";
  return undefined;
}

const READ_ONLY = new Set(["BASHOPTS", "BASH_VERSINFO", "EUID", "PPID", "SHELLOPTS", "UID"]);
const DYNAMIC = new Set([
  "BASHPID", "DIRSTACK", "EPOCHREALTIME", "EPOCHSECONDS", "FUNCNAME", "GROUPS", "HISTCMD", "LINENO", "OLDPWD", "OPTARG",
  "OPTIND", "PIPESTATUS", "PWD", "RANDOM", "SECONDS", "SHLVL", "SRANDOM", "_",
]);
const BEHAVIOUR = new Set(["EXECIGNORE", "FUNCNEST", "POSIXLY_CORRECT", "TMOUT"]);
