/**
 * `load`: fetch the secrets and append them to `$BASH_ENV`, which bash sources before every later step of the job.
 * All or nothing: a failed login or fetch, a refused name with `invalid-names fail`, or a value the file cannot carry
 * safely leaves `$BASH_ENV` as it was. CircleCI masks only project and context variables, never values set while a job
 * runs, so the command says so and points to `exec`. With --dynamic-secrets it leases too (the orb's `lease` is `load`
 * with --fetch-secrets false): the credentials go to `$BASH_ENV` like secrets, each lease is recorded in the lease file
 * for the orb's `revoke` step, and a failure after leasing revokes what was leased.
 */
import { appendFileSync, chmodSync, statSync } from "node:fs";
import {
  type FetchConfig,
  type LeasePlan,
  EXIT,
  FETCH_OPTION_GROUPS,
  defineCommand,
  exportInputNames,
  loadSecrets,
  optionsInGroups,
  readFetchConfig,
  readLeasePlan,
  revokeOwnLeases,
} from "@secrets-action/cli";
import { ExportError, type ExportVariable, errorMessage } from "@secrets-action/core";
import { writeBashEnv } from "../bash-env.js";
import { bashNameReason } from "../bash-names.js";

/** What `load` will do. */
export interface LoadPlan {
  readonly config: FetchConfig;
  /** Dynamic secrets to lease; none without --dynamic-secrets. */
  readonly leases: LeasePlan;
  readonly fetch: boolean;
  /** The file CircleCI named in $BASH_ENV. */
  readonly bashEnv: string;
}

/** Leaves out the names bash keeps for itself, or fails on them with `invalid-names fail`. */
export function withoutBashNames(variables: readonly ExportVariable[], strict: boolean, label: string): { variables: ExportVariable[]; warning: string | undefined } {
  const kept: ExportVariable[] = [];
  const refused: string[] = [];
  for (const variable of variables) {
    const reason = bashNameReason(variable.name);
    if (reason === undefined) kept.push(variable);
    else refused.push(`${variable.name} (${reason})`);
  }
  if (refused.length === 0) return { variables: kept, warning: undefined };
  if (strict) {
    throw new ExportError(
      refused.map((item) => `BASH_ENV: ${item}`),
      `Rename the secret${refused.length === 1 ? "" : "s"} in Infisical or set a prefix; nothing was written to BASH_ENV.`,
    );
  }
  return {
    variables: kept,
    warning: `Left out ${refused.length === 1 ? "1 secret" : `${refused.length} secrets`} that bash keeps for itself: ${refused.join(", ")}. Rename ${refused.length === 1 ? "it" : "them"} in Infisical or set a prefix (${label}).`,
  };
}

/** The `load` command. */
export const loadCommand = defineCommand<LoadPlan>({
  name: "load",
  summary: "Append the secrets to $BASH_ENV for the job's later steps (CircleCI does not mask them; prefer exec).",
  usage: "[options]",
  details: [
    "Logs in, fetches the secrets and appends them to the file $BASH_ENV names, which bash sources before every later step of the job, so those steps see them as environment variables. Each value travels in a quoted heredoc with its own random delimiter and is read back byte for byte (newlines, quotes, $, backslashes, unicode, trailing newlines, empty values); a value that contains the delimiters' marker is refused before anything is written, so no value can set another variable or run a command.",
    "CircleCI masks only project and context variables, not values set while a job runs: whatever a later step prints shows in the log. To keep the secrets out of the log, run the command through exec instead, which redacts its output.",
    "Nothing is written unless every secret can be: a failed login or fetch, or a refused value, leaves $BASH_ENV as it was. Names bash keeps for itself (BASH_*, UID, PWD, RANDOM…) are left out with a warning, like reserved names.",
    "With --dynamic-secrets, it also leases dynamic secrets (e.g. a PostgreSQL role for this job) and appends their credentials (DB_USERNAME, DB_PASSWORD, … or the VAR=FIELD names given) the same way; --fetch-secrets false leases only. Each lease is recorded in --lease-file the moment it exists: run `revoke` in a later step with `when: always` (the orb's revoke command does) to end them, also when a step failed. If load fails after leasing, it revokes what it leased.",
  ],
  optionNames: [...optionsInGroups([...FETCH_OPTION_GROUPS, "leases"]), "quiet"],
  configure(context) {
    const { values } = context;
    const config = readFetchConfig({ values, env: context.env, conventions: context.conventions, cwd: context.cwd });
    const leases = readLeasePlan(context, { projectSlug: config.projectSlug, method: config.auth.method }, false);
    const fetch = values.boolean("fetch-secrets");
    if (!fetch && values.list("dynamic-secrets").length === 0) {
      values.problems.push(`${values.label("fetch-secrets")}: false with no ${values.ways("dynamic-secrets")} leaves nothing to load. Name the dynamic secrets to lease, e.g. pg-tests@30m.`);
    }
    const bashEnv = context.env["BASH_ENV"]?.trim() ?? "";
    if (bashEnv === "") {
      values.problems.push(
        `${context.name}: $BASH_ENV is not set. CircleCI sets it in every job for bash to source before each step; elsewhere, use exec, or write a file with export --format shell and source it.`,
      );
    }
    return { config, leases, fetch, bashEnv };
  },
  async execute(plan, context) {
    const { log, values } = context;
    const loaded = await loadSecrets(plan.config, context, { inputNames: exportInputNames(values), leases: plan.leases, fetch: plan.fetch });
    const records = loaded.leased?.records ?? [];
    let names: string[];
    try {
      const { variables, warning } = withoutBashNames(loaded.variables, plan.config.invalidNames === "fail", values.label("env-prefix"));
      if (warning !== undefined) log.warn(warning);
      names = variables.map((variable) => variable.name);
      const from = [plan.fetch ? loaded.where : "", records.length > 0 ? `${records.length} lease${records.length === 1 ? "" : "s"}` : ""].filter((part) => part !== "").join(" and ");
      const text = writeBashEnv(variables, { comment: `${context.conventions.program} load: ${names.length} variable${names.length === 1 ? "" : "s"} from ${from}` });
      if (text !== "") appendOnce(plan.bashEnv, text);
    } catch (error) {
      // Fail closed: nothing was written, so no step can use these leases; end them now rather than at their TTL.
      await revokeOwnLeases(plan.config, plan.leases.leaseFile, records, context);
      throw error;
    }
    const fetched = plan.fetch ? `fetched ${loaded.secrets.length} secret${loaded.secrets.length === 1 ? "" : "s"} from ${loaded.where} (API ${loaded.apiVersion}); ` : "";
    log.info(`${fetched}appended ${names.length} to $BASH_ENV for the later steps of this job: ${names.join(", ") || "(none)"}.`);
    if (records.length > 0) {
      log.info(`revoke the lease${records.length === 1 ? "" : "s"} with \`${context.conventions.program} revoke\` in a later step with \`when: always\` (the orb's revoke command).`);
    }
    if (names.length > 0) {
      log.warn(
        "CircleCI does not mask values set while a job runs: a later step that prints one of these variables shows it in the log. To keep them out of the log, run the command with exec (the orb's exec command), which redacts its output.",
      );
    }
    return EXIT.OK;
  },
});

/** Appends with one write (the text is complete or not written), and keeps the file private to the job's user. */
function appendOnce(path: string, text: string): void {
  try {
    appendFileSync(path, text, { mode: 0o600 });
  } catch (error) {
    throw new ExportError([`BASH_ENV: could not append to ${path} (${errorMessage(error)})`], "Check that $BASH_ENV names a writable file; nothing was written.");
  }
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  } catch {
    // A file we may append to but not chmod (another user's) keeps its mode; the values are in it either way.
  }
}
