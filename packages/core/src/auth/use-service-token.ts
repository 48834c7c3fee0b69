import { parseServiceToken } from "../e2ee/service-token.js";
import type { AccessToken } from "./types.js";

/**
 * Wraps a service token as the session's bearer: `st.<id>.<secret>`, without the key (which never leaves the
 * client). It has no lifetime the client can know (0), so it is never renewed.
 */
export function useServiceToken(token: string, options: { now?: (() => number) | undefined } = {}): AccessToken {
  const { bearer } = parseServiceToken(token);
  return { accessToken: bearer, expiresIn: 0, accessTokenMaxTTL: 0, tokenType: "Bearer", obtainedAt: (options.now ?? Date.now)() };
}
