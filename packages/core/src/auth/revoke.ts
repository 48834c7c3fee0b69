import { isApiError } from "../http/api-error.js";
import type { HttpClient } from "../http/types.js";
import { AUTH_PATHS } from "./endpoints.js";

/** Whether a revoke failure means there is nothing left to revoke (already revoked, unknown or expired). */
export function isAlreadyRevoked(error: unknown): boolean {
  if (!isApiError(error)) return false;
  const message = error.serverMessage ?? "";
  if (error.status === 401) return /no identity access token found|revoked|not found|expired|ttl/i.test(message);
  if (error.status === 403) return error.serverError === "TokenError" && /expired/i.test(message);
  if (error.status === 404) return /token/i.test(message);
  return false;
}

/**
 * POST /api/v1/auth/token/revoke. Resolves `true` when revoked now, `false` when it already was (or had expired);
 * other failures throw.
 */
export async function revokeAccessToken(http: HttpClient, accessToken: string): Promise<boolean> {
  try {
    await http.request<unknown>({ method: "POST", path: AUTH_PATHS.revoke, json: { accessToken } });
    return true;
  } catch (error: unknown) {
    if (isAlreadyRevoked(error)) return false;
    throw error;
  }
}
