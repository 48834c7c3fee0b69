/**
 * The main step: inputs → config → login → fetch → leases → names → masks → exports. Masks are registered before
 * anything that could contain a value is printed or exported; every export is prepared in memory first, so a failure
 * anywhere before the writes exports nothing. Each lease is saved in the state as soon as it exists, so the post step
 * revokes it whatever happens next.
 */
import {
  type ExportEntry,
  type ExportVariable,
  type FetchSecretsResult,
  type LeasedCredentials,
  type LeaseVariable,
  type Session,
  createDynamicSecretsClient,
  describeLease,
  leaseVariables,
  fetchFor,
  masksForAll,
  invalidNameOptions,
  planExport,
  writeDotenv,
  writeGithubEnv,
  writeJson,
  writeSecretFile,
  writeShell,
  writeYaml,
} from "@secrets-action/core";
import type { ActionConfig, FileFormat, RunnerEnv } from "./config.js";
import { openSession } from "./login.js";
import { runnerPlatform } from "./platform.js";
import type { Runner } from "./runner.js";
import { type CleanupState, type SavedLease, STATE_NAME } from "./state.js";

/** What the main step did, for tests and the demo. */
export interface RunResult {
  exported: string[];
  file: string | undefined;
  leases: SavedLease[];
}

/** What was fetched, or nothing with `fetch-secrets: false`. */
type Fetched = Pick<FetchSecretsResult, "secrets" | "warnings">;

/** The leases made so far, with their credentials (secret) and what the post step needs (not secret). */
interface Leased {
  credentials: LeasedCredentials[];
  saved: SavedLease[];
}

const FILE_WRITERS: Record<FileFormat, (variables: readonly ExportVariable[]) => string> = {
  dotenv: writeDotenv,
  json: writeJson,
  yaml: writeYaml,
  shell: writeShell,
};

/** Logs in, fetches, masks and exports, for a config already validated by `parseConfig`. */
export async function run(config: ActionConfig, env: RunnerEnv, runner: Runner): Promise<RunResult> {
  for (const warning of config.warnings) runner.warning(warning);
  const platform = runnerPlatform(env["RUNNER_OS"]);

  const { session, auth, close } = openSession(config, env, runner);
  try {
    const token = await session.token();
    runner.mask(token);

    const state: CleanupState = { domain: config.domain };
    let result: Fetched = { secrets: [], warnings: [] };
    if (config.fetchSecrets) {
      const fetched = await fetchFor(session, auth, { ...config, environmentInput: "env-slug" });
      const where = `${fetched.project.projectSlug ?? fetched.project.projectId}/${fetched.environment} at ${config.paths.join(", ")}${config.recursive ? " (recursive)" : ""}`;
      maskRenewedToken(session, token, runner);
      maskSecrets(fetched.secrets, config, runner);
      runner.info(`Fetched ${fetched.secrets.length} secret${fetched.secrets.length === 1 ? "" : "s"} from ${where} (API ${fetched.apiVersion}).`);
      result = fetched;
    }
    for (const warning of result.warnings) runner.warning(warning);
    const leased = await leaseAll(session, config, state, platform, runner);
    return await exportSecrets(result, leased, config, state, platform, runner, session.current()?.accessToken ?? token);
  } finally {
    await close();
  }
}

/** A renewal during a long fetch brings a new token: mask it too. */
function maskRenewedToken(session: Session, first: string, runner: Runner): void {
  const latest = session.current()?.accessToken;
  if (latest && latest !== first) runner.mask(latest);
}

/** Saves what the post step must clean up; the runner keeps the last value written under a name. */
function saveState(state: CleanupState, platform: string, runner: Runner): void {
  runner.appendFileCommand("GITHUB_STATE", writeGithubEnv([{ name: STATE_NAME, value: JSON.stringify(state) }], { platform }));
}

/**
 * Leases every dynamic secret, one after another. The token goes into the state before the first lease and each lease
 * right after it is made, so a failure or a cancellation at any later point still has every lease revoked.
 */
async function leaseAll(session: Session, config: ActionConfig, state: CleanupState, platform: string, runner: Runner): Promise<Leased> {
  const leased: Leased = { credentials: [], saved: [] };
  if (config.leases.length === 0) return leased;
  const projectSlug = config.projectSlug ?? "";
  const environment = config.environment ?? "";
  const client = createDynamicSecretsClient(session);
  const token = await session.token();
  runner.mask(token);
  state.token = token;
  state.leases = leased.saved;
  saveState(state, platform, runner);
  for (const request of config.leases) {
    const created = await client.lease(request.name, { projectSlug, environment, path: request.path, ttl: request.ttl });
    maskSecrets(Object.entries(created.data).map(([key, value]) => ({ key, value })), config, runner);
    leased.saved.push({ id: created.lease.id, name: request.name, path: request.path, projectSlug, environment, expiresAt: created.lease.expireAt.toISOString() });
    leased.credentials.push({ request, data: created.data });
    saveState(state, platform, runner);
    const ttl = request.ttl ?? `the default TTL, ${created.dynamicSecret.defaultTTL}`;
    runner.info(`Leased ${describeLease(request)} for ${ttl}: lease ${created.lease.id}, expires ${created.lease.expireAt.toISOString()}.`);
  }
  return leased;
}

/** Registers every mask of every value before any export or log line could contain one. */
function maskSecrets(secrets: ReadonlyArray<{ key: string; value: string }>, config: ActionConfig, runner: Runner): void {
  const { masks, short } = masksForAll(secrets, { minLength: config.maskMinLength });
  runner.maskAll(masks);
  if (short.length > 0) {
    runner.warning(
      `${short.length} secret value${short.length === 1 ? " is" : "s are"} (or contain lines or fields) shorter than mask-min-length ${config.maskMinLength} and are not masked in the log: ${short.join(", ")}. Lower mask-min-length to mask them.`,
    );
  }
}

/** Prepares every export in memory, then writes: state, file, outputs, environment. */
async function exportSecrets(
  result: Fetched,
  leased: Leased,
  config: ActionConfig,
  state: CleanupState,
  platform: string,
  runner: Runner,
  token: string,
): Promise<RunResult> {
  const types = config.exportTypes;
  const plan = types.has("none")
    ? undefined
    : planExport(result.secrets, {
          prefix: config.prefix,
          suffix: config.suffix,
          ...invalidNameOptions(config.invalidNames),
          allowReserved: config.allowReserved,
          platform,
          // A file alone is not an environment: a 1 MB value or (in json and yaml) a NUL fits there. A shell file's
          // `export` lines are sourced into one, whose every later program would fail to start.
          destination:
            types.has("env") || types.has("output") || config.file?.format === "shell"
              ? "environment"
              : config.file?.format === "json" || config.file?.format === "yaml"
                ? "file"
                : "text-file",
        inputNames: { prefix: "env-prefix", suffix: "env-suffix", normalise: "invalid-names: normalise", allowReserved: "allow-reserved-names", strict: "invalid-names: fail" },
      });
  for (const warning of plan?.warnings ?? []) runner.warning(warning);
  const secretVariables: readonly ExportVariable[] = plan?.entries ?? [];
  const credentials = leaseVariables(leased.credentials, secretOwners(plan?.entries ?? [], leased), platform);
  for (const warning of credentials.warnings) runner.warning(warning);
  const variables = types.has("none") || credentials.variables.length === 0 ? secretVariables : [...secretVariables, ...credentials.variables];
  const count = types.has("none") ? result.secrets.length : secretVariables.length;

  const file = config.file;
  const fileText = file ? FILE_WRITERS[file.format](variables) : undefined;
  const outputs: ExportVariable[] = [{ name: "secret-count", value: String(count) }];
  if (file) outputs.push({ name: "secrets-file", value: file.path });
  if (config.outputAccessToken) outputs.push({ name: "access-token", value: token });
  if (leased.saved.length > 0) outputs.push(...leaseOutputs(leased.saved, credentials.variables));
  if (types.has("output")) outputs.push(...variables);
  const outputText = writeGithubEnv(outputs, { platform });
  const envText = types.has("env") ? writeGithubEnv(variables, { platform }) : "";
  if (file?.clean) state.file = file.path;
  // A service token is not revoked: the revoke endpoint only knows access tokens, and the token's owner manages it.
  if (config.revokeToken && config.auth.method !== "service-token") state.token = token;
  if (config.revokeToken) state.revokeToken = true;

  // Everything is prepared: from here on only writes.
  if (state.file !== undefined || state.token !== undefined) saveState(state, platform, runner);
  if (file && fileText !== undefined) await writeSecretFile(file.path, fileText);
  runner.appendFileCommand("GITHUB_OUTPUT", outputText);
  runner.appendFileCommand("GITHUB_ENV", envText);

  const names = variables.map((variable) => variable.name);
  if (types.has("env")) runner.info(`Exported ${names.length} environment variable${names.length === 1 ? "" : "s"}: ${listNames(names)}`);
  if (types.has("output")) runner.info(`Set ${names.length} step output${names.length === 1 ? "" : "s"} (masked).`);
  if (file) runner.info(`Wrote ${names.length} secret${names.length === 1 ? "" : "s"} to ${file.path} (${file.format}, mode 0600${file.clean ? ", deleted at the end of the job" : ""}).`);
  if (types.has("none")) {
    const leases = leased.saved.length > 0 ? ` and the credentials of ${leased.saved.length} lease${leased.saved.length === 1 ? "" : "s"}` : "";
    runner.info(`Masked ${result.secrets.length} secret${result.secrets.length === 1 ? "" : "s"}${leases}; nothing exported (export-type: none).`);
  }
  return { exported: names, file: file?.path, leases: leased.saved };
}

/** Names listed in the log line of an export; a project of thousands would otherwise print a line of tens of KB. */
const LOGGED_NAMES = 50;

/** `A, B, C`, or the first {@link LOGGED_NAMES} names and how many more. */
function listNames(names: readonly string[]): string {
  if (names.length === 0) return "(none)";
  if (names.length <= LOGGED_NAMES) return names.join(", ");
  return `${names.slice(0, LOGGED_NAMES).join(", ")} and ${names.length - LOGGED_NAMES} more`;
}

/** Which secret set each variable, for the lease credentials' collision check; nothing to check without leases. */
function secretOwners(entries: readonly ExportEntry[], leased: Leased): Map<string, string> {
  if (leased.credentials.length === 0) return new Map();
  return new Map(entries.map((entry) => [entry.name, `secret ${entry.key}`] as const));
}

/** `lease-id`, `lease-expires-at` and `leases`: not secret, so a later step can renew, inspect or log them. */
function leaseOutputs(saved: readonly SavedLease[], variables: readonly LeaseVariable[]): ExportVariable[] {
  const earliest = saved.map((lease) => lease.expiresAt).sort()[0] ?? "";
  const described = saved.map((lease, index) => ({
    name: lease.name,
    path: lease.path,
    id: lease.id,
    expiresAt: lease.expiresAt,
    variables: variables.filter((variable) => variable.leaseIndex === index).map((variable) => variable.name),
  }));
  return [
    { name: "lease-id", value: saved.map((lease) => lease.id).join("\n") },
    { name: "lease-expires-at", value: earliest },
    { name: "leases", value: JSON.stringify(described) },
  ];
}
