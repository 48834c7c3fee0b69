import { json } from "../context.js";
import type { Route } from "../router.js";

/** `GET /api/status`: no auth, never rate limited. */
export const statusRoutes = (): Route[] => [
  {
    method: "GET",
    path: "/api/status",
    handler: (_ctx, app) =>
      json(200, {
        date: new Date(app.now()).toISOString(),
        message: "Ok",
        emailConfigured: false,
        inviteOnlySignup: false,
        redisConfigured: true,
        secretScanningConfigured: false,
        samlDefaultOrgSlug: null,
        auditLogStorageDisabled: false,
      }),
  },
];
