/**
 * The post step: runs at the end of the job even when it failed or was cancelled (`post-if: always()`). It deletes the
 * secrets file and revokes the access token. It never fails the job: a cleanup problem is a warning.
 */
import { rm } from "node:fs/promises";
import { errorMessage, revokeAccessToken, useBaselineWasmCompiler } from "@secrets-action/core";
import { type RunnerEnv, parseHeaders, readInputs } from "./config.js";
import { httpClient } from "./http.js";
import { Runner } from "./runner.js";
import { readCleanupState } from "./state.js";

export async function cleanup(env: RunnerEnv, runner: Runner): Promise<void> {
  let state;
  try {
    state = readCleanupState(env);
  } catch (error) {
    runner.warning(`Cleanup skipped: ${errorMessage(error)}.`);
    return;
  }
  if (!state) {
    runner.info("Nothing to clean up (the main step exported nothing that needs it).");
    return;
  }
  if (state.file) {
    try {
      await rm(state.file, { force: true });
      runner.info(`Deleted ${state.file}.`);
    } catch (error) {
      runner.warning(`Could not delete ${state.file}: ${errorMessage(error)}. Delete it in a later step.`);
    }
  }
  if (state.token) {
    runner.mask(state.token);
    useBaselineWasmCompiler();
    const inputs = readInputs(env);
    const http = httpClient(
      {
        domain: state.domain,
        // Lenient: a header line the main step refused is left out rather than failing the cleanup.
        extraHeaders: parseHeaders(inputs["extra-headers"], []),
        caCertificate: inputs["ca-certificate"],
        timeoutMs: 30_000,
        retries: 2,
      },
      env,
      runner,
    );
    try {
      await revokeAccessToken(http, state.token);
      runner.info("Revoked the access token.");
    } catch (error) {
      runner.warning(`Could not revoke the access token: ${errorMessage(error)}. It expires on its own at the end of its TTL.`);
    } finally {
      await http.close();
    }
  }
}

/** Entry point of the post bundle. */
export async function postMain(env: RunnerEnv = process.env, runner = new Runner(env)): Promise<void> {
  try {
    await cleanup(env, runner);
  } catch (error) {
    runner.warning(`Cleanup failed: ${errorMessage(error)}`);
  }
}
