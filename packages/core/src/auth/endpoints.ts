/** Auth endpoint paths (reference §1, §2). */
export const AUTH_PATHS = {
  universal: "/api/v1/auth/universal-auth/login",
  oidc: "/api/v1/auth/oidc-auth/login",
  awsIam: "/api/v1/auth/aws-auth/login",
  renew: "/api/v1/auth/token/renew",
  revoke: "/api/v1/auth/token/revoke",
} as const;
