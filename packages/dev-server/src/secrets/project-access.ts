import type { App, Authenticated } from "../context.js";
import { badRequest, internalError, notFound } from "../errors.js";
import { assertServiceTokenCan } from "../auth/service-tokens.js";
import { requireMembership, type ProjectAccess } from "../permissions.js";

/** How a request names its project: v4 `projectId`, v3 `workspaceId`, or v3 `workspaceSlug`/`projectSlug`. */
export interface ProjectRef {
  id?: string | undefined;
  slug?: string | undefined;
}

/**
 * Resolves the project and the caller's membership like `extractProjectIdFromSlug` + `getProjectPermission`:
 * neither id nor slug → 400, an unknown slug → 404 (500 on a late-2024 server), no membership → 403.
 */
/** Where a request acts, for a service token's scopes (its environment and folder; read or write). */
export interface ScopePlace {
  environment: string;
  secretPath: string;
  permission: "read" | "write";
}

export const projectAccess = (app: App, auth: Authenticated, ref: ProjectRef, place?: ScopePlace): ProjectAccess => {
  const access = anyProjectAccess(app, auth, ref);
  // A service token may act only inside its scopes (environment and folder glob) and with its permissions.
  if (auth.serviceToken && place) {
    assertServiceTokenCan(auth.serviceToken, place.permission, place.environment, place.secretPath, place.permission === "read" ? "read" : "edit");
  }
  // The raw endpoints decrypt on the server, which an end-to-end encrypted project has no key for (no project bot).
  if (access.project.e2ee) throw badRequest("Project bot not found. Please upgrade your project.", "bot_not_found_error");
  return access;
};

/** `projectAccess` without the raw endpoints' refusal of end-to-end encrypted projects. */
export const anyProjectAccess = (app: App, auth: Authenticated, ref: ProjectRef): ProjectAccess => {
  if (ref.id) return requireMembership(auth.identity, ref.id, app.store.projectById(ref.id));
  if (!ref.slug) throw badRequest("You must provide projectSlug or workspaceId");
  const project = app.store.projectBySlug(ref.slug);
  if (!project) throw app.v4 ? notFound(`No project found with slug ${ref.slug}`) : internalError();
  return requireMembership(auth.identity, project.id, project);
};
