import { SecretsActionError } from "../errors.js";
import type { ApiError } from "../http/api-error.js";
import type { HttpRequest } from "../http/types.js";
import { normaliseSecretPath } from "../secrets/paths.js";
import type { Authorized } from "../secrets/types.js";
import { leaseTtlProblem } from "./ttl.js";

/** Where a dynamic secret lives. The lease API names the project by slug only. */
export interface DynamicSecretScope {
  projectSlug: string;
  environment: string;
  /** Folder; default `/`. */
  path?: string | undefined;
}

/** A lease as the server describes it. */
export interface Lease {
  id: string;
  /** When the server revokes it by itself. */
  expireAt: Date;
  /** The provider's name for what it made, e.g. the PostgreSQL role. */
  externalEntityId: string | undefined;
  /** `null` normally; a failed revocation leaves e.g. `FailedDeletion` (the server retries it). */
  status: string | null;
  statusDetails: string | null;
  createdAt: Date | undefined;
}

/** The dynamic secret a lease was made from, as far as a client needs it. */
export interface DynamicSecretInfo {
  id: string;
  name: string;
  type: string;
  defaultTTL: string;
  maxTTL: string | null;
}

/** A new lease and its credentials. `data` holds secrets: mask every value before anything is printed. */
export interface CreatedLease {
  lease: Lease;
  dynamicSecret: DynamicSecretInfo;
  data: Record<string, string>;
}

/** A dynamic secret definition, as the SDK's `dynamicSecrets().create` takes it. */
export interface DynamicSecretDefinition extends DynamicSecretScope {
  name: string;
  defaultTTL: string;
  maxTTL?: string | undefined;
  /** e.g. `{ type: "sql-database", inputs: { client: "postgres", host, port, database, username, password, … } }`. */
  provider: { type: string; inputs: Record<string, unknown> };
  usernameTemplate?: string | undefined;
}

/** The lease and dynamic-secret operations of the official SDK's `dynamicSecrets()`. */
export interface DynamicSecretsClient {
  /** Creates a lease; the TTL (an `ms` string) is checked before the request. Never sent twice. */
  lease(name: string, scope: DynamicSecretScope & { ttl?: string | undefined }): Promise<CreatedLease>;
  /** Moves the lease's expiry by `ttl` (default: the dynamic secret's default TTL), up to its max TTL. */
  renew(leaseId: string, scope: DynamicSecretScope & { ttl?: string | undefined }): Promise<Lease>;
  /** Revokes the lease. With `force`, the server deletes it even when the provider could not drop what it made. */
  revoke(leaseId: string, scope: DynamicSecretScope & { force?: boolean | undefined }): Promise<Lease>;
  getLease(leaseId: string, scope: DynamicSecretScope): Promise<Lease>;
  listLeases(name: string, scope: DynamicSecretScope): Promise<Lease[]>;
  create(definition: DynamicSecretDefinition): Promise<DynamicSecretInfo>;
  get(name: string, scope: DynamicSecretScope): Promise<DynamicSecretInfo>;
  list(scope: DynamicSecretScope): Promise<DynamicSecretInfo[]>;
  /** Deletes the definition; with `force`, also when its leases cannot be revoked. */
  delete(name: string, scope: DynamicSecretScope & { force?: boolean | undefined }): Promise<DynamicSecretInfo>;
}

const LEASES = "/api/v1/dynamic-secrets/leases";
const DEFINITIONS = "/api/v1/dynamic-secrets";

/** Creates a client bound to a logged-in session (not a service token: the lease API does not take them). */
/**
 * A lease the provider refused because its transaction met another one and was rolled back: nothing was made, so
 * leasing again is safe. PostgreSQL refuses a GRANT on an object another transaction is granting on at that moment
 * ("tuple concurrently updated"), so jobs of one pipeline leasing the same dynamic secret at once meet it; deadlocks
 * and serialization failures are rolled back the same way.
 */
function isRolledBackConflict(error: ApiError): boolean {
  return error.status === 400 && /tuple concurrently updated|deadlock detected|could not serialize access/i.test(error.serverMessage ?? "");
}

export function createDynamicSecretsClient(auth: Authorized): DynamicSecretsClient {
  const send = async (request: Omit<HttpRequest, "token">): Promise<unknown> => {
    const response = await auth.http.request<unknown>({ ...request, token: await auth.token() });
    return response.body;
  };
  const where = (scope: DynamicSecretScope) => ({
    projectSlug: scope.projectSlug,
    environmentSlug: scope.environment,
    path: normaliseSecretPath(scope.path ?? "/"),
  });
  const context = (scope: DynamicSecretScope) => ({
    project: scope.projectSlug,
    environment: scope.environment,
    secretPath: normaliseSecretPath(scope.path ?? "/"),
  });
  const checkTtl = (ttl: string | undefined, what: string): void => {
    const problem = ttl === undefined ? undefined : leaseTtlProblem(ttl);
    if (problem !== undefined) throw new SecretsActionError("CONFIG", `${what}: the TTL ${problem}`, { hint: "lease TTLs run from 1m to 10y" });
  };

  return {
    async lease(name, scope) {
      checkTtl(scope.ttl, `lease ${name}`);
      const endpoint = `POST ${LEASES}`;
      const body = await send({
        method: "POST",
        path: LEASES,
        json: { dynamicSecretName: name, ...where(scope), ...(scope.ttl === undefined ? {} : { ttl: scope.ttl }) },
        // A retried create could make a second role: retry only when the server certainly made nothing.
        retryPolicy: "unprocessed",
        retryAlso: isRolledBackConflict,
        context: { ...context(scope), secretName: name },
      });
      const record = object(body, endpoint);
      return {
        lease: parseLease(record["lease"], endpoint),
        dynamicSecret: parseInfo(record["dynamicSecret"], endpoint),
        data: parseData(record["data"], endpoint),
      };
    },

    async renew(leaseId, scope) {
      checkTtl(scope.ttl, `renew lease ${leaseId}`);
      const path = `${LEASES}/${encodeURIComponent(leaseId)}/renew`;
      const body = await send({
        method: "POST",
        path,
        json: { ...where(scope), ...(scope.ttl === undefined ? {} : { ttl: scope.ttl }) },
        // Renewing twice would add the TTL twice.
        retryPolicy: "unprocessed",
        context: context(scope),
      });
      return parseLease(object(body, `POST ${path}`)["lease"], `POST ${path}`);
    },

    async revoke(leaseId, scope) {
      const path = `${LEASES}/${encodeURIComponent(leaseId)}`;
      // Idempotent in effect: a repeated revoke answers 404, which the caller treats as already revoked.
      const body = await send({ method: "DELETE", path, json: { ...where(scope), isForced: scope.force ?? false }, context: context(scope) });
      return parseLease(object(body, `DELETE ${path}`)["lease"], `DELETE ${path}`);
    },

    async getLease(leaseId, scope) {
      const path = `${LEASES}/${encodeURIComponent(leaseId)}`;
      const body = await send({ method: "GET", path, query: where(scope), context: context(scope) });
      return parseLease(object(body, `GET ${path}`)["lease"], `GET ${path}`);
    },

    async listLeases(name, scope) {
      const path = `${DEFINITIONS}/${encodeURIComponent(name)}/leases`;
      const body = await send({ method: "GET", path, query: where(scope), context: { ...context(scope), secretName: name } });
      const leases = object(body, `GET ${path}`)["leases"];
      if (!Array.isArray(leases)) throw shape(`GET ${path}`, "leases is not a list");
      return leases.map((lease) => parseLease(lease, `GET ${path}`));
    },

    async create(definition) {
      checkTtl(definition.defaultTTL, `dynamic secret ${definition.name} defaultTTL`);
      checkTtl(definition.maxTTL, `dynamic secret ${definition.name} maxTTL`);
      const { projectSlug, environment, path, name, defaultTTL, maxTTL, provider, usernameTemplate } = definition;
      const body = await send({
        method: "POST",
        path: DEFINITIONS,
        json: {
          ...where({ projectSlug, environment, path }),
          name,
          defaultTTL,
          ...(maxTTL === undefined ? {} : { maxTTL }),
          provider,
          ...(usernameTemplate === undefined ? {} : { usernameTemplate }),
        },
        noRetry: true,
        context: { ...context(definition), secretName: name },
      });
      return parseInfo(object(body, `POST ${DEFINITIONS}`)["dynamicSecret"], `POST ${DEFINITIONS}`);
    },

    async get(name, scope) {
      const path = `${DEFINITIONS}/${encodeURIComponent(name)}`;
      const body = await send({ method: "GET", path, query: where(scope), context: { ...context(scope), secretName: name } });
      return parseInfo(object(body, `GET ${path}`)["dynamicSecret"], `GET ${path}`);
    },

    async list(scope) {
      const body = await send({ method: "GET", path: DEFINITIONS, query: where(scope), context: context(scope) });
      const list = object(body, `GET ${DEFINITIONS}`)["dynamicSecrets"];
      if (!Array.isArray(list)) throw shape(`GET ${DEFINITIONS}`, "dynamicSecrets is not a list");
      return list.map((item) => parseInfo(item, `GET ${DEFINITIONS}`));
    },

    async delete(name, scope) {
      const path = `${DEFINITIONS}/${encodeURIComponent(name)}`;
      const body = await send({
        method: "DELETE",
        path,
        json: { ...where(scope), isForced: scope.force ?? false },
        context: { ...context(scope), secretName: name },
      });
      return parseInfo(object(body, `DELETE ${path}`)["dynamicSecret"], `DELETE ${path}`);
    },
  };
}

function shape(endpoint: string, what: string): SecretsActionError {
  return new SecretsActionError("PROTOCOL", `${endpoint}: unexpected response: ${what}`, {
    hint: "the server is not an Infisical API of a version this client knows; check the domain",
  });
}

function object(value: unknown, endpoint: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw shape(endpoint, "not a JSON object");
  return value as Record<string, unknown>;
}

function text(record: Record<string, unknown>, key: string, endpoint: string): string {
  const value = record[key];
  if (typeof value !== "string" || value === "") throw shape(endpoint, `${key} is missing`);
  return value;
}

function date(value: unknown, key: string, endpoint: string): Date {
  const parsed = typeof value === "string" ? new Date(value) : undefined;
  if (parsed === undefined || Number.isNaN(parsed.getTime())) throw shape(endpoint, `${key} is not a date`);
  return parsed;
}

function parseLease(value: unknown, endpoint: string): Lease {
  const record = object(value, endpoint);
  return {
    id: text(record, "id", endpoint),
    expireAt: date(record["expireAt"], "expireAt", endpoint),
    externalEntityId: typeof record["externalEntityId"] === "string" ? record["externalEntityId"] : undefined,
    status: typeof record["status"] === "string" ? record["status"] : null,
    statusDetails: typeof record["statusDetails"] === "string" ? record["statusDetails"] : null,
    createdAt: record["createdAt"] === undefined ? undefined : date(record["createdAt"], "createdAt", endpoint),
  };
}

function parseInfo(value: unknown, endpoint: string): DynamicSecretInfo {
  const record = object(value, endpoint);
  return {
    id: text(record, "id", endpoint),
    name: text(record, "name", endpoint),
    type: typeof record["type"] === "string" ? record["type"] : "unknown",
    defaultTTL: typeof record["defaultTTL"] === "string" ? record["defaultTTL"] : "",
    maxTTL: typeof record["maxTTL"] === "string" ? record["maxTTL"] : null,
  };
}

/** The credentials: every field a string (numbers such as a port become text); never echoed in an error. */
function parseData(value: unknown, endpoint: string): Record<string, string> {
  const record = object(value, endpoint);
  const data: Record<string, string> = {};
  for (const [key, field] of Object.entries(record)) {
    if (typeof field === "string") data[key] = field;
    else if (typeof field === "number" || typeof field === "boolean") data[key] = String(field);
    else if (field !== null && field !== undefined) data[key] = JSON.stringify(field);
  }
  if (Object.keys(data).length === 0) throw shape(endpoint, "the lease has no credentials (data is empty)");
  return data;
}
