import type { LeaseRecord } from "@secrets-action/core";

/** What the main step leaves for the post step, saved in GITHUB_STATE as one JSON value. */
export const STATE_NAME = "secrets_action_cleanup";

export interface CleanupState {
  /** The server, to revoke the token on. */
  domain: string;
  /** The file to delete (when `clean` is on). */
  file?: string;
  /** The access token: to revoke leases with, and to revoke itself when `revokeToken`. */
  token?: string;
  /** Revoke `token` at the end (`revoke-token: true`). Without it a saved token is only used for the leases. */
  revokeToken?: boolean;
  /** Every lease the main step made, to revoke. */
  leases?: SavedLease[];
}

/** A lease as the post step needs it: where it is, to revoke it. None of it is secret. */
export type SavedLease = LeaseRecord;

/** Reads the state the runner passes to the post step as `STATE_<name>`; undefined when main saved none. */
export function readCleanupState(env: Readonly<Record<string, string | undefined>>): CleanupState | undefined {
  const raw = env[`STATE_${STATE_NAME}`];
  if (!raw) return undefined;
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== "object" || parsed === null || typeof (parsed as { domain?: unknown }).domain !== "string") {
    throw new Error("the saved state is not what the main step writes");
  }
  return parsed as CleanupState;
}
