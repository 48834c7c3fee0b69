/**
 * Every input of the action: the one source for action.yml (generated from this list by `pnpm build`) and for the
 * parser that validates them. The first block is the official Infisical/secrets-action's inputs, with its defaults:
 * a workflow switches by changing only `uses:`.
 */
export interface InputSpec {
  name: string;
  description: string;
  /** The default action.yml declares (the runner fills it in when the workflow leaves the input out). */
  default?: string;
}

export interface OutputSpec {
  name: string;
  description: string;
}

export const INPUTS: readonly InputSpec[] = [
  // The official action's inputs.
  { name: "method", default: "universal", description: "How to log in: `universal` (client id + secret), `oidc` (GitHub's OIDC token; needs `permissions: id-token: write`), `aws-iam` (AWS credentials of the job), `token` (a ready access token), or `service-token` (a legacy service token, for end-to-end encrypted projects)." },
  { name: "client-id", description: "Universal auth: the machine identity's client id." },
  { name: "client-secret", description: "Universal auth: the machine identity's client secret." },
  { name: "identity-id", description: "OIDC and AWS IAM: the machine identity's id." },
  { name: "oidc-audience", description: "OIDC: the `aud` of the GitHub ID token; empty means GitHub's default (the repository owner's URL). It must match the identity's bound audiences." },
  { name: "project-slug", description: "The project's slug. Set this or `project-id`." },
  { name: "env-slug", description: "The environment's slug, e.g. `dev` or `prod`." },
  { name: "domain", default: "https://app.infisical.com", description: "The Infisical server: `https://app.infisical.com`, `https://eu.infisical.com`, or your self-hosted URL." },
  { name: "export-type", default: "env", description: "Where the secrets go, one or more of `env` (masked environment variables for later steps), `output` (one masked step output per secret), `file` (a 0600 file, see `file-format`), `none` (only masked, and counted in outputs). Separate several with commas or newlines." },
  { name: "file-output-path", description: "With `export-type: file`: where to write the file. Empty (the default) writes a new 0600 file under `$RUNNER_TEMP`, outside the workspace, so it cannot be committed or uploaded by accident. A path is taken relative to the workspace, as the official action does (`/.env` is `$GITHUB_WORKSPACE/.env`); a path already under `$GITHUB_WORKSPACE` or `$RUNNER_TEMP` is used as given." },
  { name: "secret-path", default: "/", description: "The folder to read, e.g. `/app/db`. Several folders: one per line; a later folder's key overrides an earlier one's (reported by name)." },
  { name: "include-imports", default: "true", description: "Include the secrets the folder imports (its own secrets win; among imports the bottom-most wins)." },
  { name: "recursive", default: "false", description: "Include every sub-folder. A key found in several folders is taken from the deepest one and reported by name (see `on-collision`)." },
  { name: "extra-headers", description: "Extra HTTP headers for every request, one `Name: value` per line." },
  // Inputs of the official action's newer versions.
  { name: "project-id", description: "The project's id. Set this or `project-slug`." },
  { name: "secret-name", description: "Only these secrets, by name (commas or newlines). Each must exist, or the step fails naming the missing ones. `recursive` is ignored." },
  { name: "env-prefix", description: "Prefix added to each exported name, e.g. `TF_VAR_`." },
  { name: "env-suffix", description: "Suffix added to each exported name." },
  { name: "clean", default: "true", description: "Delete the file written by `export-type: file` in the post step, at the end of the job." },
  // Beyond the official action.
  { name: "token", description: "With `method: token`: an Infisical access token." },
  { name: "service-token", description: "With `method: service-token`: a legacy service token `st.<id>.<secret>.<key>`; default: the job's `INFISICAL_TOKEN`. Only `st.<id>.<secret>` is sent: the key decrypts end-to-end encrypted projects on the runner. Without `project-id`/`project-slug` and `env-slug`, the token's project and its single scope's environment are used." },
  { name: "aws-region", description: "AWS IAM: the STS region to sign for; default `AWS_REGION`, then `AWS_DEFAULT_REGION`, then `us-east-1`." },
  { name: "file-format", default: "dotenv", description: "With `export-type: file`: `dotenv`, `json`, `yaml` or `shell` (`export NAME='value'` lines, safe to `source`)." },
  { name: "tags", description: "Only secrets carrying one of these tag slugs (commas or newlines)." },
  { name: "on-collision", default: "deepest", description: "With `recursive`: what to do when a key is in several folders, `deepest` (the deepest folder wins; reported by name) or `fail`." },
  { name: "invalid-names", default: "skip", description: "Secret names that are not valid environment variable names (`my-key`, `dotted.key`, `1ST`): `skip` (with a warning naming them), `normalise` (replace invalid characters with `_`) or `fail`." },
  { name: "allow-reserved-names", description: "Names that may override reserved variables (`PATH`, `NODE_OPTIONS`, `LD_PRELOAD`, `GITHUB_*`…), commas or newlines. Without this, such secrets are refused with a warning." },
  { name: "mask-min-length", default: "6", description: "Values shorter than this are exported but not masked (so `1`, `true` or `false` do not blank the log); a warning names each such key." },
  { name: "output-access-token", default: "false", description: "Set the `access-token` output (masked) for later steps that call Infisical themselves." },
  { name: "revoke-token", default: "false", description: "Revoke the access token in the post step, at the end of the job." },
  { name: "dynamic-secrets", description: "Dynamic secrets to lease for this job, one per line: `name[:path][@ttl]`, then optionally `NAME=FIELD` words to rename credentials, e.g. `pg-app@30m` or `pg-reports:/reporting@1h PGUSER=DB_USERNAME PGPASSWORD=DB_PASSWORD`. The credentials (`DB_USERNAME`, `DB_PASSWORD`, …) are masked and exported like secrets (`env-prefix` does not apply); every lease is revoked in the post step, even when the job fails. Needs `project-slug` (the lease API takes no project id) and a machine identity login (not a service token). TTL: 1m to 10y, default the dynamic secret's own." },
  { name: "fetch-secrets", default: "true", description: "Fetch the secrets of `secret-path`. Set `false` to only lease `dynamic-secrets`." },
  { name: "ca-certificate", description: "PEM of a CA to trust for the Infisical server (self-hosted with a private CA), added to the system roots. `NODE_EXTRA_CA_CERTS` also works." },
  { name: "timeout", default: "120", description: "Seconds the whole step may take, retries included. Each request also times out after 30 seconds." },
  { name: "retries", default: "4", description: "Retries of a request that failed for a passing reason (429, 502, 503, 504, network), with exponential backoff and jitter. Never on 401/403/404." },
];

export const OUTPUTS: readonly OutputSpec[] = [
  { name: "secret-count", description: "How many secrets were exported." },
  { name: "secrets-file", description: "The path of the file written by `export-type: file`." },
  { name: "access-token", description: "The Infisical access token (masked), when `output-access-token: true`." },
  { name: "lease-id", description: "The id of the lease made for `dynamic-secrets` (one per line, in input order, when several). Not secret." },
  { name: "lease-expires-at", description: "When that lease expires, ISO 8601 UTC (the earliest one when several). Not secret." },
  { name: "leases", description: "Every lease as JSON: `[{\"name\",\"path\",\"id\",\"expiresAt\",\"variables\":[…]}]`. Not secret." },
];

/** The names of every input, for the parser's unknown-name checks. */
export const INPUT_NAMES: ReadonlySet<string> = new Set(INPUTS.map((input) => input.name));
