import { SecretsActionError } from "../errors.js";
import type { AccessToken } from "./types.js";

/** Reads a login or renew answer `{accessToken, expiresIn, accessTokenMaxTTL, tokenType}`; PROTOCOL error otherwise. */
export function parseAccessToken(body: unknown, obtainedAt: number, endpoint: string): AccessToken {
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const { accessToken, expiresIn, accessTokenMaxTTL, tokenType } = record;
  if (typeof accessToken !== "string" || accessToken === "") {
    throw new SecretsActionError("PROTOCOL", `${endpoint}: the answer has no access token`, {
      hint: "the domain may point at something other than the Infisical API, or a proxy rewrote the answer",
    });
  }
  const seconds = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0);
  return {
    accessToken,
    expiresIn: seconds(expiresIn),
    accessTokenMaxTTL: seconds(accessTokenMaxTTL),
    tokenType: typeof tokenType === "string" && tokenType !== "" ? tokenType : "Bearer",
    obtainedAt,
  };
}

/** When the token stops working (ms since epoch), or undefined when it does not expire. */
export function expiresAt(token: AccessToken): number | undefined {
  return token.expiresIn > 0 ? token.obtainedAt + token.expiresIn * 1000 : undefined;
}

/** The `exp` claim of a JWT (seconds since epoch), or undefined when the token is not a JWT or has none. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown };
    return typeof claims.exp === "number" ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}
