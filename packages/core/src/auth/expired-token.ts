import { isApiError } from "../http/api-error.js";

/**
 * Whether the server refused an access token because it has expired: 403 TokenError "Your token has expired" (the
 * JWT's `exp` has passed) or 401 "… due to TTL expiration" (the token's TTL, counted from its last renewal). The server
 * did nothing else with such a request, so it may be sent again with a new token.
 */
export function isExpiredTokenError(error: unknown): boolean {
  if (!isApiError(error)) return false;
  const message = error.serverMessage ?? "";
  return (error.status === 403 && /token has expired|jwt expired/i.test(message)) || (error.status === 401 && /TTL expiration/i.test(message));
}
