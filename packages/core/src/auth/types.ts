import type { AwsCredentials } from "./sigv4.js";

/** A machine-identity access token as the login (or renew) answered it, with when we got it. */
export interface AccessToken {
  accessToken: string;
  /** Seconds the token lives from `obtainedAt`; 0 = no expiry. */
  expiresIn: number;
  /** Seconds the token may be renewed up to, from its creation; 0 = unknown or none. */
  accessTokenMaxTTL: number;
  /** "Bearer". */
  tokenType: string;
  /** When we received it (ms since epoch, from the injected clock). */
  obtainedAt: number;
}

/** Optional organization selectors sent with a login. */
export interface OrganizationSelector {
  /** Organization slug (older servers). */
  organizationSlug?: string | undefined;
  /** Sub-organization (newer servers). */
  subOrganizationName?: string | undefined;
}

/** Universal auth: a client id and client secret. */
export interface UniversalAuthConfig extends OrganizationSelector {
  method: "universal";
  clientId: string;
  clientSecret: string;
  /** Post the login form-encoded, like the official action (default false: JSON). */
  form?: boolean | undefined;
}

/** OIDC auth: the CI's ID token, minted by the adapter — again for every try. */
export interface OidcAuthConfig extends OrganizationSelector {
  method: "oidc";
  identityId: string;
  /** Returns a fresh JWT from the CI (GitHub `core.getIDToken(aud)`, GitLab `id_tokens`, `$CIRCLE_OIDC_TOKEN`). */
  getJwt: () => Promise<string>;
}

/** AWS IAM auth: a signed sts:GetCallerIdentity the server replays. */
export interface AwsIamAuthConfig extends OrganizationSelector {
  method: "aws-iam";
  identityId: string;
  /** The runner's AWS credentials, or a function that fetches them (called for each login). */
  credentials: AwsCredentials | (() => Promise<AwsCredentials>);
  /** STS region, e.g. "us-east-1". */
  region: string;
}

/** An access token obtained elsewhere: no login, no automatic renewal. */
export interface TokenAuthConfig {
  method: "token";
  accessToken: string;
  /** Revoke it in `Session.revoke()` (default false: someone else owns it). */
  revoke?: boolean | undefined;
}

/**
 * A legacy service token `st.<id>.<secret>.<key>`: only `st.<id>.<secret>` is sent, as the bearer; the fourth part
 * stays here and decrypts the project key of an end-to-end encrypted project. No login, renewal or revocation.
 */
export interface ServiceTokenAuthConfig {
  method: "service-token";
  serviceToken: string;
}

/**
 * How the run proves who it is. Discriminated on `method`; new methods (e.g. "service-token") join this union and
 * get a case in `login()` (the switch there is exhaustive, so the compiler points at it).
 */
export type AuthConfig = UniversalAuthConfig | OidcAuthConfig | AwsIamAuthConfig | TokenAuthConfig | ServiceTokenAuthConfig;

export type AuthMethod = AuthConfig["method"];
