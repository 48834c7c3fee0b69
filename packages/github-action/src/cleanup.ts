/**
 * The post step: runs at the end of the job even when it failed or was cancelled (`post-if: always()`). It revokes
 * every lease the main step made, deletes the secrets file and revokes the access token. It never fails the job: a
 * cleanup problem is a warning that says what is left and until when.
 */
import { rm } from "node:fs/promises";
import {
  type InfisicalHttpClient,
  createDynamicSecretsClient,
  errorMessage,
  isApiError,
  revokeAccessToken,
  notRevokedMessage,
  revokeRecordedLease,
} from "@secrets-action/core";
import { type RunnerEnv, parseConfig, parseHeaders, readInputs } from "./config.js";
import { httpClient } from "./http.js";
import { openSession } from "./login.js";
import { Runner } from "./runner.js";
import { type CleanupState, readCleanupState } from "./state.js";

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
  if (!state.token) return;
  runner.mask(state.token);
  const inputs = readInputs(env);
  const http = httpClient(
    {
      domain: state.domain,
      // Lenient: a header line the main step refused is left out rather than failing the cleanup.
      extraHeaders: parseHeaders(inputs["extra-headers"], []),
      caCertificate: inputs["ca-certificate"],
      timeoutMs: 60_000,
      retries: 2,
    },
    env,
    runner,
  );
  try {
    await revokeLeases(state, http, env, runner);
    if (state.revokeToken) await revokeToken(http, state.token, runner);
  } finally {
    await http.close();
  }
}

/** A 401, or a 403 about the token itself: the saved token has expired or was revoked. */
function tokenRejected(error: unknown): boolean {
  return isApiError(error) && (error.status === 401 || (error.status === 403 && error.serverError === "TokenError"));
}

/**
 * Revokes each saved lease with the saved token; if the server no longer takes that token (the job outlived it), logs
 * in again from the step's inputs, once, and revokes that fresh token when done.
 */
async function revokeLeases(state: CleanupState, http: InfisicalHttpClient, env: RunnerEnv, runner: Runner): Promise<void> {
  const leases = state.leases ?? [];
  if (leases.length === 0) return;
  let relogin: FreshLogin | undefined;
  const client = createDynamicSecretsClient({ http, token: async () => (relogin ? relogin.token() : (state.token ?? "")) });
  try {
    for (const lease of leases) {
      let result = await revokeRecordedLease(client, lease);
      if (result.outcome === "failed" && tokenRejected(result.error) && !relogin) {
        try {
          relogin = loginAgain(env, runner);
          result = await revokeRecordedLease(client, lease);
        } catch (error) {
          // The inputs no longer parse (nothing else throws here): the lease stays as it is.
          result = { outcome: "failed", message: notRevokedMessage(lease, errorMessage(error)) };
        }
      }
      if (result.outcome === "revoked" || result.outcome === "gone") runner.info(result.message);
      else runner.warning(result.message);
    }
  } finally {
    await relogin?.close();
  }
}

/** A login of the post step's own: its token is revoked when the leases are done. */
interface FreshLogin {
  token(): Promise<string>;
  close(): Promise<void>;
}

/** A fresh login with the step's own inputs (the post step sees the same inputs as the main step). */
function loginAgain(env: RunnerEnv, runner: Runner): FreshLogin {
  const config = parseConfig(readInputs(env), env);
  const { session, close } = openSession(config, env, runner);
  runner.info("The saved access token is no longer valid; logging in again to revoke the leases.");
  return {
    token: async () => {
      const token = await session.token();
      runner.mask(token);
      return token;
    },
    close: async () => {
      try {
        if (session.current()) await session.revoke();
      } catch {
        // It expires at the end of its TTL; nothing to tell the user that changes what they do.
      } finally {
        await close();
      }
    },
  };
}

async function revokeToken(http: InfisicalHttpClient, token: string | undefined, runner: Runner): Promise<void> {
  if (token === undefined) return;
  try {
    await revokeAccessToken(http, token);
    runner.info("Revoked the access token.");
  } catch (error) {
    runner.warning(`Could not revoke the access token: ${errorMessage(error)}. It expires on its own at the end of its TTL.`);
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
