/**
 * Names a secret must not take by default, because exporting them would let a secret's content change what the job
 * runs, or overwrite what the CI platform itself relies on.
 *
 * The rule for the list: a name is reserved when a shell, the dynamic loader, a language runtime or git reads it to
 * decide what code to run or how to run it, or when the CI platform sets it. Left out on purpose: proxy and CA
 * variables (`HTTPS_PROXY`, `NODE_EXTRA_CA_CERTS`, `SSL_CERT_FILE`) and tokens such as `GITLAB_TOKEN` — teams
 * legitimately keep them in Infisical, and they change where traffic goes rather than which code runs.
 */

/** One reserved name, or a prefix (`GITHUB_` reserves every name starting with it), and why. */
export interface ReservedName {
  readonly name: string;
  readonly prefix: boolean;
  /** Why it is reserved, as a clause: "it decides which programs run". */
  readonly reason: string;
}

const exact = (name: string, reason: string): ReservedName => ({ name, prefix: false, reason });
const prefix = (name: string, reason: string): ReservedName => ({ name, prefix: true, reason });

/** Every reserved name and prefix, with the reason shown when a secret is refused. */
export const RESERVED_NAMES: readonly ReservedName[] = [
  // Shells: start-up files and behaviour.
  exact("BASH_ENV", "bash runs the file it names before every non-interactive script"),
  exact("ENV", "sh (and bash in POSIX mode) runs the file it names at start-up"),
  exact("SHELLOPTS", "bash turns on the options it lists at start-up (xtrace would print every command, secrets included)"),
  exact("BASHOPTS", "bash turns on the shopt options it lists at start-up"),
  exact("BASH_XTRACEFD", "bash writes its command trace to the file descriptor it names"),
  exact("PS4", "bash expands it, command substitutions included, before every traced command"),
  exact("PROMPT_COMMAND", "bash runs it before every prompt"),
  exact("IFS", "it changes how shells split words"),
  exact("CDPATH", "it changes which directory `cd` enters"),
  exact("GLOBIGNORE", "it changes which files a glob matches"),
  // Where programs, libraries and configuration are found.
  exact("PATH", "it decides which programs run"),
  exact("HOME", "tools read their configuration and credentials (~/.gitconfig, ~/.npmrc, ~/.ssh) from it"),
  exact("LD_PRELOAD", "the dynamic loader loads the libraries it names into every program"),
  exact("LD_LIBRARY_PATH", "the dynamic loader loads libraries from it first"),
  exact("LD_AUDIT", "the dynamic loader loads the libraries it names into every program"),
  prefix("DYLD_", "the macOS dynamic loader reads it to load libraries into every program"),
  // Language runtimes that load code named in a variable.
  exact("NODE_OPTIONS", "node takes options from it in every process (--require loads code); the GitHub runner refuses it too"),
  exact("NODE_PATH", "node resolves modules from it"),
  exact("PYTHONPATH", "python imports modules from it first"),
  exact("PERL5OPT", "perl takes options from it in every process (-M loads code)"),
  exact("PERL5LIB", "perl loads modules from it first"),
  exact("RUBYOPT", "ruby takes options from it in every process (-r loads code)"),
  exact("RUBYLIB", "ruby loads files from it first"),
  exact("JAVA_TOOL_OPTIONS", "every JVM takes options from it (-javaagent loads code)"),
  exact("JDK_JAVA_OPTIONS", "the java launcher takes options from it (-javaagent loads code)"),
  exact("_JAVA_OPTIONS", "every JVM takes options from it (-javaagent loads code)"),
  // git and ssh run programs named in these.
  prefix("GIT_CONFIG_", "git reads configuration from it (core.sshCommand and core.fsmonitor run programs)"),
  exact("GIT_SSH", "git runs the program it names to connect"),
  exact("GIT_SSH_COMMAND", "git runs it to connect"),
  exact("GIT_ASKPASS", "git runs the program it names to ask for credentials"),
  exact("SSH_ASKPASS", "ssh runs the program it names to ask for credentials"),
  exact("GIT_EXEC_PATH", "git runs its sub-commands from it"),
  // What the CI platforms set and read.
  exact("CI", "tools switch to their CI behaviour on it, and every CI platform sets it"),
  prefix("GITHUB_", "GitHub Actions sets it (GITHUB_ENV, GITHUB_OUTPUT and GITHUB_PATH decide what later steps get)"),
  prefix("RUNNER_", "the GitHub runner sets it"),
  prefix("ACTIONS_", "the GitHub runner reads it (ACTIONS_RUNTIME_TOKEN, ACTIONS_STEP_DEBUG)"),
  exact("GITLAB_CI", "GitLab sets it"),
  prefix("CI_", "GitLab sets it (CI_JOB_TOKEN, CI_PROJECT_DIR)"),
  exact("CIRCLECI", "CircleCI sets it"),
  prefix("CIRCLE_", "CircleCI sets it"),
];

// Checked once per exported name, thousands of times in a large project: one lookup, and the prefixes only for names
// that start with one of their first letters.
const EXACT_REASONS = new Map(RESERVED_NAMES.filter((rule) => !rule.prefix).map((rule) => [rule.name, rule.reason] as const));
const PREFIX_RULES = RESERVED_NAMES.filter((rule) => rule.prefix);
const PREFIX_INITIALS = new Set(PREFIX_RULES.map((rule) => rule.name[0]));

/** Options for {@link reservedNameReason}. */
export interface ReservedNameOptions {
  /**
   * The runner's platform (`process.platform` values: "linux", "darwin", "win32"); default "linux". On Windows
   * environment names are case-insensitive (`Path` is `PATH`), so the list is matched ignoring case there.
   */
  platform?: string;
}

/**
 * Why `name` is reserved, as a clause ("it decides which programs run"), or `undefined` when it is free. Matched
 * exactly on Linux and macOS (where `path` is a different variable from `PATH`), ignoring case on Windows.
 */
export function reservedNameReason(name: string, options: ReservedNameOptions = {}): string | undefined {
  const candidate = options.platform === "win32" ? name.toUpperCase() : name;
  const exactReason = EXACT_REASONS.get(candidate);
  if (exactReason !== undefined) return exactReason;
  if (!PREFIX_INITIALS.has(candidate[0])) return undefined;
  return PREFIX_RULES.find((rule) => candidate.startsWith(rule.name))?.reason;
}
