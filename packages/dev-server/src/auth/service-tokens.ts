import { timingSafeEqual } from "node:crypto";

import picomatch from "picomatch";

import type { App, Authenticated, RequestContext } from "../context.js";
import { forbidden, notFound, permissionDenied, unauthorized } from "../errors.js";
import { hashSecret, type Identity, type ServiceTokenRecord } from "../store.js";

/**
 * Legacy service tokens `st.<id>.<secret>` (`service-token-service.ts` on the real server): the id finds the token,
 * the secret is checked against its hash, an expired token is deleted. The fourth part a user holds (the key that
 * unwraps the project key) is never sent, and would be ignored: the server splits the token into three parts only.
 */

/** The identity a service token acts as: a member of its project in its scopes' environments, viewer unless it may write. */
const actingIdentity = (token: ServiceTokenRecord): Identity => ({
  id: token.id,
  name: `service token ${token.name}`,
  memberships: new Map([
    [token.projectId, { role: token.permissions.includes("write") ? "member" : "viewer", environments: [...new Set(token.scopes.map((scope) => scope.environment))] }],
  ]),
  universalAuth: undefined,
  oidcAuth: undefined,
  awsAuth: undefined,
});

/** A single scope whose path is not a glob overrides the request's environment and folder, as the real server does. */
const overrideQuery = (token: ServiceTokenRecord, ctx: RequestContext): void => {
  const [scope] = token.scopes;
  if (token.scopes.length !== 1 || !scope || picomatch.scan(scope.secretPath).isGlob) return;
  ctx.query["environment"] = scope.environment;
  ctx.query["secretPath"] = scope.secretPath;
  if (typeof ctx.query["workspaceId"] === "string" || typeof ctx.query["workspaceSlug"] === "string") {
    delete ctx.query["workspaceSlug"];
    ctx.query["workspaceId"] = token.projectId;
  }
};

/** Checks `st.<id>.<secret>`: unknown id 404, expired 403 (and deleted), wrong secret 401. */
export const authenticateServiceToken = (app: App, ctx: RequestContext, token: string): Authenticated => {
  const [, id = "", secret = ""] = token.split(".", 3);
  const record = app.store.serviceTokens.get(id);
  if (!record) throw notFound(`Service token with ID '${id}' not found`);
  if (record.expiresAt !== undefined && app.now() > record.expiresAt) {
    app.store.serviceTokens.delete(id);
    throw forbidden("Service token has expired");
  }
  const given = Buffer.from(hashSecret(secret), "hex");
  if (!timingSafeEqual(given, Buffer.from(record.secretHash, "hex"))) throw unauthorized("Invalid service token");
  record.lastUsed = app.now();
  if (ctx.method === "GET") overrideQuery(record, ctx);
  return { identity: actingIdentity(record), token: undefined, serviceToken: record };
};

/** Whether a service token's scopes cover an environment and folder (scope paths may be globs). */
export const inScope = (token: ServiceTokenRecord, environment: string, secretPath: string): boolean =>
  token.scopes.some((scope) => scope.environment === environment && (scope.secretPath === secretPath || picomatch.isMatch(secretPath, scope.secretPath)));

/** 403 unless the token covers the folder and holds the permission (`read` or `write`). */
export const assertServiceTokenCan = (token: ServiceTokenRecord, permission: "read" | "write", environment: string, secretPath: string, action: string): void => {
  if (!token.permissions.includes(permission) || !inScope(token, environment, secretPath)) {
    throw permissionDenied(action, "secrets", token.scopes.map((scope) => ({ action, inverted: false, subject: "secrets", conditions: { environment: scope.environment, secretPath: { $glob: scope.secretPath } } })));
  }
};

/** The body of `GET /api/v2/service-token`: the token row with `workspace`, `_id` and `__v`, never the secret. */
export const serviceTokenBody = (token: ServiceTokenRecord): Record<string, unknown> => ({
  id: token.id,
  _id: token.id,
  __v: 0,
  name: token.name,
  projectId: token.projectId,
  workspace: token.projectId,
  scopes: token.scopes,
  permissions: token.permissions,
  lastUsed: token.lastUsed === undefined ? null : new Date(token.lastUsed).toISOString(),
  expiresAt: token.expiresAt === undefined ? null : new Date(token.expiresAt).toISOString(),
  secretHash: `sha256$${token.secretHash}`,
  encryptedKey: token.encryptedKey,
  iv: token.iv,
  tag: token.tag,
  createdAt: new Date(token.createdAt).toISOString(),
  updatedAt: new Date(token.createdAt).toISOString(),
  createdBy: "dev-server",
  expiryNotificationSent: false,
  user: null,
});
