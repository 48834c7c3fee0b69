import { json, type App, type Authenticated, type RequestContext } from "../context.js";
import { badRequest, forbidden, notFound } from "../errors.js";
import { assertCanDynamic, canDynamic, requireMembership, type DynamicSecretAction } from "../permissions.js";
import type { Route } from "../router.js";
import type { DynamicSecret, Folder, Lease, Membership, Project } from "../store.js";
import { removeTrailingSlash, Validator } from "../validation.js";
import { isDynamicSecretSlug, readSqlInputs, sqlInputProblems, usernameTemplateProblems } from "../dynamic/inputs.js";
import { dynamicSecretJson, leaseJson } from "../dynamic/shape.js";
import { ttlRangeIssues } from "../dynamic/ttl.js";

/**
 * Dynamic secrets (`dynamic-secret-router.ts`) and their leases (`dynamic-secret-lease-router.ts`): identity access
 * tokens only (a service token is refused like `verifyAuth([JWT, IDENTITY_ACCESS_TOKEN])` refuses it), checks in the
 * real services' order: project 404, membership 403, plan 400, folder 404, dynamic secret 404, casl 403.
 */

const PLAN_MESSAGE = (verb: string): string => `Failed to ${verb} due to plan restriction. Upgrade plan to create dynamic secret.`;

/** The caller, refusing service tokens with verifyAuth's 403. */
const identityOf = (ctx: RequestContext): Authenticated => {
  const auth = ctx.auth;
  if (!auth) throw new Error("route declared auth but no identity was attached");
  if (auth.serviceToken) throw forbidden("You are not allowed to access this resource", `Forbidden access to ${ctx.rawUrl}`);
  return auth;
};

/** `z.string().min(1)` (not trimmed). */
const requiredString = (input: Validator, key: string): string => {
  const value = input.string(key, { trim: false });
  if (input.raw(key) === "") {
    input.issue({ code: "too_small", minimum: 1, type: "string", inclusive: true, exact: false, message: "String must contain at least 1 character(s)", path: [key] });
  }
  return value;
};

/** `z.string().trim().default("/").transform(removeTrailingSlash)`. */
const pathOf = (input: Validator): string => removeTrailingSlash(input.optionalString("path") ?? "/");

/** The fields every dynamic-secret route names its folder with, read in the real schemas' order (for 422 issue order). */
const scopeFields = (input: Validator): { projectSlug: string; path: string; environmentSlug: string } => ({
  projectSlug: requiredString(input, "projectSlug"),
  path: pathOf(input),
  environmentSlug: requiredString(input, "environmentSlug"),
});

/** A GET route's folder and the caller's place in its project: the query holds the folder's fields and nothing else. */
const queryPlace = (ctx: RequestContext, app: App): { place: Place; path: string; environmentSlug: string } => {
  const auth = identityOf(ctx);
  const query = new Validator(ctx.query);
  const { projectSlug, path, environmentSlug } = scopeFields(query);
  query.done();
  return { place: placeOf(app, auth, projectSlug, environmentSlug, path), path, environmentSlug };
};

/** An optional TTL: a non-string is lib/ms's 400, out of range the router's 422. */
const optionalTtl = (input: Validator, key: string): string | undefined => {
  const raw = input.raw(key);
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "string") throw badRequest("Date must be string");
  for (const message of ttlRangeIssues(raw)) input.custom(key, message);
  return raw;
};

interface Place {
  project: Project;
  membership: Membership;
  environmentSlug: string;
  path: string;
  folder: Folder | undefined;
}

/** Project (404), membership (403), then the folder (looked up, not required yet). */
const placeOf = (app: App, auth: Authenticated, projectSlug: string, environmentSlug: string, path: string): Place => {
  const project = app.store.projectBySlug(projectSlug);
  if (!project) throw notFound(`Project with slug '${projectSlug}' not found`);
  const { membership } = requireMembership(auth.identity, project.id, project);
  return { project, membership, environmentSlug, path, folder: app.store.folder(project, environmentSlug, path) };
};

/** The folder, or the lease service's 404. */
const leaseFolder = (place: Place): Folder => {
  if (!place.folder) throw notFound(`Folder with path '${place.path}' in environment with slug '${place.environmentSlug}' not found`);
  return place.folder;
};

/** The folder, or the dynamic secret service's 404. */
const configFolder = (place: Place): Folder => {
  if (!place.folder) throw notFound(`Folder with path '${place.path}' in environment '${place.environmentSlug}' not found`);
  return place.folder;
};

const requireLicence = (app: App, verb: string): void => {
  if (!app.dynamicSecrets.licensed) throw badRequest(PLAN_MESSAGE(verb));
};

/** A lease in the folder, or the real 404 (also when the lease belongs to another folder). */
const leaseIn = (app: App, folder: Folder, leaseId: string): { lease: Lease; secret: DynamicSecret } => {
  const lease = app.store.leases.get(leaseId);
  const secret = lease && app.store.dynamicSecrets.get(lease.dynamicSecretId);
  if (!lease || !secret || secret.folderId !== folder.id) throw notFound(`Dynamic secret lease with ID '${leaseId}' not found`);
  return { lease, secret };
};

const can = (place: Place, action: DynamicSecretAction): void => assertCanDynamic(place.membership, action, place.environmentSlug);

/** Lease routes: body (or query) `projectSlug`, `environmentSlug`, `path`. */
const leaseRoutes = (): Route[] => [
  {
    method: "POST",
    path: "/api/v1/dynamic-secrets/leases",
    bucket: "write",
    auth: true,
    handler: async (ctx, app) => {
      const auth = identityOf(ctx);
      const body = Validator.forBody(ctx.body);
      const name = requiredString(body, "dynamicSecretName").toLowerCase();
      const projectSlug = requiredString(body, "projectSlug");
      const ttl = optionalTtl(body, "ttl");
      const path = pathOf(body);
      const environmentSlug = requiredString(body, "environmentSlug");
      body.done();
      const place = placeOf(app, auth, projectSlug, environmentSlug, path);
      requireLicence(app, "create lease");
      const folder = leaseFolder(place);
      const secret = app.store.dynamicSecret(folder, name);
      if (!secret) throw notFound(`Dynamic secret with name '${name}' in folder with path '${path}' not found`);
      can(place, "lease");
      const { lease, data } = await app.dynamicSecrets.createLease(secret, auth.identity.name, ttl);
      return json(200, { lease: leaseJson(lease), dynamicSecret: dynamicSecretJson(secret), data });
    },
  },
  {
    method: "DELETE",
    path: "/api/v1/dynamic-secrets/leases/:leaseId",
    bucket: "write",
    auth: true,
    handler: async (ctx, app) => {
      const auth = identityOf(ctx);
      const body = Validator.forBody(ctx.body);
      const { projectSlug, path, environmentSlug } = scopeFields(body);
      const isForced = body.optionalBoolean("isForced") ?? false;
      body.done();
      const place = placeOf(app, auth, projectSlug, environmentSlug, path);
      const { lease, secret } = leaseIn(app, leaseFolder(place), ctx.params["leaseId"] ?? "");
      can(place, "lease");
      return json(200, { lease: leaseJson(await app.dynamicSecrets.revokeLease(secret, lease, isForced)) });
    },
  },
  {
    method: "POST",
    path: "/api/v1/dynamic-secrets/leases/:leaseId/renew",
    bucket: "write",
    auth: true,
    handler: async (ctx, app) => {
      const auth = identityOf(ctx);
      const body = Validator.forBody(ctx.body);
      const ttl = optionalTtl(body, "ttl");
      const { projectSlug, path, environmentSlug } = scopeFields(body);
      body.done();
      const place = placeOf(app, auth, projectSlug, environmentSlug, path);
      requireLicence(app, "renew lease");
      const { lease, secret } = leaseIn(app, leaseFolder(place), ctx.params["leaseId"] ?? "");
      can(place, "lease");
      return json(200, { lease: leaseJson(await app.dynamicSecrets.renewLease(secret, lease, ttl)) });
    },
  },
  {
    method: "GET",
    path: "/api/v1/dynamic-secrets/leases/:leaseId",
    bucket: "read",
    auth: true,
    handler: (ctx, app) => {
      const { place } = queryPlace(ctx, app);
      const { lease, secret } = leaseIn(app, leaseFolder(place), ctx.params["leaseId"] ?? "");
      can(place, "lease");
      return json(200, { lease: { ...leaseJson(lease), dynamicSecret: dynamicSecretJson(secret) } });
    },
  },
];

/** Management routes: create, get, list, update, delete, and a dynamic secret's leases. */
const configRoutes = (): Route[] => [
  {
    method: "POST",
    path: "/api/v1/dynamic-secrets",
    bucket: "write",
    auth: true,
    handler: async (ctx, app) => {
      const auth = identityOf(ctx);
      const body = Validator.forBody(ctx.body);
      const projectSlug = requiredString(body, "projectSlug");
      const providerRaw = body.raw("provider");
      const provider = new Validator(typeof providerRaw === "object" && providerRaw !== null && !Array.isArray(providerRaw) ? (providerRaw as Record<string, unknown>) : {}, ["provider"]);
      if (providerRaw === undefined || typeof providerRaw !== "object" || providerRaw === null || Array.isArray(providerRaw)) {
        body.issue({ code: "invalid_type", expected: "object", received: providerRaw === null ? "null" : Array.isArray(providerRaw) ? "array" : typeof providerRaw, path: ["provider"], message: providerRaw === undefined ? "Required" : "Expected object" });
      }
      const type = provider.string("type", { trim: false });
      const defaultTTL = body.string("defaultTTL", { trim: false });
      for (const message of typeof body.raw("defaultTTL") === "string" ? ttlRangeIssues(defaultTTL) : []) body.custom("defaultTTL", message);
      const maxTTLRaw = body.raw("maxTTL");
      const maxTTL = maxTTLRaw === null ? null : (body.optionalString("maxTTL", { trim: false }) ?? null);
      for (const message of maxTTL ? ttlRangeIssues(maxTTL) : []) body.custom("maxTTL", message);
      const path = pathOf(body);
      const environmentSlug = requiredString(body, "environmentSlug");
      const name = body.string("name");
      if (typeof body.raw("name") === "string" && !isDynamicSecretSlug(name)) body.custom("name", "Name must be a valid slug");
      const metadata = body.raw("metadata") === undefined ? [] : body.objectArray("metadata", (entry) => ({ key: entry.string("key"), value: entry.string("value", { trim: false }) }));
      const usernameTemplate = body.optionalString("usernameTemplate");
      if (usernameTemplate !== undefined) for (const message of usernameTemplateProblems(usernameTemplate)) body.custom("usernameTemplate", message);
      provider.done();
      body.done();
      if (type !== "sql-database") throw badRequest(`provider type '${type}' is not supported by the dev server: only sql-database (client postgres) is.`);
      const { inputs, issues } = readSqlInputs((providerRaw as Record<string, unknown>)["inputs"]);
      if (!inputs) {
        const check = new Validator({});
        for (const issue of issues) check.issue({ code: issue.expected ? "invalid_type" : "custom", ...issue, path: ["provider", "inputs", ...issue.path] });
        check.done();
        throw new Error("unreachable: inputs without issues");
      }

      const place = placeOf(app, auth, projectSlug, environmentSlug, path);
      can(place, "create-root-credential");
      requireLicence(app, "create dynamic secret");
      const folder = configFolder(place);
      if (app.store.dynamicSecret(folder, name)) throw badRequest("Provided dynamic secret already exists under the folder");
      const problems = sqlInputProblems(inputs);
      if (problems.length > 0) throw badRequest(`${problems.join(". ")}.`);
      await app.dynamicSecrets.provider.validateConnection(inputs).catch((error: unknown) => {
        throw badRequest(error instanceof Error ? error.message : String(error));
      });
      const secret = app.store.addDynamicSecret(place.project.id, folder, { name, defaultTTL, maxTTL, usernameTemplate: usernameTemplate ?? null, metadata, inputs }, app.now());
      return json(200, { dynamicSecret: dynamicSecretJson(secret, { inputs: true }) });
    },
  },
  {
    method: "GET",
    path: "/api/v1/dynamic-secrets",
    bucket: "read",
    auth: true,
    handler: (ctx, app) => {
      const { place, environmentSlug } = queryPlace(ctx, app);
      const folder = configFolder(place);
      const visible = canDynamic(place.membership, "read-root-credential", environmentSlug) ? app.store.dynamicSecretsIn(folder) : [];
      return json(200, { dynamicSecrets: visible.map((secret) => dynamicSecretJson(secret)) });
    },
  },
  {
    method: "GET",
    path: "/api/v1/dynamic-secrets/:name",
    bucket: "read",
    auth: true,
    handler: (ctx, app) => {
      const name = ctx.params["name"] ?? "";
      const { place, path } = queryPlace(ctx, app);
      const secret = app.store.dynamicSecret(configFolder(place), name);
      // The real message lacks the quote after the name.
      if (!secret) throw notFound(`Dynamic secret with name '${name} in folder '${path}' not found`);
      can(place, "read-root-credential");
      can(place, "edit-root-credential");
      return json(200, { dynamicSecret: dynamicSecretJson(secret, { inputs: true }) });
    },
  },
  {
    method: "PATCH",
    path: "/api/v1/dynamic-secrets/:name",
    bucket: "write",
    auth: true,
    handler: async (ctx, app) => {
      const auth = identityOf(ctx);
      const body = Validator.forBody(ctx.body);
      const { projectSlug, path, environmentSlug } = scopeFields(body);
      const rawData = body.raw("data");
      if (rawData === null || typeof rawData !== "object" || Array.isArray(rawData)) {
        body.issue({ code: "invalid_type", expected: "object", received: rawData === undefined ? "undefined" : Array.isArray(rawData) ? "array" : typeof rawData, path: ["data"], message: rawData === undefined ? "Required" : "Expected object" });
      }
      const data = new Validator(rawData !== null && typeof rawData === "object" && !Array.isArray(rawData) ? (rawData as Record<string, unknown>) : {}, ["data"]);
      const defaultTTL = data.optionalString("defaultTTL", { trim: false });
      for (const message of defaultTTL ? ttlRangeIssues(defaultTTL) : []) data.custom("defaultTTL", message);
      const maxTTLRaw = data.raw("maxTTL");
      const maxTTL = maxTTLRaw === null ? null : data.optionalString("maxTTL", { trim: false });
      for (const message of maxTTL ? ttlRangeIssues(maxTTL) : []) data.custom("maxTTL", message);
      const newName = data.optionalString("newName", { trim: false });
      const usernameTemplate = data.raw("usernameTemplate") === null ? null : data.optionalString("usernameTemplate");
      for (const message of usernameTemplate ? usernameTemplateProblems(usernameTemplate) : []) data.custom("usernameTemplate", message);
      const metadata = data.raw("metadata") === undefined ? undefined : data.objectArray("metadata", (entry) => ({ key: entry.string("key"), value: entry.string("value", { trim: false }) }));
      const inputsPatch = data.raw("inputs");
      data.done();
      body.done();
      const name = (ctx.params["name"] ?? "").toLowerCase();
      const place = placeOf(app, auth, projectSlug, environmentSlug, path);
      requireLicence(app, "update dynamic secret");
      const folder = configFolder(place);
      const secret = app.store.dynamicSecret(folder, name);
      if (!secret) throw notFound(`Dynamic secret with name '${name}' in folder '${folder.path}' not found`);
      can(place, "edit-root-credential");
      if (newName && app.store.dynamicSecret(folder, newName)) throw badRequest("Provided dynamic secret already exists under the folder");
      const merged = { ...secret.inputs, ...(inputsPatch !== null && typeof inputsPatch === "object" && !Array.isArray(inputsPatch) ? inputsPatch : {}) };
      const { inputs, issues } = readSqlInputs(merged);
      if (!inputs) {
        const check = new Validator({});
        for (const issue of issues) check.issue({ code: issue.expected ? "invalid_type" : "custom", ...issue, path: ["data", "inputs", ...issue.path] });
        check.done();
        throw new Error("unreachable: inputs without issues");
      }
      const problems = sqlInputProblems(inputs);
      if (problems.length > 0) throw badRequest(`${problems.join(". ")}.`);
      await app.dynamicSecrets.provider.validateConnection(inputs).catch((error: unknown) => {
        throw badRequest(error instanceof Error ? error.message : String(error));
      });
      secret.inputs = inputs;
      if (defaultTTL !== undefined) secret.defaultTTL = defaultTTL;
      if (maxTTL !== undefined) secret.maxTTL = maxTTL;
      if (newName) secret.name = newName;
      if (usernameTemplate !== undefined) secret.usernameTemplate = usernameTemplate;
      if (metadata) secret.metadata = metadata;
      secret.status = null;
      secret.updatedAt = app.now();
      return json(200, { dynamicSecret: dynamicSecretJson(secret) });
    },
  },
  {
    method: "DELETE",
    path: "/api/v1/dynamic-secrets/:name",
    bucket: "write",
    auth: true,
    handler: (ctx, app) => {
      const auth = identityOf(ctx);
      const body = Validator.forBody(ctx.body);
      const { projectSlug, path, environmentSlug } = scopeFields(body);
      const isForced = body.optionalBoolean("isForced") ?? false;
      body.done();
      const name = (ctx.params["name"] ?? "").toLowerCase();
      const place = placeOf(app, auth, projectSlug, environmentSlug, path);
      const folder = configFolder(place);
      const secret = app.store.dynamicSecret(folder, name);
      if (!secret) throw notFound(`Dynamic secret with name '${name}' in folder '${folder.path}' not found`);
      can(place, "delete-root-credential");
      return json(200, { dynamicSecret: dynamicSecretJson(app.dynamicSecrets.deleteDynamicSecret(secret, isForced)) });
    },
  },
  {
    method: "GET",
    path: "/api/v1/dynamic-secrets/:name/leases",
    bucket: "read",
    auth: true,
    handler: (ctx, app) => {
      const name = ctx.params["name"] ?? "";
      const { place, path } = queryPlace(ctx, app);
      const secret = app.store.dynamicSecret(leaseFolder(place), name);
      if (!secret) throw notFound(`Dynamic secret with name '${name}' in folder with path '${path}' not found`);
      can(place, "lease");
      return json(200, { leases: app.store.leasesOf(secret.id).map(leaseJson) });
    },
  },
];

/** Every dynamic secret route. */
export const dynamicSecretRoutes = (): Route[] => [...leaseRoutes(), ...configRoutes()];
