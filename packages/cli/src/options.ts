/**
 * Every option the CLI knows: the one source for argument parsing, `--help`, and the CI templates built on the CLI
 * (GitLab `spec: inputs:`, orb parameters), whose tests check that they agree with this table.
 */

/** How an option's text is read. */
export type OptionType = "string" | "boolean" | "integer" | "list";

/** Where the option belongs; `--help` lists options by group. */
export type OptionGroup = "connection" | "auth" | "secrets" | "names" | "leases" | "run" | "export" | "general";

/** One option: a long flag `--<name>`, read from the first non-empty of `env` when the flag is not given. */
export interface OptionSpec {
  /** The long flag without `--`, e.g. `domain`. */
  readonly name: string;
  readonly type: OptionType;
  readonly group: OptionGroup;
  /** One sentence for `--help` and the templates. */
  readonly description: string;
  /** Environment variables read when the flag is absent, first non-empty wins. */
  readonly env?: readonly string[];
  /** The value when neither flag nor environment gives one, as text (`"true"`, `"120"`, `"/"`). */
  readonly default?: string;
  /** The only values allowed. */
  readonly choices?: readonly string[];
  /** Other spellings of the flag, e.g. `env` for `env-slug`. */
  readonly aliases?: readonly string[];
  /** One-letter flag, e.g. `h` for `-h`. */
  readonly short?: string;
  /** Name of the value in `--help` (default VALUE, or the choices). */
  readonly placeholder?: string;
  /** For lists: how environment text is split (default commas and newlines). Repeated flags always add items. */
  readonly separator?: "comma-newline" | "newline";
  /** For integers: the allowed range. */
  readonly min?: number;
  readonly max?: number;
  /** The value is a credential: it is redacted from the command's output, and passing it as a flag is discouraged. */
  readonly secret?: boolean;
}

/** The default Infisical server. */
export const DEFAULT_DOMAIN = "https://app.infisical.com";

/** The login methods, as the GitHub Action names them. */
export const AUTH_METHODS = ["universal", "oidc", "aws-iam", "token", "service-token"] as const;
export type AuthMethodName = (typeof AUTH_METHODS)[number];

/** The file formats of `export`, each written by core and read back exactly by its own parser. */
export const EXPORT_FORMATS = ["dotenv", "shell", "json", "yaml"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * The table. Names follow the GitHub Action's inputs where one exists (`method`, `project-slug`, `env-slug`,
 * `secret-path`…), so one vocabulary covers all three CIs; the environment names are `INFISICAL_` and the option name
 * in capitals.
 */
export const OPTIONS: readonly OptionSpec[] = [
  // Connection.
  {
    name: "domain",
    type: "string",
    group: "connection",
    env: ["INFISICAL_DOMAIN"],
    default: DEFAULT_DOMAIN,
    placeholder: "URL",
    description: "The Infisical server: https://app.infisical.com, https://eu.infisical.com, or your self-hosted URL.",
  },
  {
    name: "extra-header",
    type: "list",
    group: "connection",
    env: ["INFISICAL_EXTRA_HEADERS"],
    separator: "newline",
    placeholder: "'NAME: VALUE'",
    description: "An extra HTTP header for every request (repeat the flag; one per line in the variable), e.g. for an access proxy in front of the server.",
  },
  {
    name: "ca-certificate",
    type: "string",
    group: "connection",
    env: ["INFISICAL_CA_CERTIFICATE"],
    placeholder: "FILE|PEM",
    description: "A CA to trust for the server (self-hosted with a private CA): a PEM file's path or the PEM text. NODE_EXTRA_CA_CERTS also works.",
  },
  {
    name: "timeout",
    type: "integer",
    group: "connection",
    env: ["INFISICAL_TIMEOUT"],
    default: "120",
    min: 1,
    max: 3600,
    placeholder: "SECONDS",
    description: "Seconds the login and fetch may take, retries included; each request also times out after 30 seconds.",
  },
  {
    name: "retries",
    type: "integer",
    group: "connection",
    env: ["INFISICAL_RETRIES"],
    default: "4",
    min: 0,
    max: 10,
    placeholder: "N",
    description: "Retries of a request that failed for a passing reason (429, 502, 503, 504, network), with backoff; never on 401, 403 or 404.",
  },
  // Login.
  {
    name: "method",
    type: "string",
    group: "auth",
    env: ["INFISICAL_METHOD"],
    default: "universal",
    choices: AUTH_METHODS,
    description: "How to log in: universal (client id and secret), oidc (the CI's ID token), aws-iam (the job's AWS credentials), or token (an access token).",
  },
  {
    name: "client-id",
    type: "string",
    group: "auth",
    env: ["INFISICAL_CLIENT_ID"],
    placeholder: "ID",
    description: "Universal auth: the machine identity's client id.",
  },
  {
    name: "client-secret",
    type: "string",
    group: "auth",
    env: ["INFISICAL_CLIENT_SECRET"],
    secret: true,
    placeholder: "SECRET",
    description: "Universal auth: the machine identity's client secret. Prefer the variable to the flag, which other processes can see.",
  },
  {
    name: "identity-id",
    type: "string",
    group: "auth",
    env: ["INFISICAL_IDENTITY_ID"],
    placeholder: "ID",
    description: "OIDC and AWS IAM: the machine identity's id.",
  },
  {
    name: "id-token-variable",
    type: "string",
    group: "auth",
    env: ["INFISICAL_ID_TOKEN_VARIABLE"],
    placeholder: "NAME",
    description: "OIDC: the environment variable that holds the CI's ID token (JWT).",
  },
  {
    name: "token",
    type: "string",
    group: "auth",
    env: ["INFISICAL_TOKEN"],
    secret: true,
    placeholder: "TOKEN",
    description: "Method token: an access token obtained elsewhere. It is used as is and never revoked.",
  },
  {
    name: "service-token",
    type: "string",
    group: "auth",
    env: ["INFISICAL_SERVICE_TOKEN", "INFISICAL_TOKEN"],
    secret: true,
    placeholder: "TOKEN",
    description:
      "Method service-token: a legacy service token st.<id>.<secret>.<key>, for end-to-end encrypted projects. Only st.<id>.<secret> is sent; the key decrypts on the runner. Without a project and environment, the token's own are used.",
  },
  {
    name: "aws-region",
    type: "string",
    group: "auth",
    env: ["INFISICAL_AWS_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"],
    default: "us-east-1",
    placeholder: "REGION",
    description: "AWS IAM: the STS region the login is signed for.",
  },
  // What to fetch.
  {
    name: "project-slug",
    type: "string",
    group: "secrets",
    env: ["INFISICAL_PROJECT_SLUG"],
    placeholder: "SLUG",
    description: "The project's slug. Set this or project-id.",
  },
  {
    name: "project-id",
    type: "string",
    group: "secrets",
    env: ["INFISICAL_PROJECT_ID"],
    placeholder: "ID",
    description: "The project's id. Set this or project-slug.",
  },
  {
    name: "env-slug",
    type: "string",
    group: "secrets",
    env: ["INFISICAL_ENV_SLUG"],
    aliases: ["env"],
    placeholder: "SLUG",
    description: "The environment's slug, e.g. dev or prod.",
  },
  {
    name: "secret-path",
    type: "list",
    group: "secrets",
    env: ["INFISICAL_SECRET_PATH"],
    default: "/",
    aliases: ["path"],
    placeholder: "PATH",
    description: "The folder to read, e.g. /app/db. Several folders: repeat the flag, or commas or newlines; a later folder's key overrides an earlier one's.",
  },
  {
    name: "recursive",
    type: "boolean",
    group: "secrets",
    env: ["INFISICAL_RECURSIVE"],
    default: "false",
    description: "Include every sub-folder; a key found in several folders is taken from the deepest (see on-collision).",
  },
  {
    name: "include-imports",
    type: "boolean",
    group: "secrets",
    env: ["INFISICAL_INCLUDE_IMPORTS"],
    default: "true",
    description: "Include the secrets the folder imports; the folder's own secrets win.",
  },
  {
    name: "secret-name",
    type: "list",
    group: "secrets",
    env: ["INFISICAL_SECRET_NAME"],
    placeholder: "NAME",
    description: "Only these secrets (repeat the flag, or commas or newlines). Each must exist, or nothing is fetched; recursive is ignored.",
  },
  {
    name: "tags",
    type: "list",
    group: "secrets",
    env: ["INFISICAL_TAGS"],
    placeholder: "SLUG",
    description: "Only secrets carrying one of these tag slugs.",
  },
  {
    name: "on-collision",
    type: "string",
    group: "secrets",
    env: ["INFISICAL_ON_COLLISION"],
    default: "deepest",
    choices: ["deepest", "fail"],
    description: "With recursive, a key found in several folders: take the deepest folder's (reported by name), or fail.",
  },
  // Names and redaction.
  {
    name: "env-prefix",
    type: "string",
    group: "names",
    env: ["INFISICAL_ENV_PREFIX"],
    placeholder: "PREFIX",
    description: "Put in front of every variable name, e.g. TF_VAR_.",
  },
  {
    name: "env-suffix",
    type: "string",
    group: "names",
    env: ["INFISICAL_ENV_SUFFIX"],
    placeholder: "SUFFIX",
    description: "Put after every variable name.",
  },
  {
    name: "invalid-names",
    type: "string",
    group: "names",
    env: ["INFISICAL_INVALID_NAMES"],
    default: "skip",
    choices: ["skip", "normalise", "fail"],
    description: "A key that is not a valid variable name (my-key): skip it with a warning, normalise it (my_key), or fail.",
  },
  {
    name: "allow-reserved-names",
    type: "list",
    group: "names",
    env: ["INFISICAL_ALLOW_RESERVED_NAMES"],
    placeholder: "NAME",
    description: "Names that may override reserved variables (PATH, LD_PRELOAD, CI_*…), each as exported; others are refused with a warning.",
  },
  {
    name: "mask-min-length",
    type: "integer",
    group: "names",
    env: ["INFISICAL_MASK_MIN_LENGTH"],
    default: "6",
    min: 1,
    max: 1000,
    placeholder: "N",
    description: "Values shorter than this are not redacted (so 1, true or 5432 do not blank the log); a warning names each such key.",
  },
  // Leases.
  {
    name: "dynamic-secrets",
    type: "list",
    group: "leases",
    env: ["INFISICAL_DYNAMIC_SECRETS"],
    separator: "newline",
    placeholder: "'NAME[:PATH][@TTL] [VAR=FIELD…]'",
    description:
      "Dynamic secrets to lease, one per line (or repeat the flag): name[:path][@ttl], then VAR=FIELD words to rename credentials, e.g. pg-app@30m PGUSER=DB_USERNAME. TTL 1m to 10y; default the dynamic secret's own. Needs --project-slug.",
  },
  {
    name: "fetch-secrets",
    type: "boolean",
    group: "leases",
    env: ["INFISICAL_FETCH_SECRETS"],
    default: "true",
    description: "Fetch the secrets of --secret-path as well as leasing (lease: default false). Set false to only lease.",
  },
  {
    name: "lease-file",
    type: "string",
    group: "leases",
    env: ["INFISICAL_LEASE_FILE"],
    placeholder: "FILE",
    description: "Where lease records (ids, never credentials) are kept for `revoke` in a later step or after_script; default: a file in the job's private temporary folder.",
  },
  // run
  {
    name: "command",
    type: "string",
    group: "run",
    env: ["INFISICAL_COMMAND"],
    placeholder: "SCRIPT",
    description: "The command to run, as shell text given to --shell -c, when none follows --.",
  },
  {
    name: "shell",
    type: "string",
    group: "run",
    env: ["INFISICAL_SHELL"],
    default: "/bin/sh",
    placeholder: "PATH",
    description: "The shell that runs --command.",
  },
  // export
  {
    name: "format",
    type: "string",
    group: "export",
    env: ["INFISICAL_EXPORT_FORMAT"],
    choices: EXPORT_FORMATS,
    description: "The file's format; default from the --output extension (.json, .yaml/.yml, .sh), else dotenv.",
  },
  {
    name: "output",
    type: "string",
    group: "export",
    env: ["INFISICAL_EXPORT_OUTPUT"],
    short: "o",
    placeholder: "FILE",
    description: "Where to write the file (mode 0600, replaced whole). Default: a new file in a private temporary folder. Never stdout.",
  },
  // General.
  {
    name: "quiet",
    type: "boolean",
    group: "general",
    env: ["INFISICAL_QUIET"],
    default: "false",
    short: "q",
    description: "Print only warnings and errors.",
  },
  { name: "help", type: "boolean", group: "general", short: "h", description: "Show help." },
  { name: "version", type: "boolean", group: "general", short: "V", description: "Print the version." },
];

/** The options of the login and fetch every secrets command shares (run, export, CircleCI's load). */
export const FETCH_OPTION_GROUPS: readonly OptionGroup[] = ["connection", "auth", "secrets", "names"];

/** The spec of a known option; throws on an unknown name (a programming error, not a user's). */
export function optionSpec(name: string, table: readonly OptionSpec[] = OPTIONS): OptionSpec {
  const spec = table.find((option) => option.name === name);
  if (spec === undefined) throw new Error(`unknown option ${name}`);
  return spec;
}

/** The names of every option in these groups, in table order. */
export function optionsInGroups(groups: readonly OptionGroup[], table: readonly OptionSpec[] = OPTIONS): string[] {
  return table.filter((option) => groups.includes(option.group)).map((option) => option.name);
}
