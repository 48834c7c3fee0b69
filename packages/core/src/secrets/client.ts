import { isExpiredTokenError } from "../auth/expired-token.js";
import { SecretsActionError } from "../errors.js";
import type { HttpRequest } from "../http/types.js";
import { createListReader } from "./list-reader.js";
import { parseListBody, parseSecretBody } from "./parse.js";
import { normaliseSecretPath } from "./paths.js";
import type { ApiVersion, Authorized, ListSecretsOptions, ProjectRef, SecretListing, SecretRecord } from "./types.js";

/** Options of `createSecretsClient`. */
export interface SecretsClientOptions {
  /** Default `auto`: v4 when a project id is known, v3 otherwise, and v3 after the server proved it lacks v4. */
  apiVersion?: ApiVersion | undefined;
}

/** Where a single secret lives. */
export interface SecretLocation extends ProjectRef {
  environment: string;
  /** Folder path; default `/`. */
  path?: string | undefined;
  name: string;
  /** Default `shared`. */
  type?: "shared" | "personal" | undefined;
}

/** Options of `get`. */
export interface GetSecretOptions extends SecretLocation {
  /** A past version number. */
  version?: number | undefined;
  /** Look in imported folders (last import first) when the folder lacks the name; default false. */
  includeImports?: boolean | undefined;
  /** Default true. */
  expandReferences?: boolean | undefined;
}

/** Options of `create`. */
export interface CreateSecretOptions extends SecretLocation {
  value: string;
  comment?: string | undefined;
  tagIds?: readonly string[] | undefined;
  skipMultilineEncoding?: boolean | undefined;
}

/** Options of `update`: only the fields given change. */
export interface UpdateSecretOptions extends SecretLocation {
  value?: string | undefined;
  comment?: string | undefined;
  newName?: string | undefined;
  tagIds?: readonly string[] | undefined;
  skipMultilineEncoding?: boolean | undefined;
}

/** The secret operations of the official SDK, over the raw (server-decrypted) endpoints. */
export interface SecretsClient {
  list(options: ListSecretsOptions): Promise<SecretListing>;
  get(options: GetSecretOptions): Promise<SecretRecord>;
  create(options: CreateSecretOptions): Promise<SecretRecord>;
  update(options: UpdateSecretOptions): Promise<SecretRecord>;
  delete(options: SecretLocation): Promise<SecretRecord>;
}

/** True when a 404 says the route itself is missing (a server without v4), not a folder, project or secret. */
export function isRouteNotFound(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, status, serverMessage, serverError } = error as {
    code?: unknown;
    status?: unknown;
    serverMessage?: unknown;
    serverError?: unknown;
  };
  if (code !== "API" || status !== 404) return false;
  const message = typeof serverMessage === "string" ? serverMessage : "";
  return /^Route [A-Z]+:\S+ not found$/.test(message) || (serverError === "Not Found" && message.startsWith("Route "));
}

function requireProject(project: ProjectRef, endpoint: string): void {
  if (!project.projectId && !project.projectSlug) {
    throw new SecretsActionError("CONFIG", `${endpoint}: no project given`, { hint: "set a project id or a project slug" });
  }
}

/** Creates a client bound to a logged-in session. It remembers when the server lacks v4, so it asks only once. */
export function createSecretsClient(auth: Authorized, options: SecretsClientOptions = {}): SecretsClient {
  const preferred = options.apiVersion ?? "auto";
  let v4Missing = false;

  const useV4 = (project: ProjectRef): boolean => {
    if (preferred === "v3" || !project.projectId) return false;
    return preferred === "v4" || !v4Missing;
  };

  const send = async <T>(request: Omit<HttpRequest, "token">): Promise<T> => {
    const token = await auth.token();
    try {
      return (await auth.http.request<T>({ ...request, token })).body;
    } catch (error: unknown) {
      // A retry reuses the request's token, and a long wait (a rate limit's Retry-After) can outlast it. The server
      // refused the request without doing anything, so it goes once more if the session now holds another token.
      if (!isExpiredTokenError(error)) throw error;
      const fresh = await auth.token();
      if (fresh === token) throw error;
      return (await auth.http.request<T>({ ...request, token: fresh })).body;
    }
  };

  /** Runs a v4 request, or v3 when v4 is not wanted or the server turns out not to have it. */
  const withFallback = async <T>(project: ProjectRef, v4: () => Promise<T>, v3: () => Promise<T>): Promise<T> => {
    if (!useV4(project)) return v3();
    try {
      return await v4();
    } catch (error) {
      if (preferred === "auto" && isRouteNotFound(error)) {
        v4Missing = true;
        return v3();
      }
      throw error;
    }
  };

  const v3Project = (project: ProjectRef): Record<string, string | undefined> =>
    project.projectId ? { workspaceId: project.projectId } : { workspaceSlug: project.projectSlug };
  const v3BodyProject = (project: ProjectRef): Record<string, string | undefined> =>
    project.projectId ? { workspaceId: project.projectId } : { projectSlug: project.projectSlug };

  return {
    async list(list) {
      requireProject(list, "list secrets");
      const path = normaliseSecretPath(list.path ?? "/");
      // Always explicit: v4 defaults include-imports and recursive differently from v3.
      const flags = {
        environment: list.environment,
        secretPath: path,
        recursive: list.recursive ?? false,
        include_imports: list.includeImports ?? false,
        expandSecretReferences: list.expandReferences ?? true,
        tagSlugs: list.tags && list.tags.length > 0 ? list.tags.join(",") : undefined,
      };
      const read = async (apiVersion: "v3" | "v4"): Promise<SecretListing> => {
        const endpoint = apiVersion === "v4" ? "/api/v4/secrets" : "/api/v3/secrets/raw";
        const query =
          apiVersion === "v4"
            ? { projectId: list.projectId, ...flags, includeImports: flags.include_imports }
            : { ...v3Project(list), ...flags };
        // Read as it arrives: a listing of thousands of secrets is megabytes of JSON (see list-reader.ts).
        const body = await send<unknown>({ method: "GET", path: endpoint, query, bodyReader: createListReader });
        return { ...parseListBody(body, `GET ${endpoint}`, path, list.environment), apiVersion };
      };
      return withFallback(list, () => read("v4"), () => read("v3"));
    },

    async get(get) {
      requireProject(get, "get secret");
      const path = normaliseSecretPath(get.path ?? "/");
      const query = {
        environment: get.environment,
        secretPath: path,
        type: get.type ?? "shared",
        version: get.version,
        include_imports: get.includeImports ?? false,
        expandSecretReferences: get.expandReferences ?? true,
      };
      const read = async (apiVersion: "v3" | "v4"): Promise<SecretRecord> => {
        const endpoint = `${apiVersion === "v4" ? "/api/v4/secrets" : "/api/v3/secrets/raw"}/${encodeURIComponent(get.name)}`;
        const project = apiVersion === "v4" ? { projectId: get.projectId } : v3Project(get);
        const body = await send<unknown>({ method: "GET", path: endpoint, query: { ...project, ...query } });
        return parseSecretBody(body, `GET ${endpoint}`, path, get.environment);
      };
      return withFallback(get, () => read("v4"), () => read("v3"));
    },

    async create(create) {
      return write("POST", create, {
        secretValue: create.value,
        secretComment: create.comment ?? "",
        tagIds: create.tagIds,
        skipMultilineEncoding: create.skipMultilineEncoding,
      });
    },

    async update(update) {
      return write("PATCH", update, {
        secretValue: update.value,
        secretComment: update.comment,
        newSecretName: update.newName,
        tagIds: update.tagIds,
        skipMultilineEncoding: update.skipMultilineEncoding,
      });
    },

    async delete(location) {
      return write("DELETE", location, {});
    },
  };

  async function write(
    method: "POST" | "PATCH" | "DELETE",
    location: SecretLocation,
    fields: Record<string, unknown>,
  ): Promise<SecretRecord> {
    requireProject(location, `${method} secret`);
    const path = normaliseSecretPath(location.path ?? "/");
    const common = { environment: location.environment, secretPath: path, type: location.type ?? "shared", ...fields };
    const json = (apiVersion: "v3" | "v4"): Record<string, unknown> => {
      const body: Record<string, unknown> = {
        ...(apiVersion === "v4" ? { projectId: location.projectId } : v3BodyProject(location)),
        ...common,
      };
      for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
      return body;
    };
    const run = async (apiVersion: "v3" | "v4"): Promise<SecretRecord> => {
      const endpoint = `${apiVersion === "v4" ? "/api/v4/secrets" : "/api/v3/secrets/raw"}/${encodeURIComponent(location.name)}`;
      // Writes are not idempotent from the caller's view (a retried create may answer "already exists"): no retries.
      const body = await send<unknown>({ method, path: endpoint, json: json(apiVersion), noRetry: method === "POST" });
      return parseSecretBody(body, `${method} ${endpoint}`, path, location.environment);
    };
    return withFallback(location, () => run("v4"), () => run("v3"));
  }
}
