/**
 * The main step: inputs → config → login → fetch → names → masks → exports. Masks are registered before anything that
 * could contain a value is printed or exported; every export is prepared in memory first, so a failure anywhere
 * before the writes exports nothing.
 */
import {
  type AuthConfig,
  type ExportVariable,
  type FetchSecretsResult,
  type HttpClient,
  createSession,
  parseServiceToken,
  fetchFor,
  masksFor,
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
import { httpClient } from "./http.js";
import { requestIdToken } from "./id-token.js";
import { runnerPlatform } from "./platform.js";
import type { Runner } from "./runner.js";
import { type CleanupState, STATE_NAME } from "./state.js";

/** What the main step did, for tests and the demo. */
export interface RunResult {
  exported: string[];
  file: string | undefined;
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

  const http = httpClient(config, env, runner);
  // OIDC asks the runner's token service for a fresh JWT on every login attempt: one client for all of them.
  const tokenService = config.auth.method === "oidc" ? httpClient(config, env, runner, new URL(config.auth.requestUrl).origin) : undefined;
  try {
    // The whole service token, and its key alone, are secrets too (only `st.<id>.<secret>` is ever sent).
    if (config.auth.method === "service-token") runner.maskAll([config.auth.serviceToken, parseServiceToken(config.auth.serviceToken).key ?? config.auth.serviceToken]);
    const auth = authConfig(config, runner, tokenService);
    const session = createSession(http, auth);
    const token = await session.token();
    runner.mask(token);

    const result = await fetchFor(session, auth, { ...config, environmentInput: "env-slug" });
    const where = `${result.project.projectSlug ?? result.project.projectId}/${result.environment} at ${config.paths.join(", ")}${config.recursive ? " (recursive)" : ""}`;
    // A renewal during a long fetch brings a new token: mask it too.
    const latest = session.current()?.accessToken;
    if (latest && latest !== token) runner.mask(latest);

    maskSecrets(result, config, runner);
    runner.info(`Fetched ${result.secrets.length} secret${result.secrets.length === 1 ? "" : "s"} from ${where} (API ${result.apiVersion}).`);
    for (const warning of result.warnings) runner.warning(warning);
    return await exportSecrets(result, config, platform, runner, latest ?? token);
  } finally {
    await Promise.all([http.close(), tokenService?.close()]);
  }
}

function authConfig(config: ActionConfig, runner: Runner, tokenService: HttpClient | undefined): AuthConfig {
  const auth = config.auth;
  switch (auth.method) {
    case "service-token":
      return { method: "service-token", serviceToken: auth.serviceToken };
    case "universal":
      return { method: "universal", clientId: auth.clientId, clientSecret: auth.clientSecret };
    case "token":
      return { method: "token", accessToken: auth.token };
    case "aws-iam":
      return {
        method: "aws-iam",
        identityId: auth.identityId,
        region: auth.region,
        credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: auth.secretAccessKey, ...(auth.sessionToken ? { sessionToken: auth.sessionToken } : {}) },
      };
    case "oidc": {
      if (!tokenService) throw new Error("oidc: no client for the runner's token service");
      return {
        method: "oidc",
        identityId: auth.identityId,
        // Minted again for every login attempt: an ID token is short-lived.
        getJwt: async () => {
          const jwt = await requestIdToken(tokenService, auth);
          runner.mask(jwt);
          return jwt;
        },
      };
    }
  }
}

/** Registers every mask of every fetched secret before any export or log line could contain one. */
function maskSecrets(result: FetchSecretsResult, config: ActionConfig, runner: Runner): void {
  const short: string[] = [];
  const all: string[] = [];
  for (const secret of result.secrets) {
    const { masks, warnings } = masksFor(secret.key, secret.value, { minLength: config.maskMinLength });
    all.push(...masks);
    if (warnings.length > 0) short.push(secret.key);
  }
  runner.maskAll(all);
  if (short.length > 0) {
    runner.warning(
      `${short.length} secret value${short.length === 1 ? " is" : "s are"} (or contain lines or fields) shorter than mask-min-length ${config.maskMinLength} and are not masked in the log: ${short.join(", ")}. Lower mask-min-length to mask them.`,
    );
  }
}

/** Prepares every export in memory, then writes: state, file, outputs, environment. */
async function exportSecrets(result: FetchSecretsResult, config: ActionConfig, platform: string, runner: Runner, token: string): Promise<RunResult> {
  const types = config.exportTypes;
  const plan = types.has("none")
    ? undefined
    : planExport(
        result.secrets.map((secret) => ({ key: secret.key, value: secret.value })),
        {
          prefix: config.prefix,
          suffix: config.suffix,
          ...invalidNameOptions(config.invalidNames),
          allowReserved: config.allowReserved,
          platform,
          inputNames: { prefix: "env-prefix", suffix: "env-suffix", normalise: "invalid-names: normalise", allowReserved: "allow-reserved-names", strict: "invalid-names: fail" },
        },
      );
  for (const warning of plan?.warnings ?? []) runner.warning(warning);
  const variables: ExportVariable[] = (plan?.entries ?? []).map((entry) => ({ name: entry.name, value: entry.value }));
  const count = types.has("none") ? result.secrets.length : variables.length;

  const file = config.file;
  const fileText = file ? FILE_WRITERS[file.format](variables) : undefined;
  const outputs: ExportVariable[] = [{ name: "secret-count", value: String(count) }];
  if (file) outputs.push({ name: "secrets-file", value: file.path });
  if (config.outputAccessToken) outputs.push({ name: "access-token", value: token });
  if (types.has("output")) outputs.push(...variables);
  const outputText = writeGithubEnv(outputs, { platform });
  const envText = types.has("env") ? writeGithubEnv(variables, { platform }) : "";
  const state: CleanupState = {
    domain: config.domain,
    ...(file?.clean ? { file: file.path } : {}),
    // A service token is not revoked: the revoke endpoint only knows access tokens, and the token's owner manages it.
    ...(config.revokeToken && config.auth.method !== "service-token" ? { token } : {}),
  };
  const stateText = writeGithubEnv([{ name: STATE_NAME, value: JSON.stringify(state) }], { platform });

  // Everything is prepared: from here on only writes.
  runner.appendFileCommand("GITHUB_STATE", stateText);
  if (file && fileText !== undefined) await writeSecretFile(file.path, fileText);
  runner.appendFileCommand("GITHUB_OUTPUT", outputText);
  runner.appendFileCommand("GITHUB_ENV", envText);

  const names = variables.map((variable) => variable.name);
  if (types.has("env")) runner.info(`Exported ${names.length} environment variable${names.length === 1 ? "" : "s"}: ${names.join(", ") || "(none)"}`);
  if (types.has("output")) runner.info(`Set ${names.length} step output${names.length === 1 ? "" : "s"} (masked).`);
  if (file) runner.info(`Wrote ${names.length} secret${names.length === 1 ? "" : "s"} to ${file.path} (${file.format}, mode 0600${file.clean ? ", deleted at the end of the job" : ""}).`);
  if (types.has("none")) runner.info(`Masked ${result.secrets.length} secret${result.secrets.length === 1 ? "" : "s"}; nothing exported (export-type: none).`);
  return { exported: names, file: file?.path };
}
