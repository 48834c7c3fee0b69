/**
 * `run`: fetch the secrets, start the command with them in its environment, and pass its output on redacted. For CIs
 * that cannot mask values produced at run time (GitLab, CircleCI), this is how a secret stays out of the log.
 */
import { masksForAll } from "@secrets-action/core";
import { type CommandContext, defineCommand } from "../command.js";
import { type FetchConfig, exportInputNames, readFetchConfig } from "../fetch-config.js";
import { type LeasePlan, readLeasePlan, revokeOwnLeases } from "../leases.js";
import { type LoadedSecrets, loadSecrets } from "../load-secrets.js";
import { FETCH_OPTION_GROUPS, optionsInGroups } from "../options.js";
import { runRedacted } from "../redacted-child.js";

/** What `run` will start. */
export interface RunPlan {
  readonly config: FetchConfig;
  /** Dynamic secrets to lease for the command; revoked when it ends. */
  readonly leases: LeasePlan;
  readonly fetch: boolean;
  readonly program: string;
  readonly args: readonly string[];
  /** How the log names it: the program, or `the --command script`. */
  readonly shown: string;
}

/** The `run` command. */
export const runCommand = defineCommand<RunPlan>({
  name: "run",
  summary: "Run a command with the secrets in its environment; its output is redacted.",
  usage: "[options] [--] <command> [args…]   or   [options] --command '<shell script>'",
  details: [
    "Logs in, fetches the secrets, and starts the command with them added to its environment. Its stdout and stderr pass through a redactor that replaces every secret — each line of a multi-line value, and its base64, URL-encoded and JSON-escaped forms — with [MASKED], as soon as the bytes arrive: output without newlines (a progress bar) is not held back.",
    "The secrets are in the command's environment only, not in the shell that called run: write `run -- sh -c 'echo \"$NAME\"'`, not `run -- echo $NAME`, which the calling shell expands first. The access token is revoked before the command starts.",
    "With --dynamic-secrets, the leases' credentials (e.g. DB_USERNAME and DB_PASSWORD of a PostgreSQL role made for this job) join the secrets in the command's environment, redacted the same way, and the leases are revoked when the command ends. They are also recorded in --lease-file, so a `revoke` in an after_script ends them if the job is killed first.",
    "SIGINT, SIGTERM and SIGHUP are passed on to the command. run exits with the command's exit code; 128 + N when signal N killed it, 127 when it was not found, 126 when it could not be executed; 1 or 2 when run itself failed before starting it.",
  ],
  optionNames: [...optionsInGroups([...FETCH_OPTION_GROUPS, "leases"]), "command", "shell", "quiet"],
  takesCommand: true,
  configure(context) {
    const { values, rest } = context;
    const config = readFetchConfig({ values, env: context.env, conventions: context.conventions, cwd: context.cwd });
    const leases = readLeasePlan(context, { projectSlug: config.projectSlug, method: config.auth.method }, false);
    const fetch = values.boolean("fetch-secrets");
    if (!fetch && values.list("dynamic-secrets").length === 0) {
      values.problems.push(`${values.label("fetch-secrets")}: false with no ${values.label("dynamic-secrets")} leaves nothing to put in the command's environment.`);
    }
    const given = rest !== undefined && rest.length > 0;
    // A command on the command line wins over INFISICAL_COMMAND, which a CI template may set for every job.
    const script = given && values.source("command") === "env" ? undefined : values.string("command");
    const shell = values.string("shell") ?? "/bin/sh";
    if (given && script !== undefined) {
      values.problems.push(`${values.label("command")}: give the command either after -- or with --command, not both.`);
    }
    if (!given && script === undefined) {
      values.problems.push(`${context.name}: no command to run. Put it after the options (${context.name} -- ./deploy.sh), or set ${values.ways("command")} to a shell script.`);
    }
    if (given) return { config, leases, fetch, program: rest[0] ?? "", args: rest.slice(1), shown: rest[0] ?? "" };
    return { config, leases, fetch, program: shell, args: ["-c", script ?? ""], shown: `the ${values.label("command")} script` };
  },
  async execute(plan, context) {
    const loaded = await loadSecrets(plan.config, context, { inputNames: exportInputNames(context.values), leases: plan.leases, fetch: plan.fetch });
    const records = loaded.leased?.records ?? [];
    try {
      return await runWith(plan, context, loaded);
    } finally {
      // The leases end with the command; a revoke in an after_script finds nothing left to do.
      await revokeOwnLeases(plan.config, plan.leases.leaseFile, records, context);
    }
  },
});

/** Starts the command with the secrets and the leases' credentials, its output redacted; resolves with its exit code. */
async function runWith(plan: RunPlan, context: CommandContext, loaded: LoadedSecrets): Promise<number> {
  const { log, conventions } = context;
  const short = [
    ...masksForAll(loaded.secrets, { minLength: plan.config.maskMinLength }).short,
    ...(loaded.leased?.short ?? []),
  ];
  if (short.length > 0) {
    log.warn(
      `${short.length === 1 ? "1 secret is (or contains lines or fields)" : `${short.length} secrets are (or contain lines or fields)`} shorter than ${context.values.label("mask-min-length")} ${plan.config.maskMinLength} and not redacted: ${short.join(", ")}. Lower ${context.values.label("mask-min-length")} to redact them.`,
    );
  }
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(context.env)) if (value !== undefined) env[name] = value;
  for (const variable of loaded.variables) env[variable.name] = variable.value;
  const count = loaded.variables.length;
  const leases = loaded.leased?.records.length ?? 0;
  const fetched = plan.fetch ? `fetched ${loaded.secrets.length} secret${loaded.secrets.length === 1 ? "" : "s"} from ${loaded.where} (API ${loaded.apiVersion}); ` : "";
  const credentials = leases > 0 ? ` (with the credentials of ${leases} lease${leases === 1 ? "" : "s"})` : "";
  log.info(`${fetched}running ${plan.shown} with ${count} variable${count === 1 ? "" : "s"}${credentials} in its environment, output redacted.`);
  const result = await runRedacted({
    command: plan.program,
    args: plan.args,
    env,
    cwd: context.cwd,
    secrets: loaded.sensitive,
    minLength: plan.config.maskMinLength,
    ...(conventions.replacement === undefined ? {} : { replacement: conventions.replacement }),
    stdout: context.io.stdout,
    stderr: context.io.stderr,
    signals: context.io.signals,
  });
  if (result.startError !== undefined) {
    const why = result.startError.code === "ENOENT" ? "not found" : `could not be executed (${result.startError.code})`;
    log.error(`${plan.program}: ${why}. Check the command's name and the PATH, and that the file is executable.`);
    return result.exitCode;
  }
  if (result.abandonedOutput) {
    log.warn("the command exited, but a process it started still held its output open; that process's later output is not shown.");
  }
  if (result.signal !== null) log.info(`${plan.shown} was killed by ${result.signal} (exit ${result.exitCode}).`);
  else if (result.exitCode !== 0) log.info(`${plan.shown} exited with ${result.exitCode}.`);
  return result.exitCode;
}
