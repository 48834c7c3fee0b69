import type { App, Authenticated } from "../context.js";
import { badRequest, notFound } from "../errors.js";
import { assertCan, can, type ProjectAccess } from "../permissions.js";
import type { Folder, Project, Secret, SecretMetadataEntry, SecretPatch } from "../store.js";
import { projectAccess, type ProjectRef } from "./project-access.js";
import { referencesIn } from "./references.js";
import { PARTS, shapeSecret } from "./shape.js";

/**
 * Creating, updating and deleting secrets, one or many, with the checks, their order and the messages of
 * `secret-v2-bridge-service.ts`. Every change bumps the version and keeps the history; a rename rewrites the
 * references to the old name.
 */

export interface SecretFields {
  secretValue?: string | undefined;
  secretComment?: string | undefined;
  skipMultilineEncoding?: boolean | undefined;
  tagIds?: string[] | undefined;
  secretMetadata?: SecretMetadataEntry[] | undefined;
  secretReminderNote?: string | null | undefined;
  secretReminderRepeatDays?: number | null | undefined;
}

export interface Target {
  project: ProjectRef;
  environment: string;
  secretPath: string;
}

export interface CreateInput extends Target, SecretFields {
  secretName: string;
  secretValue: string;
  type: "shared" | "personal";
}

export interface UpdateInput extends Target, SecretFields {
  secretName: string;
  newSecretName?: string | undefined;
  type: "shared" | "personal";
}

export interface DeleteInput extends Target {
  secretName: string;
  type: "shared" | "personal";
}

export interface BatchItem extends SecretFields {
  secretKey: string;
  /** Batch PATCH only: a different folder for this item. */
  secretPath?: string | undefined;
  newSecretName?: string | undefined;
  type?: "shared" | "personal" | undefined;
}

const folderOrThrow = (app: App, project: Project, target: Target, name: string): Folder => {
  const folder = app.store.folder(project, target.environment, target.secretPath);
  if (!folder) throw notFound(`Folder with path '${target.secretPath}' in environment with slug '${target.environment}' not found`, name);
  return folder;
};

const checkTags = (project: Project, tagIds: string[] | undefined, message = (found: string) => `Tag not found. Found ${found}`): void => {
  const ids = [...new Set(tagIds ?? [])];
  const found = project.tags.filter((tag) => ids.includes(tag.id));
  if (found.length !== ids.length) throw notFound(message(found.map((tag) => tag.slug).join(",")));
};

/** `$validateSecretReferences`: the caller must be able to see every existing secret a value references. */
const checkReferences = (app: App, access: ProjectAccess, value: string | undefined, environment: string, secretPath: string): void => {
  if (!value) return;
  for (const ref of referencesIn(value, environment, secretPath)) {
    const folder = app.store.folder(access.project, ref.environment, ref.secretPath);
    if (folder && app.store.secret(folder, ref.secretKey)) {
      assertCan(access.membership, "read", ref.environment, { legacy: !app.v4, readKind: "describeSecret" });
    }
  }
};

const patchOf = (fields: SecretFields): SecretPatch => ({
  ...(fields.secretValue !== undefined ? { value: fields.secretValue } : {}),
  ...(fields.secretComment !== undefined ? { comment: fields.secretComment } : {}),
  ...(fields.skipMultilineEncoding !== undefined ? { skipMultilineEncoding: fields.skipMultilineEncoding } : {}),
  ...(fields.tagIds !== undefined ? { tagIds: fields.tagIds } : {}),
  ...(fields.secretMetadata !== undefined ? { metadata: fields.secretMetadata } : {}),
  ...(fields.secretReminderNote !== undefined ? { reminderNote: fields.secretReminderNote } : {}),
  ...(fields.secretReminderRepeatDays !== undefined ? { reminderRepeatDays: fields.secretReminderRepeatDays } : {}),
});

const createIn = (app: App, folder: Folder, key: string, fields: SecretFields): Secret =>
  app.store.createSecret(
    folder,
    {
      key,
      value: fields.secretValue ?? "",
      comment: fields.secretComment ?? "",
      skipMultilineEncoding: fields.skipMultilineEncoding ?? false,
      tagIds: fields.tagIds ?? [],
      metadata: fields.secretMetadata ?? [],
      reminderNote: fields.secretReminderNote ?? null,
      reminderRepeatDays: fields.secretReminderRepeatDays ?? null,
    },
    app.now(),
  );

/** The reference syntax that points at a secret from another folder: `dev.app.db.KEY`. */
const nestedSyntax = (environment: string, path: string, key: string): string =>
  `\${${[environment, ...path.split("/").filter(Boolean), key].join(".")}}`;

/** `fnUpdateSecretLinkedReferences`: rewrites `${env.path.OLD}` everywhere and `${OLD}` in the same folder. */
const rewriteReferences = (app: App, project: Project, folder: Folder, renamed: Secret, oldKey: string): void => {
  const nestedOld = nestedSyntax(folder.environment, folder.path, oldKey);
  const nestedNew = nestedSyntax(folder.environment, folder.path, renamed.key);
  for (const candidateFolder of project.folders.values()) {
    for (const secret of candidateFolder.secrets) {
      if (secret === renamed) continue;
      let value = secret.value.replaceAll(nestedOld, nestedNew);
      if (candidateFolder === folder) value = value.replaceAll(`\${${oldKey}}`, `\${${renamed.key}}`);
      if (value !== secret.value) app.store.updateSecret(secret, { value }, app.now());
    }
  }
};

const shapeWritten = (app: App, project: Project, folder: Folder, secret: Secret, parts: (typeof PARTS)[keyof typeof PARTS], readable: boolean) =>
  shapeSecret({ project, environment: folder.environment, secretPath: folder.path, secret, value: secret.value, hidden: !readable, legacy: !app.v4 }, parts);

/** `POST .../raw/:secretName` and `POST /api/v4/secrets/:secretName`. */
export const createSecret = (app: App, auth: Authenticated, input: CreateInput): Record<string, unknown> => {
  const access = projectAccess(app, auth, input.project, { environment: input.environment, secretPath: input.secretPath, permission: "write" });
  const { project, membership } = access;
  const folder = folderOrThrow(app, project, input, "CreateSecret");
  if (input.type === "personal") throw badRequest("Must be user to create personal secret");
  if (app.store.secret(folder, input.secretName)) throw badRequest("Secret already exists");
  checkTags(project, input.tagIds);
  assertCan(membership, "create", input.environment, { legacy: !app.v4 });
  checkReferences(app, access, input.secretValue, input.environment, folder.path);
  const secret = createIn(app, folder, input.secretName, input);
  return { secret: shapeWritten(app, project, folder, secret, PARTS.base, true) };
};

/** `PATCH .../raw/:secretName` and `PATCH /api/v4/secrets/:secretName`. */
export const updateSecret = (app: App, auth: Authenticated, input: UpdateInput): Record<string, unknown> => {
  const access = projectAccess(app, auth, input.project, { environment: input.environment, secretPath: input.secretPath, permission: "write" });
  const { project, membership } = access;
  if (input.newSecretName === "") throw badRequest("New secret name cannot be empty");
  const folder = folderOrThrow(app, project, input, "UpdateSecret");
  if (input.type === "personal") throw badRequest("Must be user to create personal secret");
  const secret = app.store.secret(folder, input.secretName);
  if (!secret) throw notFound(`Secret with name ${input.secretName} not found`);
  assertCan(membership, "edit", input.environment, { legacy: !app.v4 });
  checkTags(project, input.tagIds);
  const renaming = input.newSecretName !== undefined && input.newSecretName !== secret.key;
  if (renaming && app.store.secret(folder, input.newSecretName ?? "")) throw badRequest("Secret with the new name already exists");
  checkReferences(app, access, input.secretValue, input.environment, folder.path);
  const oldKey = secret.key;
  app.store.updateSecret(secret, { ...patchOf(input), ...(input.newSecretName ? { key: input.newSecretName } : {}) }, app.now());
  if (renaming) rewriteReferences(app, project, folder, secret, oldKey);
  return { secret: shapeWritten(app, project, folder, secret, PARTS.withHidden, can(membership, "read", input.environment)) };
};

/** `DELETE .../raw/:secretName` and `DELETE /api/v4/secrets/:secretName`. */
export const deleteSecret = (app: App, auth: Authenticated, input: DeleteInput): Record<string, unknown> => {
  const { project, membership } = projectAccess(app, auth, input.project, { environment: input.environment, secretPath: input.secretPath, permission: "write" });
  const folder = folderOrThrow(app, project, input, "DeleteSecret");
  if (input.type === "personal") throw badRequest("Must be user to delete personal secret");
  const secret = app.store.secret(folder, input.secretName);
  if (!secret) throw notFound("Secret not found");
  assertCan(membership, "delete", input.environment, { legacy: !app.v4 });
  app.store.deleteSecret(folder, secret);
  return { secret: shapeWritten(app, project, folder, secret, PARTS.withHidden, can(membership, "read", input.environment)) };
};

/** `POST /api/v3/secrets/batch/raw` and `POST /api/v4/secrets/batch`. */
export const createSecrets = (app: App, auth: Authenticated, target: Target, items: BatchItem[]): Record<string, unknown> => {
  const access = projectAccess(app, auth, target.project, { environment: target.environment, secretPath: target.secretPath, permission: "write" });
  const { project, membership } = access;
  const folder = folderOrThrow(app, project, target, "CreateManySecret");
  const existing = items.filter((item) => app.store.secret(folder, item.secretKey));
  if (existing.length > 0) throw badRequest(`Secret already exists: ${existing.map((item) => item.secretKey).join(",")}`);
  checkTags(project, items.flatMap((item) => item.tagIds ?? []));
  assertCan(membership, "create", target.environment, { legacy: !app.v4 });
  for (const item of items) checkReferences(app, access, item.secretValue, target.environment, folder.path);
  const created = items.map((item) => createIn(app, folder, item.secretKey, item));
  return { secrets: created.map((secret) => shapeWritten(app, project, folder, secret, PARTS.base, true)) };
};

/** `PATCH /api/v3/secrets/batch/raw` and `PATCH /api/v4/secrets/batch` (`mode`: failOnNotFound or upsert). */
export const updateSecrets = (app: App, auth: Authenticated, target: Target, items: BatchItem[], mode: "failOnNotFound" | "upsert"): Record<string, unknown> => {
  const access = projectAccess(app, auth, target.project, { environment: target.environment, secretPath: target.secretPath, permission: "write" });
  const { project, membership } = access;
  if (!app.store.environment(project, target.environment)) {
    throw notFound(`Environment with slug '${target.environment}' in project with ID '${project.id}' not found`);
  }
  const byPath = new Map<string, BatchItem[]>();
  for (const item of items) {
    const path = item.secretPath ?? target.secretPath;
    byPath.set(path, [...(byPath.get(path) ?? []), item]);
  }
  const groups = [...byPath.entries()].map(([path, group]) => ({ folder: app.store.folder(project, target.environment, path), group }));
  if (groups.some((entry) => !entry.folder)) {
    throw notFound(`Folder with path 'null' in environment with slug '${target.environment}' not found`, "UpdateManySecret");
  }
  const written: { folder: Folder; secret: Secret }[] = [];
  for (const { folder, group } of groups) {
    if (!folder) continue;
    const missing = group.filter((item) => !app.store.secret(folder, item.secretKey));
    if (missing.length > 0 && mode === "failOnNotFound") {
      throw notFound(`Secret does not exist: ${missing.map((item) => item.secretKey).join(", ")} in path ${folder.path}`);
    }
    const toUpdate = group.filter((item) => app.store.secret(folder, item.secretKey));
    if (toUpdate.length > 0) assertCan(membership, "edit", target.environment, { legacy: !app.v4 });
    checkTags(project, group.flatMap((item) => item.tagIds ?? []), () => "Tag not found");
    if (missing.length > 0) assertCan(membership, "create", target.environment, { legacy: !app.v4 });
    const renames = toUpdate.filter((item) => item.newSecretName && item.newSecretName !== item.secretKey);
    const taken = renames.filter((item) => app.store.secret(folder, item.newSecretName ?? ""));
    if (taken.length > 0) throw badRequest(`Secret with new name already exists: ${renames.map((item) => item.newSecretName).join(", ")}`);
    for (const item of group) checkReferences(app, access, item.secretValue, target.environment, folder.path);
    for (const item of toUpdate) {
      const secret = app.store.secret(folder, item.secretKey);
      if (!secret) continue;
      const oldKey = secret.key;
      app.store.updateSecret(secret, { ...patchOf(item), ...(item.newSecretName ? { key: item.newSecretName } : {}) }, app.now());
      if (secret.key !== oldKey) rewriteReferences(app, project, folder, secret, oldKey);
      written.push({ folder, secret });
    }
    for (const item of missing) written.push({ folder, secret: createIn(app, folder, item.secretKey, item) });
  }
  const readable = can(membership, "read", target.environment);
  return { secrets: written.map(({ folder, secret }) => shapeWritten(app, project, folder, secret, PARTS.base, readable)) };
};

/** `DELETE /api/v3/secrets/batch/raw` and `DELETE /api/v4/secrets/batch`. */
export const deleteSecrets = (app: App, auth: Authenticated, target: Target, items: BatchItem[]): Record<string, unknown> => {
  const { project, membership } = projectAccess(app, auth, target.project, { environment: target.environment, secretPath: target.secretPath, permission: "write" });
  const folder = folderOrThrow(app, project, target, "DeleteManySecret");
  const found = items.map((item) => app.store.secret(folder, item.secretKey)).filter((secret): secret is Secret => secret !== undefined);
  const uniqueFound = [...new Set(found)];
  if (uniqueFound.length !== items.length) throw notFound(`One or more secrets does not exist: ${uniqueFound.map((secret) => secret.key).join(", ")}`);
  assertCan(membership, "delete", target.environment, { legacy: !app.v4 });
  for (const secret of uniqueFound) app.store.deleteSecret(folder, secret);
  const readable = can(membership, "read", target.environment);
  return { secrets: uniqueFound.map((secret) => shapeWritten(app, project, folder, secret, PARTS.base, readable)) };
};
