import type { HttpClient } from "../http/types.js";
import { parseAccessToken } from "./access-token.js";
import { AUTH_PATHS } from "./endpoints.js";
import type { AccessToken } from "./types.js";

/**
 * POST /api/v1/auth/token/renew with the token in the body. Newer servers answer a NEW token: use the returned one.
 */
export async function renewAccessToken(http: HttpClient, accessToken: string, options: { now?: (() => number) | undefined } = {}): Promise<AccessToken> {
  const now = options.now ?? Date.now;
  const response = await http.request<unknown>({ method: "POST", path: AUTH_PATHS.renew, json: { accessToken } });
  return parseAccessToken(response.body, now(), `POST ${AUTH_PATHS.renew}`);
}
