import { SecretsActionError } from "../errors.js";
import { jwtExpiry } from "./access-token.js";
import type { AccessToken } from "./types.js";

/**
 * Wraps an access token obtained elsewhere. Its lifetime comes from the JWT's `exp` when it has one (else 0 = unknown);
 * an already expired token is refused before any request.
 */
export function useAccessToken(token: string, options: { now?: (() => number) | undefined } = {}): AccessToken {
  const accessToken = token.trim();
  const now = (options.now ?? Date.now)();
  if (accessToken === "") {
    throw new SecretsActionError("AUTH", "token: the access token is empty", { hint: "set the token input, or use a login method" });
  }
  if (/\s/.test(accessToken)) {
    throw new SecretsActionError("AUTH", "token: the access token contains whitespace", {
      hint: "pass the token alone, without a `Bearer ` prefix or line breaks",
    });
  }
  const exp = jwtExpiry(accessToken);
  let expiresIn = 0;
  if (exp !== undefined) {
    expiresIn = Math.floor(exp - now / 1000);
    if (expiresIn <= 0) {
      throw new SecretsActionError("AUTH", `token: the access token expired at ${new Date(exp * 1000).toISOString()}`, {
        hint: "get a new access token, or use a login method so each run gets its own",
      });
    }
  }
  return { accessToken, expiresIn, accessTokenMaxTTL: 0, tokenType: "Bearer", obtainedAt: now };
}
