import { createHash, randomUUID } from "node:crypto";

import { assertServiceTokenCan } from "../auth/service-tokens.js";
import type { App, Authenticated } from "../context.js";
import { badRequest, notFound } from "../errors.js";
import { assertCan, type ProjectAccess } from "../permissions.js";
import { normalisePath, type E2eeProject, type EncryptedSecret, type Folder, type SecretCiphertexts } from "../store.js";
import { anyProjectAccess } from "./project-access.js";

/**
 * The legacy encrypted secrets API of end-to-end encrypted projects (`/api/v3/secrets[/:secretName]`): the server
 * stores what the client sent — ciphertext, IVs and tags — and finds a secret by a blind index of the name in the URL.
 * It never decrypts and never expands references.
 */

/** The ciphertext fields a client sends; the comment is optional. */
export interface EncryptedFields extends SecretCiphertexts {
  secretCommentCiphertext?: string | null | undefined;
  secretCommentIV?: string | null | undefined;
  secretCommentTag?: string | null | undefined;
  skipMultilineEncoding?: boolean | undefined;
}

export interface EncryptedTarget {
  workspaceId: string;
  environment: string;
  secretPath: string;
}

/** The blind index of a name: the name itself is never stored. */
export const blindIndex = (e2ee: E2eeProject, name: string): string => createHash("sha256").update(`${e2ee.blindIndexSalt}\n${name}`).digest("hex");

interface E2eeAccess extends ProjectAccess {
  e2ee: E2eeProject;
}

/** The project, which must be end-to-end encrypted, and the caller's right to act on the folder. */
const access = (app: App, auth: Authenticated, target: EncryptedTarget, action: "read" | "create" | "edit" | "delete"): E2eeAccess => {
  const found = anyProjectAccess(app, auth, { id: target.workspaceId });
  if (!found.project.e2ee) throw badRequest("Project version does not support this endpoint.", "ProjectVersionNotSupported");
  if (auth.serviceToken) assertServiceTokenCan(auth.serviceToken, action === "read" ? "read" : "write", target.environment, target.secretPath, action);
  else assertCan(found.membership, action, target.environment, { legacy: !app.v4 });
  return { ...found, e2ee: found.project.e2ee };
};

const shape = (secret: EncryptedSecret, projectId: string, folder: Folder | undefined): Record<string, unknown> => ({
  id: secret.id,
  _id: secret.id,
  version: secret.version,
  type: "shared",
  workspace: projectId,
  environment: secret.environment,
  secretPath: secret.path,
  secretKeyCiphertext: secret.secretKeyCiphertext,
  secretKeyIV: secret.secretKeyIV,
  secretKeyTag: secret.secretKeyTag,
  secretValueCiphertext: secret.secretValueCiphertext,
  secretValueIV: secret.secretValueIV,
  secretValueTag: secret.secretValueTag,
  secretCommentCiphertext: secret.secretCommentCiphertext,
  secretCommentIV: secret.secretCommentIV,
  secretCommentTag: secret.secretCommentTag,
  secretReminderNote: null,
  secretReminderRepeatDays: null,
  skipMultilineEncoding: secret.skipMultilineEncoding,
  algorithm: "aes-256-gcm",
  keyEncoding: "utf8",
  metadata: null,
  userId: null,
  folderId: folder?.id ?? null,
  createdAt: new Date(secret.createdAt).toISOString(),
  updatedAt: new Date(secret.updatedAt).toISOString(),
  tags: [],
});

const folderOrThrow = (app: App, found: E2eeAccess, environment: string, path: string): Folder => {
  const folder = app.store.folder(found.project, environment, path);
  if (!folder) throw notFound(`Folder with path '${path}' in environment with slug '${environment}' not found`);
  return folder;
};

const inFolder = (e2ee: E2eeProject, environment: string, path: string): EncryptedSecret[] =>
  e2ee.secrets.filter((secret) => secret.environment === environment && secret.path === path);

/** `GET /api/v3/secrets`: the folder's (and with `recursive` its sub-folders') ciphertext, and its imports'. */
export const listEncrypted = (app: App, auth: Authenticated, input: EncryptedTarget & { recursive: boolean; includeImports: boolean }): Record<string, unknown> => {
  const found = access(app, auth, input, "read");
  const folders = input.recursive ? app.store.folderTree(found.project, input.environment, input.secretPath) : [folderOrThrow(app, found, input.environment, input.secretPath)];
  const secrets = folders.flatMap((folder) => inFolder(found.e2ee, folder.environment, folder.path).map((secret) => shape(secret, found.project.id, folder)));
  const imports = input.includeImports
    ? folders.flatMap((folder) => folder.imports).map((entry) => {
        const source = app.store.folder(found.project, entry.environment, entry.path);
        return {
          secretPath: entry.path,
          environment: entry.environment,
          folderId: source?.id ?? null,
          secrets: inFolder(found.e2ee, entry.environment, entry.path).map((secret) => ({ ...shape(secret, "", source), workspace: "" })),
        };
      })
    : [];
  return { secrets, imports };
};

const byName = (found: E2eeAccess, environment: string, path: string, name: string): EncryptedSecret | undefined => {
  const index = blindIndex(found.e2ee, name);
  return found.e2ee.secrets.find((secret) => secret.environment === environment && secret.path === path && secret.blindIndex === index);
};

/** `GET /api/v3/secrets/:secretName`. */
export const getEncrypted = (app: App, auth: Authenticated, input: EncryptedTarget & { secretName: string }): Record<string, unknown> => {
  const found = access(app, auth, input, "read");
  const folder = folderOrThrow(app, found, input.environment, input.secretPath);
  const secret = byName(found, input.environment, folder.path, input.secretName);
  if (!secret) throw notFound(`Secret with name '${input.secretName}' not found`);
  return { secret: shape(secret, found.project.id, folder) };
};

/** Adds a secret to an end-to-end encrypted project (also used by the seed). */
export const storeEncrypted = (e2ee: E2eeProject, folder: Folder, name: string, fields: EncryptedFields, now: number): EncryptedSecret => {
  const secret: EncryptedSecret = {
    id: randomUUID(),
    environment: folder.environment,
    path: folder.path,
    blindIndex: blindIndex(e2ee, name),
    version: 1,
    secretKeyCiphertext: fields.secretKeyCiphertext,
    secretKeyIV: fields.secretKeyIV,
    secretKeyTag: fields.secretKeyTag,
    secretValueCiphertext: fields.secretValueCiphertext,
    secretValueIV: fields.secretValueIV,
    secretValueTag: fields.secretValueTag,
    secretCommentCiphertext: fields.secretCommentCiphertext ?? null,
    secretCommentIV: fields.secretCommentIV ?? null,
    secretCommentTag: fields.secretCommentTag ?? null,
    skipMultilineEncoding: fields.skipMultilineEncoding ?? false,
    createdAt: now,
    updatedAt: now,
  };
  e2ee.secrets.push(secret);
  return secret;
};

/** `POST /api/v3/secrets/:secretName`. */
export const createEncrypted = (app: App, auth: Authenticated, input: EncryptedTarget & { secretName: string; fields: EncryptedFields }): Record<string, unknown> => {
  const found = access(app, auth, input, "create");
  const folder = folderOrThrow(app, found, input.environment, input.secretPath);
  if (byName(found, input.environment, folder.path, input.secretName)) throw badRequest("Secret already exists");
  return { secret: shape(storeEncrypted(found.e2ee, folder, input.secretName, input.fields, app.now()), found.project.id, folder) };
};

/** `PATCH /api/v3/secrets/:secretName`: replaces the fields sent; a rename needs `newSecretName` and the new `secretKey*`. */
export const updateEncrypted = (
  app: App,
  auth: Authenticated,
  input: EncryptedTarget & { secretName: string; newSecretName: string | undefined; fields: Partial<EncryptedFields> },
): Record<string, unknown> => {
  const found = access(app, auth, input, "edit");
  const folder = folderOrThrow(app, found, input.environment, input.secretPath);
  const secret = byName(found, input.environment, folder.path, input.secretName);
  if (!secret) throw notFound(`Secret with name ${input.secretName} not found`);
  if (input.newSecretName !== undefined) {
    if (input.fields.secretKeyCiphertext === undefined) throw badRequest("A rename needs the new name's secretKeyCiphertext, secretKeyIV and secretKeyTag");
    if (byName(found, input.environment, folder.path, input.newSecretName)) throw badRequest("Secret with the new name already exists");
    secret.blindIndex = blindIndex(found.e2ee, input.newSecretName);
  }
  const fields = input.fields;
  for (const name of Object.keys(fields) as (keyof EncryptedFields)[]) {
    const value = fields[name];
    if (value === undefined) continue;
    (secret as unknown as Record<string, unknown>)[name] = value;
  }
  secret.version += 1;
  secret.updatedAt = app.now();
  return { secret: shape(secret, found.project.id, folder) };
};

/** `DELETE /api/v3/secrets/:secretName`. */
export const deleteEncrypted = (app: App, auth: Authenticated, input: EncryptedTarget & { secretName: string }): Record<string, unknown> => {
  const found = access(app, auth, input, "delete");
  const folder = folderOrThrow(app, found, input.environment, input.secretPath);
  const secret = byName(found, input.environment, folder.path, input.secretName);
  if (!secret) throw notFound(`Secret with name ${input.secretName} not found`);
  found.e2ee.secrets = found.e2ee.secrets.filter((candidate) => candidate !== secret);
  return { secret: shape(secret, found.project.id, folder) };
};

/** Normalised folder path of a request. */
export const encryptedPath = (path: string | undefined): string => normalisePath(path ?? "/");
