/** What the main step leaves for the post step, saved in GITHUB_STATE as one JSON value. */
export const STATE_NAME = "secrets_action_cleanup";

export interface CleanupState {
  /** The server, to revoke the token on. */
  domain: string;
  /** The file to delete (when `clean` is on). */
  file?: string;
  /** The access token to revoke (when `revoke-token` is on). */
  token?: string;
}

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
