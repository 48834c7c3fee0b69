/**
 * CircleCI's conventions for the shared CLI: the OIDC token CircleCI puts in every job that uses a context, the
 * checkout folder, `exec` as the name of `run` (as in other orbs), `********` where a secret was (as CircleCI shows
 * masked project variables), and `load`.
 */
import { homedir } from "node:os";
import type { CiConventions, Env } from "@secrets-action/cli";
import { loadCommand } from "./commands/load.js";
import { VERSION } from "./version.js";

/** The installed command's name. */
export const PROGRAM = "secrets-action-circleci";

/** Where CircleCI puts the job's OIDC token, newest format first. */
export const ID_TOKEN_VARIABLES = ["CIRCLE_OIDC_TOKEN_V2", "CIRCLE_OIDC_TOKEN"] as const;

/** `~/project` as CircleCI writes it, with `~` expanded. */
function workingDirectory(env: Env): string | undefined {
  const dir = env["CIRCLE_WORKING_DIRECTORY"]?.trim();
  if (!dir) return undefined;
  if (dir === "~" || dir.startsWith("~/")) return `${env["HOME"]?.trim() || homedir()}${dir.slice(1)}`;
  return dir;
}

/** The CircleCI CLI: `exec` (the shared `run`), `export` and `load`, with CircleCI's variables and hints. */
export const circleciConventions: CiConventions = {
  program: PROGRAM,
  version: VERSION,
  tagline:
    "Infisical secrets in a CircleCI job: exec runs a command with them in its environment and its output redacted; load appends them to $BASH_ENV for the later steps (CircleCI does not mask those).",
  userAgentCi: () => "circleci",
  idTokenVariables: ID_TOKEN_VARIABLES,
  idTokenHint: () =>
    "CircleCI issues OIDC tokens only to jobs that use a context: add `context: <any context>` to this job in the workflow (an empty context will do). Jobs of pull requests from forks get none.",
  awsCredentialsHint:
    "Put AWS credentials in the job's environment first (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN): e.g. the aws-cli orb's setup command with role_arn, which assumes a role with CircleCI's OIDC token, or keys kept in a context.",
  workspace: workingDirectory,
  // Names the default lease file, so a `revoke` step finds this job's leases and only these.
  jobId: (env) => env["CIRCLE_WORKFLOW_JOB_ID"]?.trim() || env["CIRCLE_BUILD_NUM"]?.trim() || undefined,
  replacement: "********",
  commandNames: { run: "exec" },
  commands: [loadCommand],
};
