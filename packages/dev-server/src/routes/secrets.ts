import { json, type RequestContext } from "../context.js";
import { badRequest } from "../errors.js";
import type { Route } from "../router.js";
import { getSecret, listSecrets, type ListInput } from "../secrets/read.js";
import type { ProjectRef } from "../secrets/project-access.js";
import {
  createSecret,
  createSecrets,
  deleteSecret,
  deleteSecrets,
  updateSecret,
  updateSecrets,
  type BatchItem,
  type SecretFields,
  type Target,
} from "../secrets/write.js";
import type { SecretMetadataEntry } from "../store.js";
import { checkSecretName, normaliseSecretValue, removeTrailingSlash, Validator } from "../validation.js";

/**
 * The raw secrets API: `/api/v3/secrets/raw[...]` (workspaceId/workspaceSlug, projectSlug in bodies) and
 * `/api/v4/secrets[...]` (projectId). Request validation happens here, the rules in `secrets/`.
 */

type ApiVersion = "v3" | "v4";

const SECRET_TYPES = ["shared", "personal"] as const;

const secretPathOf = (input: Validator): string => removeTrailingSlash(input.optionalString("secretPath") ?? "/");

/** Where a query or body names the project, by API version. */
const projectRefOf = (input: Validator, version: ApiVersion, place: "query" | "body"): ProjectRef => {
  if (version === "v4") return { id: place === "query" ? input.optionalString("projectId") : input.string("projectId") };
  return { id: input.optionalString("workspaceId"), slug: input.optionalString(place === "query" ? "workspaceSlug" : "projectSlug") };
};

/** `include_imports` (the real name) or `includeImports` (what the Infisical CLI sends). */
const includeImportsOf = (input: Validator): boolean =>
  input.raw("include_imports") !== undefined ? input.queryBoolean("include_imports", false) : input.queryBoolean("includeImports", false);

/** `key=a,value=b|key=c,value=d`, at most 10 filters. */
const metadataFilterOf = (input: Validator): ListInput["metadataFilter"] => {
  const raw = input.optionalString("metadataFilter");
  if (!raw) return [];
  const filters = raw.split("|").flatMap((pair) => {
    const parts = pair.split(/[,=]/);
    const filter: { key?: string; value?: string } = {};
    for (let index = 0; index < parts.length; index += 2) {
      const name = (parts[index] ?? "").trim().toLowerCase();
      const value = parts[index + 1]?.trim();
      if (name === "key" && value) filter.key = value;
      else if (name === "value" && value) filter.value = value;
    }
    return filter.key && filter.value ? [filter] : [];
  });
  if (filters.length > 10) input.custom("metadataFilter", "You can only filter by up to 10 metadata fields");
  return filters;
};

const secretMetadataOf = (input: Validator): SecretMetadataEntry[] | undefined =>
  input.raw("secretMetadata") === undefined
    ? undefined
    : input.objectArray("secretMetadata", (entry) => ({
        key: entry.string("key"),
        value: entry.string("value", { trim: false }),
        isEncrypted: entry.optionalBoolean("isEncrypted") ?? false,
      }));

/** The optional fields shared by create, update and the batch items. */
const secretFieldsOf = (input: Validator, mode: "create" | "update"): SecretFields => {
  const value = mode === "create" ? input.string("secretValue", { trim: false }) : input.optionalString("secretValue", { trim: false });
  const comment = mode === "create" ? (input.optionalString("secretComment") ?? "") : input.optionalString("secretComment", { trim: false });
  return {
    secretValue: value === undefined ? undefined : normaliseSecretValue(value),
    secretComment: comment,
    skipMultilineEncoding: input.optionalBoolean("skipMultilineEncoding", mode === "create"),
    tagIds: input.optionalStringArray("tagIds"),
    secretMetadata: secretMetadataOf(input),
    secretReminderNote: input.nullableString("secretReminderNote"),
    secretReminderRepeatDays: input.nullableNumber("secretReminderRepeatDays"),
  };
};

const requireEnvironment = (environment: string | undefined, message: string): string => {
  if (!environment) throw badRequest(message);
  return environment;
};

const authOf = (ctx: RequestContext) => {
  if (!ctx.auth) throw new Error("route declared auth but no identity was attached");
  return ctx.auth;
};

const routesFor = (version: ApiVersion): Route[] => {
  const base = version === "v3" ? "/api/v3/secrets/raw" : "/api/v4/secrets";
  const batch = version === "v3" ? "/api/v3/secrets/batch/raw" : "/api/v4/secrets/batch";
  const common = { bucket: "secrets" as const, auth: true };

  const target = (body: Validator): Target => ({
    project: projectRefOf(body, version, "body"),
    environment: body.string("environment"),
    secretPath: secretPathOf(body),
  });

  return [
    {
      ...common,
      method: "GET",
      path: base,
      handler: (ctx, app) => {
        const query = new Validator(ctx.query);
        const project = projectRefOf(query, version, "query");
        const environment = query.optionalString("environment");
        const input = {
          secretPath: secretPathOf(query),
          viewSecretValue: query.queryBoolean("viewSecretValue", true),
          expandSecretReferences: query.queryBoolean("expandSecretReferences", false),
          recursive: query.queryBoolean("recursive", false),
          includeImports: includeImportsOf(query),
          tagSlugs: (query.optionalString("tagSlugs") ?? "").split(",").map((slug) => slug.trim()).filter(Boolean),
          metadataFilter: metadataFilterOf(query),
        };
        query.done();
        if (version === "v4" && (!project.id || !environment)) throw badRequest("Missing project id or environment");
        return json(200, listSecrets(app, authOf(ctx), { ...input, project, environment: requireEnvironment(environment, "Missing environment") }));
      },
    },
    {
      ...common,
      method: "GET",
      path: `${base}/:secretName`,
      handler: (ctx, app) => {
        const query = new Validator(ctx.query);
        const project = projectRefOf(query, version, "query");
        if (version === "v4") query.string("projectId");
        const environment = query.optionalString("environment");
        const input = {
          secretName: (ctx.params["secretName"] ?? "").trim(),
          secretPath: secretPathOf(query),
          version: query.coercedNumber("version"),
          type: query.enumValue("type", SECRET_TYPES, "shared"),
          viewSecretValue: query.queryBoolean("viewSecretValue", true),
          expandSecretReferences: query.queryBoolean("expandSecretReferences", false),
          includeImports: includeImportsOf(query),
        };
        query.done();
        const env = requireEnvironment(environment, "Missing environment");
        if (!project.id && !project.slug) throw badRequest("You must provide workspaceSlug or workspaceId");
        return json(200, getSecret(app, authOf(ctx), { ...input, project, environment: env }));
      },
    },
    {
      ...common,
      method: "POST",
      path: `${base}/:secretName`,
      handler: (ctx, app) => {
        const body = Validator.forBody(ctx.body);
        const secretName = (ctx.params["secretName"] ?? "").trim();
        checkSecretName(body, "secretName", secretName);
        const where = target(body);
        const fields = secretFieldsOf(body, "create");
        const type = body.enumValue("type", SECRET_TYPES, "shared");
        body.done();
        return json(200, createSecret(app, authOf(ctx), { ...where, ...fields, secretName, type, secretValue: fields.secretValue ?? "" }));
      },
    },
    {
      ...common,
      method: "PATCH",
      path: `${base}/:secretName`,
      handler: (ctx, app) => {
        const body = Validator.forBody(ctx.body);
        const secretName = (ctx.params["secretName"] ?? "").trim();
        const where = target(body);
        const fields = secretFieldsOf(body, "update");
        const newSecretName = body.optionalString("newSecretName");
        if (newSecretName) checkSecretName(body, "newSecretName", newSecretName);
        const type = body.enumValue("type", SECRET_TYPES, "shared");
        body.done();
        return json(200, updateSecret(app, authOf(ctx), { ...where, ...fields, secretName, newSecretName, type }));
      },
    },
    {
      ...common,
      method: "DELETE",
      path: `${base}/:secretName`,
      handler: (ctx, app) => {
        const body = Validator.forBody(ctx.body);
        const where = target(body);
        const type = body.enumValue("type", SECRET_TYPES, "shared");
        body.done();
        return json(200, deleteSecret(app, authOf(ctx), { ...where, secretName: ctx.params["secretName"] ?? "", type }));
      },
    },
    {
      ...common,
      method: "POST",
      path: batch,
      handler: (ctx, app) => {
        const body = Validator.forBody(ctx.body);
        const where = target(body);
        const items = body.objectArray(
          "secrets",
          (item): BatchItem => {
            const secretKey = item.string("secretKey");
            checkSecretName(item, "secretKey", secretKey);
            return { secretKey, ...secretFieldsOf(item, "create") };
          },
          { min: 1 },
        );
        body.done();
        return json(200, createSecrets(app, authOf(ctx), where, items));
      },
    },
    {
      ...common,
      method: "PATCH",
      path: batch,
      handler: (ctx, app) => {
        const body = Validator.forBody(ctx.body);
        const where = target(body);
        const mode = body.enumValue("mode", ["failOnNotFound", "upsert"] as const, "failOnNotFound");
        const items = body.objectArray(
          "secrets",
          (item): BatchItem => {
            const secretKey = item.string("secretKey");
            checkSecretName(item, "secretKey", secretKey);
            const newSecretName = item.optionalString("newSecretName");
            if (newSecretName) checkSecretName(item, "newSecretName", newSecretName);
            const secretPath = item.optionalString("secretPath");
            return {
              secretKey,
              newSecretName,
              secretPath: secretPath === undefined ? undefined : removeTrailingSlash(secretPath),
              ...secretFieldsOf(item, "update"),
            };
          },
          { min: 1 },
        );
        body.done();
        return json(200, updateSecrets(app, authOf(ctx), where, items, mode));
      },
    },
    {
      ...common,
      method: "DELETE",
      path: batch,
      handler: (ctx, app) => {
        const body = Validator.forBody(ctx.body);
        const where = target(body);
        const items = body.objectArray(
          "secrets",
          (item): BatchItem => ({ secretKey: item.string("secretKey"), type: item.enumValue("type", SECRET_TYPES, "shared") }),
          { min: 1 },
        );
        body.done();
        return json(200, deleteSecrets(app, authOf(ctx), where, items));
      },
    },
  ];
};

/** The v3 raw routes, and the v4 routes unless the server plays a late-2024 version. */
export const secretRoutes = (options: { v4: boolean }): Route[] => [...routesFor("v3"), ...(options.v4 ? routesFor("v4") : [])];
