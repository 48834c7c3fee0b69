export type {
  AccessToken,
  AuthConfig,
  AuthMethod,
  AwsIamAuthConfig,
  OidcAuthConfig,
  OrganizationSelector,
  ServiceTokenAuthConfig,
  TokenAuthConfig,
  UniversalAuthConfig,
} from "./types.js";
export { loginUniversal, type LoginUniversalOptions } from "./login-universal.js";
export { loginOidc, type LoginOidcOptions } from "./login-oidc.js";
export { loginAwsIam, stsLoginFields, isAwsRegion, type LoginAwsIamOptions, type StsLoginFields } from "./login-aws-iam.js";
export { useAccessToken } from "./use-access-token.js";
export { useServiceToken } from "./use-service-token.js";
export { login } from "./login.js";
export { renewAccessToken } from "./renew.js";
export { revokeAccessToken, isAlreadyRevoked } from "./revoke.js";
export { createSession, renewMargin, type Session, type SessionOptions } from "./session.js";
export { signV4, type AwsCredentials, type SignableRequest, type SignedRequest, type SignV4Options } from "./sigv4.js";
export { AUTH_PATHS } from "./endpoints.js";
