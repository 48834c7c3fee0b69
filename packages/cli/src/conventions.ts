/**
 * What one CI adds to the shared CLI: names, where the OIDC token is, the job's folders, and any commands of its own.
 * Everything else — options, config, login, fetch, run, export — is the same for every CI.
 */
import type { Command } from "./command.js";
import type { Env } from "./option-values.js";

/** The built-in commands, which a CI may rename (CircleCI's `run` is `exec`). */
export type BuiltinCommandName = "run" | "export" | "lease" | "revoke";

/** A CI's conventions. */
export interface CiConventions {
  /** The program's name, in usage lines and before every log line, e.g. `secrets-action-gitlab`. */
  readonly program: string;
  /** Printed by --version and sent in the User-Agent. */
  readonly version: string;
  /** One line under the usage: what this CLI is for. */
  readonly tagline: string;
  /** The CI in the User-Agent (`secrets-action/0.1.0 (<this>; node/20)`), e.g. `gitlab-ci/17.5.0`. */
  userAgentCi(env: Env): string;
  /**
   * Variables that may hold the OIDC ID token, in order of preference; the first non-empty one is used.
   * `--id-token-variable` replaces the list with the one it names.
   */
  readonly idTokenVariables: readonly string[];
  /** What to do when no ID token was found in `variable`, as one or two sentences. */
  idTokenHint(variable: string): string;
  /** What to do when method aws-iam finds no AWS credentials in the environment. */
  readonly awsCredentialsHint: string;
  /** The job's checkout: a secrets file written inside it can end up in artifacts or caches, so export warns. */
  workspace(env: Env): string | undefined;
  /** Where `export` creates its file when no --output is given (default: the system's temporary folder). */
  tempDir?(env: Env): string | undefined;
  /** The job's id, to name the default lease file so parallel jobs on one machine keep theirs apart. */
  jobId?(env: Env): string | undefined;
  /** What a secret becomes in redacted output (default `[MASKED]`, as GitLab prints masked variables). */
  readonly replacement?: string;
  /** Built-in commands under another name. */
  readonly commandNames?: Partial<Record<BuiltinCommandName, string>>;
  /** Commands this CI adds, e.g. CircleCI's `load`. */
  readonly commands?: readonly Command[];
  /** Option defaults that differ from the table's, by option name. */
  readonly defaults?: Readonly<Record<string, string>>;
}

/** Conventions for running outside any CI (a laptop, or a CI without its own package). */
export const genericConventions: CiConventions = {
  program: "secrets-action",
  version: "0.1.0",
  tagline: "Fetch Infisical secrets into a command's environment, with its output redacted.",
  userAgentCi: () => "cli",
  idTokenVariables: ["INFISICAL_ID_TOKEN"],
  idTokenHint: (variable) => `Put the OIDC ID token (a JWT) in ${variable}, or name its variable with --id-token-variable.`,
  awsCredentialsHint: "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials) before this command.",
  workspace: () => undefined,
};
