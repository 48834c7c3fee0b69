import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";

import type { App } from "../context.js";
import { errorMessage, forbidden, unauthorized } from "../errors.js";
import { JwtError, decodeJwt, verifyJwt, type JwtPayload } from "../jwt.js";
import { issueAccessToken, type TokenResponse } from "./access-tokens.js";
import { getJson, FetchError } from "./http-fetch.js";
import { audienceMatchesPolicy, fieldMatchesPolicy, valueByDot } from "./oidc-policy.js";
import type { Identity, OidcAuthConfig } from "../store.js";

/**
 * OIDC Auth login with the validation order of `identity-oidc-auth-service.ts`: config, discovery over real HTTP,
 * decode, JWKS (by kid, or every key when there is none), signature + issuer + exp/nbf, subject (403), audiences,
 * claims (401). The JWKS fetch behaves like `jwks-rsa`.
 */

class JwksError extends Error {}

interface SigningKey {
  kid: string | undefined;
  key: KeyObject;
}

/** `jwks-rsa` getSigningKeys: fetch, keep `use: sig` (or no use) RSA/EC keys. */
const fetchSigningKeys = async (jwksUri: string, caCert: string): Promise<SigningKey[]> => {
  let data: unknown;
  try {
    data = (await getJson(jwksUri, caCert ? { caCert } : {})).data;
  } catch (error) {
    if (error instanceof FetchError && error.status !== undefined) {
      const body = error.data;
      const bodyMessage = body && typeof body === "object" && "message" in body ? String((body as { message: unknown }).message) : undefined;
      throw new JwksError(bodyMessage ?? (typeof body === "string" && body ? body : `Http Error ${error.status}`));
    }
    throw new JwksError(errorMessage(error));
  }
  const keys = data && typeof data === "object" && Array.isArray((data as { keys?: unknown }).keys) ? ((data as { keys: unknown[] }).keys as JsonWebKey[]) : [];
  if (keys.length === 0) throw new JwksError("The JWKS endpoint did not contain any keys");
  const signing = keys.flatMap((jwk): SigningKey[] => {
    if (jwk["use"] !== undefined && jwk["use"] !== "sig") return [];
    if (!((jwk.kty === "RSA" && jwk.n && jwk.e) || (jwk.kty === "EC" && jwk.x && jwk.y))) return [];
    try {
      return [{ kid: typeof jwk["kid"] === "string" ? jwk["kid"] : undefined, key: createPublicKey({ key: jwk, format: "jwk" }) }];
    } catch {
      return [];
    }
  });
  if (signing.length === 0) throw new JwksError("The JWKS endpoint did not contain any signing keys");
  return signing;
};

const verifyWith = (jwt: string, key: KeyObject, issuer: string, now: number): JwtPayload =>
  verifyJwt(jwt, key, { now, issuer, keyType: "public" });

/** Signature, issuer, exp and nbf, with the real server's handling of `kid`. */
const verifiedClaims = async (app: App, config: OidcAuthConfig, jwksUri: string, jwt: string, kid: string | undefined): Promise<JwtPayload> => {
  const now = app.now();
  if (kid) {
    let keys: SigningKey[];
    try {
      keys = await fetchSigningKeys(jwksUri, config.caCert);
    } catch (error) {
      throw unauthorized(`Access denied: Failed to retrieve signing key from OIDC provider: ${errorMessage(error)}`);
    }
    const key = keys.find((candidate) => candidate.kid === kid);
    if (!key) {
      throw unauthorized(
        `Access denied: Unable to verify JWT signature. The signing key '${kid}' was not found in the OIDC provider's JWKS endpoint. This may indicate an invalid token or misconfigured OIDC provider.`,
      );
    }
    try {
      return verifyWith(jwt, key.key, config.boundIssuer, now);
    } catch (error) {
      if (error instanceof JwtError) throw unauthorized(`Access denied: ${error.message}`);
      throw error;
    }
  }
  let keys: SigningKey[];
  try {
    keys = await fetchSigningKeys(jwksUri, config.caCert);
  } catch (error) {
    throw unauthorized(`Access denied: Failed to retrieve signing keys from OIDC provider: ${errorMessage(error)}`);
  }
  if (keys.length > 10) {
    throw unauthorized(`Access denied: OIDC provider has ${keys.length} signing keys. Tokens must include 'kid' header when provider has more than 10 keys.`);
  }
  let lastError: Error | undefined;
  for (const key of keys) {
    try {
      return verifyWith(jwt, key.key, config.boundIssuer, now);
    } catch (error) {
      if (!(error instanceof JwtError)) throw error;
      lastError = error;
    }
  }
  throw unauthorized(`Access denied: Unable to verify JWT signature with any available signing key. ${lastError ? lastError.message : "Invalid token"}`);
};

/** `POST /api/v1/auth/oidc-auth/login`, for an identity that has an OIDC config (see `loginIdentity`). */
export const oidcAuthLogin = async (app: App, identity: Identity, jwt: string, note: (text: string) => void): Promise<TokenResponse> => {
  const config = identity.oidcAuth;
  if (!config) throw new Error("oidc auth not configured");

  let discovery: unknown;
  try {
    discovery = (await getJson(`${config.oidcDiscoveryUrl}/.well-known/openid-configuration`, config.caCert ? { caCert: config.caCert } : {})).data;
  } catch (error) {
    throw unauthorized(`Access denied: Failed to fetch OIDC discovery document from ${config.oidcDiscoveryUrl}. ${errorMessage(error)}`);
  }
  const jwksUri = discovery && typeof discovery === "object" ? (discovery as { jwks_uri?: unknown }).jwks_uri : undefined;
  if (typeof jwksUri !== "string" || !jwksUri) {
    throw unauthorized("Access denied: OIDC discovery document does not contain a jwks_uri. The identity provider may be misconfigured.");
  }

  const decoded = decodeJwt(jwt);
  if (!decoded) throw unauthorized("Invalid JWT");
  const claims = await verifiedClaims(app, config, jwksUri, jwt, typeof decoded.header.kid === "string" ? decoded.header.kid : undefined);

  if (config.boundSubject && !fieldMatchesPolicy(claims["sub"], config.boundSubject)) {
    note(`subject ${String(claims["sub"])} not allowed`);
    throw forbidden("Access denied: OIDC subject not allowed.");
  }
  if (config.boundAudiences && !config.boundAudiences.split(", ").some((policy) => audienceMatchesPolicy(claims["aud"], policy))) {
    note("audience not allowed");
    throw unauthorized("Access denied: OIDC audience not allowed.");
  }
  for (const [claimPath, allowed] of Object.entries(config.boundClaims)) {
    const value = valueByDot(claims, claimPath);
    if (!value) throw unauthorized(`Access denied: token has no ${claimPath} field`);
    if (!allowed.split(", ").some((entry) => fieldMatchesPolicy(value, entry))) {
      note(`claim ${claimPath} not allowed`);
      throw unauthorized("Access denied: OIDC claim not allowed.");
    }
  }
  const mapped: Record<string, string> = {};
  for (const [name, claimPath] of Object.entries(config.claimMetadataMapping)) {
    const value = valueByDot(claims, claimPath);
    if (!value) throw unauthorized(`Access denied: token has no ${claimPath} field`);
    mapped[name] = String(value);
  }
  return issueAccessToken(app, identity, "oidc-auth", config, { identityAuth: { oidc: { claims: mapped } } });
};
