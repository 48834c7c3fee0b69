/**
 * GitLab CI's conventions for the shared CLI: the ID token from an `id_tokens:` variable, CI_* variables for the
 * User-Agent and the checkout, the component's private folder for files and the lease file, and CI_JOB_ID to name it.
 */
import type { CiConventions } from "@secrets-action/cli";
import { VERSION } from "./version.js";

/** The variable the component's `id_tokens:` fills, and the CLI reads by default. */
export const ID_TOKEN_VARIABLE = "INFISICAL_ID_TOKEN";

/** The installed command's name. */
export const PROGRAM = "secrets-action";

export const gitlabConventions: CiConventions = {
  program: PROGRAM,
  version: VERSION,
  tagline:
    "Infisical secrets in a GitLab CI job: run a command with them in its environment and its output redacted (GitLab cannot mask values fetched at run time), or write them to a file.",
  userAgentCi: (env) => {
    const version = env["CI_SERVER_VERSION"]?.trim();
    return version ? `gitlab-ci/${version}` : "gitlab-ci";
  },
  idTokenVariables: [ID_TOKEN_VARIABLE],
  idTokenHint: (variable) =>
    `Give the job \`id_tokens: { ${variable}: { aud: <the audience your Infisical identity expects> } }\` (jobs that extend the component's job have it, with the audience input), or name another id_tokens variable with --id-token-variable.`,
  awsCredentialsHint:
    "Put the runner's AWS credentials in the job's environment first (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), e.g. from `aws sts assume-role-with-web-identity` with a GitLab ID token.",
  workspace: (env) => env["CI_PROJECT_DIR"]?.trim() || undefined,
  // The component's job sets SECRETS_ACTION_HOME to a folder outside the checkout that its after_script deletes.
  tempDir: (env) => env["SECRETS_ACTION_HOME"]?.trim() || undefined,
  // Names the default lease file, so concurrent jobs on one shell runner keep their leases apart.
  jobId: (env) => env["CI_JOB_ID"]?.trim() || undefined,
};
