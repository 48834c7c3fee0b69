import type { App, Authenticated } from "../context.js";
import { errorMessage, forbidden, notFound } from "../errors.js";
import { assertCan, can, type ProjectAccess } from "../permissions.js";
import type { Folder, Secret, SecretVersion } from "../store.js";
import { resolveImports, type ResolvedImport } from "./imports.js";
import { projectAccess, type ProjectRef } from "./project-access.js";
import { createExpander } from "./references.js";
import { PARTS, shapeSecret } from "./shape.js";

/**
 * Reading secrets: the list (`getSecretsRaw`) and the single get (`getSecretByNameRaw`) of the real server,
 * with recursion, tags, imports, reference expansion and hidden values.
 */

export interface ListInput {
  project: ProjectRef;
  environment: string;
  secretPath: string;
  recursive: boolean;
  includeImports: boolean;
  expandSecretReferences: boolean;
  viewSecretValue: boolean;
  tagSlugs: string[];
  metadataFilter: { key?: string; value?: string }[];
}

export interface GetInput {
  project: ProjectRef;
  environment: string;
  secretPath: string;
  secretName: string;
  version: number | undefined;
  type: "shared" | "personal";
  includeImports: boolean;
  expandSecretReferences: boolean;
  viewSecretValue: boolean;
}

/** The expansion context of one request: folder values and the caller's read permission. */
const expanderFor = (app: App, access: ProjectAccess): ReturnType<typeof createExpander> =>
  createExpander({
    folderValues: (environment, secretPath) => {
      const folder = app.store.folder(access.project, environment, secretPath);
      return folder && new Map(folder.secrets.map((secret) => [secret.key, secret.value]));
    },
    canRead: (environment) => can(access.membership, "read", environment),
  });

/** Expands the visible imported values in place; duplicates within one entry are dropped first (first wins). */
const expandImports = (imports: ResolvedImport[], expand: ReturnType<typeof createExpander>): void => {
  for (const entry of imports) {
    const seen = new Set<string>();
    entry.secrets = entry.secrets.filter((item) => !seen.has(item.secret.key) && seen.add(item.secret.key));
    for (const item of entry.secrets) {
      try {
        item.value = expand({
          value: item.value,
          skipMultilineEncoding: item.secret.skipMultilineEncoding,
          environment: entry.environment,
          secretPath: entry.secretPath,
          secretKey: item.secret.key,
        });
      } catch {
        // the real server settles each expansion and ignores the failures of imported ones
      }
    }
  }
};

const matchesFilters = (secret: Secret, tagIds: Set<string> | undefined, metadataFilter: ListInput["metadataFilter"]): boolean => {
  if (tagIds && !secret.tagIds.some((id) => tagIds.has(id))) return false;
  return metadataFilter.every((filter) =>
    secret.metadata.some((entry) => (filter.key === undefined || entry.key === filter.key) && (filter.value === undefined || entry.value === filter.value)),
  );
};

/** `GET /api/v3/secrets/raw` and `GET /api/v4/secrets`. */
export const listSecrets = (app: App, auth: Authenticated, input: ListInput): Record<string, unknown> => {
  const access = projectAccess(app, auth, input.project, { environment: input.environment, secretPath: input.secretPath, permission: "read" });
  const { project, membership } = access;
  const legacy = !app.v4;
  assertCan(membership, "read", undefined, { legacy, readKind: "describeSecret" });

  const folders: Folder[] = input.recursive
    ? app.store.folderTree(project, input.environment, input.secretPath)
    : [app.store.folder(project, input.environment, input.secretPath)].filter((folder): folder is Folder => folder !== undefined);
  if (folders.length === 0) {
    if (legacy) return { secrets: [], imports: [] };
    throw notFound(
      `Folder with path '${input.secretPath}' in environment '${input.environment}' was not found. Please ensure the environment slug and secret path is correct.`,
      "SecretPathNotFound",
    );
  }

  const tagIds = input.tagSlugs.length > 0 ? new Set(project.tags.filter((tag) => input.tagSlugs.includes(tag.slug)).map((tag) => tag.id)) : undefined;
  const readable = can(membership, "read", input.environment);
  const visible = folders.flatMap((folder) =>
    readable ? folder.secrets.filter((secret) => matchesFilters(secret, tagIds, input.metadataFilter)).map((secret) => ({ folder, secret, value: secret.value })) : [],
  );

  const expand = expanderFor(app, access);
  if (input.expandSecretReferences && input.viewSecretValue) {
    const failures: string[] = [];
    for (const item of visible) {
      try {
        item.value = expand({
          value: item.value,
          skipMultilineEncoding: item.secret.skipMultilineEncoding,
          environment: input.environment,
          secretPath: item.folder.path,
          secretKey: item.secret.key,
        });
      } catch (error) {
        failures.push(errorMessage(error));
      }
    }
    if (failures.length > 0) throw forbidden("Failed to expand one or more secret references", "ForbiddenError", failures);
  }

  const secrets = visible.map((item) =>
    shapeSecret(
      { project, environment: input.environment, secretPath: item.folder.path, secret: item.secret, value: item.value, hidden: !input.viewSecretValue, legacy },
      PARTS.full,
    ),
  );
  if (!input.includeImports) return { secrets };

  const imports = resolveImports(
    app.store,
    project,
    folders.flatMap((folder) => folder.imports),
    (environment) => can(membership, "read", environment),
  );
  if (input.expandSecretReferences && input.viewSecretValue) expandImports(imports, expand);
  return {
    secrets,
    imports: imports.map((entry) => ({
      secretPath: entry.secretPath,
      environment: entry.environment,
      ...(entry.folderId ? { folderId: entry.folderId } : {}),
      secrets: entry.secrets.map((item) =>
        shapeSecret(
          { project, environment: item.environment, secretPath: item.secretPath, secret: item.secret, value: item.value, hidden: !input.viewSecretValue, legacy, imported: true },
          PARTS.imported,
        ),
      ),
    })),
  };
};

/** A version of a secret in a folder by key and version number (the version table is keyed that way). */
const historicVersion = (folder: Folder, key: string, version: number): { secret: Secret; state: SecretVersion } | undefined => {
  for (const secret of folder.secrets) {
    const state = secret.history.find((entry) => entry.key === key && entry.version === version);
    if (state) return { secret, state };
  }
  return undefined;
};

/** `GET /api/v3/secrets/raw/:secretName` and `GET /api/v4/secrets/:secretName`. */
export const getSecret = (app: App, auth: Authenticated, input: GetInput): Record<string, unknown> => {
  const access = projectAccess(app, auth, input.project, { environment: input.environment, secretPath: input.secretPath, permission: "read" });
  const { project, membership } = access;
  const legacy = !app.v4;
  const folder = app.store.folder(project, input.environment, input.secretPath);
  if (!folder) {
    throw notFound(`Folder with path '${input.secretPath}' in environment with slug '${input.environment}' not found`, "GetSecretByName");
  }
  const current = app.store.secret(folder, input.secretName);
  // Machine identities have no personal secrets.
  const found =
    input.type === "personal"
      ? undefined
      : input.version === undefined
        ? current && { secret: current, state: undefined }
        : historicVersion(folder, input.secretName, input.version);
  assertCan(membership, "read", input.environment, { legacy, readKind: "describeSecret" });
  const expand = expanderFor(app, access);

  if (!found && input.includeImports) {
    const imports = resolveImports(app.store, project, folder.imports, (environment) => can(membership, "read", environment));
    if (input.expandSecretReferences && input.viewSecretValue) expandImports(imports, expand);
    for (const entry of [...imports].reverse()) {
      const item = entry.secrets.find((candidate) => candidate.secret.key === input.secretName);
      if (item) {
        return {
          secret: shapeSecret(
            { project, environment: entry.environment, secretPath: entry.secretPath, secret: item.secret, value: item.value, hidden: !input.viewSecretValue, legacy },
            PARTS.full,
          ),
        };
      }
    }
  }
  if (!found) throw notFound(`Secret with name '${input.secretName}' not found`);

  let value = found.state?.value ?? found.secret.value;
  if (input.expandSecretReferences && value && input.viewSecretValue) {
    value = expand({
      value,
      skipMultilineEncoding: found.state?.skipMultilineEncoding ?? found.secret.skipMultilineEncoding,
      environment: input.environment,
      secretPath: folder.path,
      secretKey: found.secret.key,
    });
  }
  return {
    secret: shapeSecret(
      {
        project,
        environment: input.environment,
        secretPath: folder.path,
        secret: found.secret,
        value,
        hidden: !input.viewSecretValue,
        legacy,
        ...(found.state ? { version: found.state } : {}),
      },
      PARTS.full,
    ),
  };
};
