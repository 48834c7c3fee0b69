import { json } from "../context.js";
import type { Route } from "../router.js";

/**
 * The built-in OIDC provider: discovery and JWKS at `/__oidc`, a CircleCI-shaped issuer per org at
 * `/__oidc/org/<org id>`, and a GitHub-shaped token endpoint so `@actions/core`'s `getIDToken(aud)` works with
 * ACTIONS_ID_TOKEN_REQUEST_URL=`<url>/__oidc/github/token?api-version=2.0`.
 */
export const oidcRoutes = (): Route[] => [
  {
    method: "GET",
    path: "/__oidc/.well-known/openid-configuration",
    handler: (_ctx, app) => json(200, app.oidc.discovery()),
  },
  {
    method: "GET",
    path: "/__oidc/org/:orgId/.well-known/openid-configuration",
    handler: (ctx, app) => json(200, app.oidc.discovery(`${app.oidc.issuer}/org/${ctx.params["orgId"] ?? ""}`)),
  },
  {
    method: "GET",
    path: "/__oidc/jwks",
    handler: (_ctx, app) => json(200, app.oidc.jwks()),
  },
  {
    method: "GET",
    path: "/__oidc/github/token",
    handler: (ctx, app) => {
      const header = ctx.headers.authorization ?? "";
      if (header !== `Bearer ${app.oidc.requestToken}`) {
        ctx.note("wrong or missing request token");
        return json(401, { message: "Bad credentials: send Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" });
      }
      const audience = ctx.query["audience"];
      return json(200, { value: app.oidc.githubToken(typeof audience === "string" && audience ? audience : undefined) });
    },
  },
];
