import { forbidden, permissionDenied } from "./errors.js";
import type { Identity, Membership, Project } from "./store.js";

/**
 * Project permissions of a machine identity: one role per project, optionally limited to some environments.
 * The errors are the real server's: no membership is a ForbiddenRequestError named after the project id,
 * a missing action is a casl PermissionDenied `You are not allowed to <action> on secrets`.
 */

export type SecretAction = "read" | "create" | "edit" | "delete";

const ROLE_ACTIONS: Record<Membership["role"], readonly SecretAction[]> = {
  admin: ["read", "create", "edit", "delete"],
  member: ["read", "create", "edit", "delete"],
  viewer: ["read"],
  "no-access": [],
};

/** The casl action names: modern servers split read into describeSecret/readValue, late-2024 ones say read. */
const actionName = (action: SecretAction, readKind: "describeSecret" | "readValue", legacy: boolean): string =>
  action === "read" ? (legacy ? "read" : readKind) : action;

/** A project and the caller's role in it. */
export interface ProjectAccess {
  project: Project;
  membership: Membership;
}

/** The membership, or the 403 the real server answers when the identity is not in the project (or it does not exist). */
export const requireMembership = (identity: Identity, projectId: string, project: Project | undefined): ProjectAccess => {
  const membership = project ? identity.memberships.get(project.id) : undefined;
  if (!project || !membership) {
    throw forbidden("You are not allowed to access this resource", `Identity is not a member of the specified project with ID '${projectId}'`);
  }
  return { project, membership };
};

/** Whether the role allows the action in the environment. */
export const can = (membership: Membership, action: SecretAction, environment: string): boolean =>
  ROLE_ACTIONS[membership.role].includes(action) && (membership.environments === undefined || membership.environments.includes(environment));

/** Whether the role allows the action in at least one environment (casl's check without conditions). */
export const canAnywhere = (membership: Membership, action: SecretAction): boolean =>
  ROLE_ACTIONS[membership.role].includes(action) && (membership.environments === undefined || membership.environments.length > 0);

/** The casl rules relevant to an action, as the `details` of a PermissionDenied. */
const rulesFor = (membership: Membership, action: string): unknown[] =>
  canAnywhere(membership, action === "create" || action === "edit" || action === "delete" ? action : "read")
    ? [
        {
          action,
          inverted: false,
          subject: "secrets",
          conditions: membership.environments === undefined ? undefined : { environment: { $in: membership.environments } },
        },
      ]
    : [];

/** Throws PermissionDenied unless the role allows the action (in the environment, when one is given). */
export const assertCan = (
  membership: Membership,
  action: SecretAction,
  environment: string | undefined,
  options: { legacy: boolean; readKind?: "describeSecret" | "readValue" },
): void => {
  const allowed = environment === undefined ? canAnywhere(membership, action) : can(membership, action, environment);
  if (allowed) return;
  const name = actionName(action, options.readKind ?? "describeSecret", options.legacy);
  throw permissionDenied(name, "secrets", rulesFor(membership, name));
};

/** The casl actions on `dynamic-secrets` (`ProjectPermissionDynamicSecretActions`). */
export type DynamicSecretAction = "read-root-credential" | "create-root-credential" | "edit-root-credential" | "delete-root-credential" | "lease";

/** The real default roles: admin and member may do everything with dynamic secrets, viewer only reads their config. */
const ROLE_DYNAMIC_ACTIONS: Record<Membership["role"], readonly DynamicSecretAction[]> = {
  admin: ["read-root-credential", "create-root-credential", "edit-root-credential", "delete-root-credential", "lease"],
  member: ["read-root-credential", "create-root-credential", "edit-root-credential", "delete-root-credential", "lease"],
  viewer: ["read-root-credential"],
  "no-access": [],
};

/** Whether the role allows a dynamic-secret action in the environment. */
export const canDynamic = (membership: Membership, action: DynamicSecretAction, environment: string): boolean =>
  ROLE_DYNAMIC_ACTIONS[membership.role].includes(action) && (membership.environments === undefined || membership.environments.includes(environment));

/** Throws PermissionDenied `You are not allowed to <action> on dynamic-secrets` unless the role allows it. */
export const assertCanDynamic = (membership: Membership, action: DynamicSecretAction, environment: string): void => {
  if (canDynamic(membership, action, environment)) return;
  const allowed = ROLE_DYNAMIC_ACTIONS[membership.role].includes(action) && (membership.environments?.length ?? 1) > 0;
  const rules = allowed
    ? [{ action, inverted: false, subject: "dynamic-secrets", conditions: membership.environments === undefined ? undefined : { environment: { $in: membership.environments } } }]
    : [];
  throw permissionDenied(action, "dynamic-secrets", rules);
};
