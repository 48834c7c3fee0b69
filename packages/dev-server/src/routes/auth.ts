import { json } from "../context.js";
import { renewAccessToken, revokeAccessToken } from "../auth/access-tokens.js";
import { awsAuthLogin } from "../auth/aws-auth.js";
import { loginIdentity } from "../auth/login-identity.js";
import { oidcAuthLogin } from "../auth/oidc-auth.js";
import { universalAuthLogin } from "../auth/universal-auth.js";
import type { Route } from "../router.js";
import { Validator } from "../validation.js";

/** Logins (universal, OIDC, AWS IAM) and token renew/revoke: `/api/v1/auth/...`, all in the write bucket. */
export const authRoutes = (): Route[] => [
  {
    method: "POST",
    path: "/api/v1/auth/universal-auth/login",
    bucket: "write",
    handler: (ctx, app) => {
      const body = Validator.forBody(ctx.body);
      const clientId = body.string("clientId");
      const clientSecret = body.string("clientSecret");
      body.optionalString("subOrganizationName");
      body.done();
      return json(200, universalAuthLogin(app, clientId, clientSecret, ctx.note));
    },
  },
  {
    method: "POST",
    path: "/api/v1/auth/oidc-auth/login",
    bucket: "write",
    handler: async (ctx, app) => {
      const body = Validator.forBody(ctx.body);
      const identityId = body.string("identityId");
      const jwt = body.string("jwt", { trim: false });
      body.optionalString("subOrganizationName");
      body.done();
      const identity = loginIdentity(app, identityId, "oidc", ctx.note);
      return json(200, await oidcAuthLogin(app, identity, jwt, ctx.note));
    },
  },
  {
    method: "POST",
    path: "/api/v1/auth/aws-auth/login",
    bucket: "write",
    handler: (ctx, app) => {
      const body = Validator.forBody(ctx.body);
      const identityId = body.string("identityId");
      const iamHttpRequestMethod = body.optionalString("iamHttpRequestMethod") ?? "POST";
      const iamRequestBody = body.string("iamRequestBody");
      const iamRequestHeaders = body.string("iamRequestHeaders");
      body.optionalString("organizationSlug");
      body.optionalString("subOrganizationName");
      body.done();
      const identity = loginIdentity(app, identityId, "aws", ctx.note);
      return json(200, awsAuthLogin(app, identity, { identityId, iamHttpRequestMethod, iamRequestBody, iamRequestHeaders }, ctx.note));
    },
  },
  {
    method: "POST",
    path: "/api/v1/auth/token/renew",
    bucket: "write",
    handler: (ctx, app) => {
      const body = Validator.forBody(ctx.body);
      const accessToken = body.string("accessToken");
      body.done();
      return json(200, renewAccessToken(app, accessToken));
    },
  },
  {
    method: "POST",
    path: "/api/v1/auth/token/revoke",
    bucket: "write",
    handler: (ctx, app) => {
      const body = Validator.forBody(ctx.body);
      const accessToken = body.string("accessToken");
      body.done();
      revokeAccessToken(app, accessToken);
      return json(200, { message: "Successfully revoked access token" });
    },
  },
];
