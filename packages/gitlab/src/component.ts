/**
 * The CI/CD component: `templates/secrets.yml` of the component project (actions/gitlab), rendered from this file by
 * `pnpm build` so its inputs cannot drift from the CLI's option table. An input that configures the CLI takes its
 * type, default, options and description from the option it sets; the job passes every input to the CLI through a
 * variable, never by pasting it into shell text.
 */
import { OPTIONS, type OptionSpec } from "@secrets-action/cli";
import { ID_TOKEN_VARIABLE, PROGRAM } from "./conventions.js";
import { VERSION } from "./version.js";

/** The component project's path on gitlab.com: `include: component: gitlab.com/<this>/secrets@<version>`. */
export const COMPONENT_PROJECT = "secrets-action/gitlab";
/** The component's name (templates/<name>.yml). */
export const COMPONENT_NAME = "secrets";
/** The CLI bundle's file name in the component project's bin/ folder. */
export const CLI_FILE = "secrets-action-gitlab.mjs";

/** Where the job downloads the CLI when cli-url is empty: the bundle committed at the release tag. */
export function defaultCliUrl(version: string): string {
  return `https://gitlab.com/${COMPONENT_PROJECT}/-/raw/${version}/bin/${CLI_FILE}`;
}

/** One `spec: inputs:` entry. */
export interface ComponentInput {
  readonly name: string;
  readonly type: "string" | "boolean" | "number";
  readonly default: string | boolean | number;
  readonly description: string;
  readonly options?: readonly string[];
  readonly regex?: string;
  /** The job variable the input sets. */
  readonly variable?: string;
  /** The CLI option the variable feeds (its first environment name is `variable`). */
  readonly option?: string;
}

/** An input that sets a CLI option: everything but the name comes from the option table. */
function fromOption(name: string, extra: Partial<Pick<ComponentInput, "regex" | "description">> = {}): ComponentInput {
  const spec: OptionSpec | undefined = OPTIONS.find((option) => option.name === name);
  if (spec === undefined || spec.env === undefined || spec.env[0] === undefined) throw new Error(`component input ${name}: no CLI option with a variable`);
  const type = spec.type === "boolean" ? "boolean" : spec.type === "integer" ? "number" : "string";
  const fallback = spec.default ?? "";
  const value = type === "boolean" ? fallback === "true" : type === "number" ? Number(fallback) : fallback;
  return {
    name,
    type,
    default: value,
    description: extra.description ?? spec.description,
    ...(spec.choices ? { options: spec.choices } : {}),
    ...(extra.regex ? { regex: extra.regex } : {}),
    variable: spec.env[0],
    option: name,
  };
}

/** Every input, in the order the README documents them. `sha256` is the pinned CLI bundle's checksum. */
export function componentInputs(sha256: string): ComponentInput[] {
  return [
    {
      name: "job-name",
      type: "string",
      default: ".secrets-action",
      description:
        "The job's name. The default is hidden: `extends:` it from your jobs. A visible name makes it a job of its own that runs `command`.",
    },
    { name: "stage", type: "string", default: "test", description: "The job's stage." },
    {
      name: "image",
      type: "string",
      default: "node:22-alpine",
      description: "The job's image. It needs Node.js 20 or newer (`node` on the PATH) besides what your command needs.",
    },
    fromOption("command", {
      description:
        "The shell script the job runs with the secrets in its environment (output redacted). GitLab expands $VARIABLES in it when it creates the job, before the secrets exist: write $$NAME for a secret.",
    }),
    fromOption("domain", { regex: "^https?://[^\\s]+$" }),
    fromOption("method"),
    fromOption("identity-id"),
    {
      name: "audience",
      type: "string",
      default: "https://app.infisical.com",
      description: `OIDC: the \`aud\` of the job's ID token (\`id_tokens: ${ID_TOKEN_VARIABLE}\`). It must match an audience bound to your Infisical identity.`,
    },
    fromOption("project-slug"),
    fromOption("project-id"),
    fromOption("env-slug"),
    fromOption("secret-path"),
    fromOption("recursive"),
    fromOption("include-imports"),
    fromOption("secret-name"),
    fromOption("tags"),
    fromOption("env-prefix", { regex: "^([A-Za-z_][A-Za-z0-9_]*)?$" }),
    fromOption("mask-min-length"),
    fromOption("dynamic-secrets", {
      description:
        "Dynamic secrets to lease for the job, one per line: name[:path][@ttl], then VAR=FIELD words to rename credentials (default DB_USERNAME, DB_PASSWORD, …), e.g. pg-tests@30m. `secrets-action run` puts the credentials in its command's environment (redacted) and revokes the leases when it ends; `secrets-action lease` writes them to a 0600 file. after_script revokes whatever is left, also when the job fails. TTL 1m to 10y.",
    }),
    {
      name: "cli-version",
      type: "string",
      default: VERSION,
      regex: "^\\d+\\.\\d+\\.\\d+$",
      description: "The secrets-action CLI version to install. Another version needs its own cli-sha256.",
      variable: "SECRETS_ACTION_CLI_VERSION",
    },
    {
      name: "cli-url",
      type: "string",
      default: "",
      description: `Where to get the CLI: an https:// URL (an internal mirror), or a local path or file:// URL (a runner without internet access). Empty: ${defaultCliUrl("<cli-version>")}.`,
      variable: "SECRETS_ACTION_CLI_URL",
    },
    {
      name: "cli-sha256",
      type: "string",
      default: sha256,
      regex: "^[0-9a-f]{64}$",
      description: "The SHA-256 of the CLI file; the job refuses a file with any other. The default is the pinned version's.",
      variable: "SECRETS_ACTION_CLI_SHA256",
    },
  ];
}

/** The inputs of the committed component (the pinned bundle's checksum is filled in by the build). */
export const COMPONENT_INPUTS = componentInputs("<sha256 of the bundle>");

/** A YAML double-quoted scalar: exact for any text. */
function quote(text: string): string {
  return JSON.stringify(text);
}

function yamlValue(value: string | boolean | number): string {
  return typeof value === "string" ? quote(value) : String(value);
}

/** The installer: POSIX sh, run in a subshell so its `set -eu` cannot change the job's shell. */
function installScript(sha256: string): string[] {
  return [
    "(",
    "  set -eu",
    '  home="$SECRETS_ACTION_HOME"',
    '  version="$SECRETS_ACTION_CLI_VERSION"',
    `  url="\${SECRETS_ACTION_CLI_URL:-${defaultCliUrl("$version")}}"`,
    '  fail() { echo "secrets-action install: $*" >&2; exit 1; }',
    '  command -v node >/dev/null 2>&1 || fail "node is not on the PATH. The CLI needs Node.js 20 or newer in the job\'s image (the image input, default node:22-alpine)."',
    '  node -e \'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)\' || fail "Node.js $(node --version) is too old: the CLI needs 20 or newer."',
    `  if [ "$version" != "${VERSION}" ] && [ "$SECRETS_ACTION_CLI_SHA256" = "${sha256}" ]; then fail "cli-version $version: set cli-sha256 to that version's checksum (the default is ${VERSION}'s)."; fi`,
    '  mkdir -p "$home/bin" && chmod 700 "$home"',
    `  file="$home/${CLI_FILE}"`,
    '  case "$url" in',
    '    file://*) cp "${url#file://}" "$file" || fail "cannot copy ${url#file://}." ;;',
    '    /*) cp "$url" "$file" || fail "cannot copy $url." ;;',
    "    *)",
    '      if command -v curl >/dev/null 2>&1; then curl -fsSL --retry 3 -o "$file" "$url" || fail "cannot download $url (curl failed)."',
    '      elif command -v wget >/dev/null 2>&1; then wget -q -O "$file" "$url" || fail "cannot download $url (wget failed)."',
    "      else node -e 'fetch(process.argv[1]).then(async (r) => { if (!r.ok) throw new Error(`HTTP ${r.status}`); require(\"fs\").writeFileSync(process.argv[2], Buffer.from(await r.arrayBuffer())); }).catch((e) => { console.error(e.message); process.exit(1); })' \"$url\" \"$file\" || fail \"cannot download $url.\"",
    "      fi ;;",
    "  esac",
    "  got=$(node -e 'process.stdout.write(require(\"crypto\").createHash(\"sha256\").update(require(\"fs\").readFileSync(process.argv[1])).digest(\"hex\"))' \"$file\")",
    '  if [ "$got" != "$SECRETS_ACTION_CLI_SHA256" ]; then rm -f "$file"; fail "$url has SHA-256 $got, not the expected $SECRETS_ACTION_CLI_SHA256. Refusing to run it."; fi',
    `  printf '#!/bin/sh\\nexec node "%s" "$@"\\n' "$file" > "$home/bin/${PROGRAM}"`,
    `  chmod 755 "$home/bin/${PROGRAM}"`,
    `  echo "secrets-action: installed the CLI $version (SHA-256 verified) as ${PROGRAM}."`,
    ")",
    'export PATH="$SECRETS_ACTION_HOME/bin:$PATH"',
  ];
}

/** after_script's revoke: every lease this job recorded and did not end itself (`lease`, a killed `run`). */
function revokeScript(): string[] {
  const cli = `"$SECRETS_ACTION_HOME/bin/${PROGRAM}"`;
  return [
    `if [ -x ${cli} ]; then`,
    `  ${cli} revoke || echo "secrets-action: warning: revoke failed (exit $?); the leases above expire at the end of their TTL." >&2`,
    "fi",
  ];
}

/** The whole `templates/secrets.yml`, for a CLI bundle with this SHA-256. */
export function renderComponent(sha256: string): string {
  const inputs = componentInputs(sha256);
  const lines = [
    "# Generated from packages/gitlab/src/component.ts by `pnpm build`; edit that file, not this one.",
    "spec:",
    "  description: Infisical secrets and short-lived dynamic secret leases in a job's command, its output redacted; leases revoked in after_script.",
    "  inputs:",
  ];
  for (const input of inputs) {
    lines.push(`    ${input.name}:`, `      type: ${input.type}`, `      default: ${yamlValue(input.default)}`, `      description: ${quote(input.description)}`);
    if (input.options) lines.push(`      options: [${input.options.map(quote).join(", ")}]`);
    if (input.regex) lines.push(`      regex: ${quote(input.regex)}`);
  }
  lines.push(
    "---",
    `"$[[ inputs.job-name ]]":`,
    "  stage: $[[ inputs.stage ]]",
    "  image: $[[ inputs.image ]]",
    "  id_tokens:",
    `    ${ID_TOKEN_VARIABLE}:`,
    "      aud: $[[ inputs.audience ]]",
    "  variables:",
  );
  for (const input of inputs) if (input.variable) lines.push(`    ${input.variable}: "$[[ inputs.${input.name} ]]"`);
  lines.push(
    "    # Outside the checkout (artifacts and caches cannot pick it up); the CLI, export's files and the lease file",
    "    # live here, and after_script deletes it once the leases are revoked.",
    '    SECRETS_ACTION_HOME: "${CI_PROJECT_DIR}.tmp/secrets-action-${CI_JOB_ID}"',
    "  before_script:",
    "    - |",
    ...installScript(sha256).map((line) => `      ${line}`),
    "  script:",
    `    - ${PROGRAM} run`,
    "  after_script:",
    "    # Runs when the job fails too, in a new shell (before_script's PATH is gone). Revoke needs no request when",
    "    # nothing was leased; a failure to revoke is a warning: the leases still expire at the end of their TTL.",
    "    - |",
    ...revokeScript().map((line) => `      ${line}`),
    '    - rm -rf "$SECRETS_ACTION_HOME"',
    "",
  );
  return lines.join("\n");
}
