import { SecretsActionError } from "../errors.js";
import type { HttpRequest } from "../http/types.js";
import type { CreateSecretOptions, GetSecretOptions, SecretLocation, SecretsClient, UpdateSecretOptions } from "../secrets/client.js";
import { normaliseSecretPath } from "../secrets/paths.js";
import type { Authorized, ImportedFolder, ListSecretsOptions, ProjectRef, SecretListing, SecretRecord } from "../secrets/types.js";
import { decryptWithHexKey, encryptWithHexKey, type EncryptedField } from "./aes-gcm.js";

/**
 * The legacy end-to-end encrypted secrets API (`/api/v3/secrets[/:name]`): the server stores and returns only
 * ciphertext; every key, value and comment is decrypted here with the project key, and encrypted here (a fresh IV per
 * field) before a write. The server does not expand references in these projects.
 */

const ENDPOINT = "/api/v3/secrets";

function protocol(where: string, message: string): SecretsActionError {
  return new SecretsActionError("PROTOCOL", `${where}: ${message}`, { hint: "is the API URL an Infisical server?" });
}

function requireProjectId(project: ProjectRef, what: string): string {
  if (!project.projectId) {
    throw new SecretsActionError("CONFIG", `${what}: an end-to-end encrypted project is named by its id`, {
      hint: "set the project id (the service token's project is used when none is given)",
    });
  }
  return project.projectId;
}

type Raw = Record<string, unknown>;

const str = (record: Raw, name: string): string | undefined => (typeof record[name] === "string" ? (record[name] as string) : undefined);

/** The field `prefix` (`secretKey`, `secretValue`, `secretComment`) of a record, or undefined when it is absent. */
function fieldOf(record: Raw, prefix: string): EncryptedField | undefined {
  const ciphertext = str(record, `${prefix}Ciphertext`);
  const iv = str(record, `${prefix}IV`);
  const tag = str(record, `${prefix}Tag`);
  if (ciphertext === undefined || iv === undefined || tag === undefined) return undefined;
  return { ciphertext, iv, tag };
}

/** Decrypts one encrypted record; `position` names it in any error (`secret #2 in dev:/app`). Never says a value. */
export function decryptSecretRecord(raw: unknown, projectKey: string, position: string, fallback: { path: string; environment: string }): SecretRecord {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw protocol(position, "not a secret object");
  const record = raw as Raw;
  const keyField = fieldOf(record, "secretKey");
  const valueField = fieldOf(record, "secretValue");
  if (!keyField || !valueField) {
    throw new SecretsActionError("CRYPTO", `${position}: the secret has no encrypted name or value`, {
      hint: "is this project end-to-end encrypted? Projects the server decrypts are read through the raw endpoints",
    });
  }
  const key = decryptWithHexKey(keyField, projectKey, `${position} (name)`);
  const value = decryptWithHexKey(valueField, projectKey, `${position} (value of ${key})`);
  const commentField = fieldOf(record, "secretComment");
  const comment = commentField && commentField.ciphertext !== "" ? decryptWithHexKey(commentField, projectKey, `${position} (comment of ${key})`) : "";
  const tags = Array.isArray(record["tags"])
    ? (record["tags"] as unknown[]).flatMap((tag) => (typeof tag === "object" && tag !== null && typeof (tag as Raw)["slug"] === "string" ? [(tag as Raw)["slug"] as string] : []))
    : [];
  return {
    id: str(record, "id") ?? str(record, "_id") ?? "",
    key,
    value,
    path: str(record, "secretPath") ?? fallback.path,
    environment: str(record, "environment") ?? fallback.environment,
    comment,
    version: typeof record["version"] === "number" ? record["version"] : 1,
    type: record["type"] === "personal" ? "personal" : "shared",
    tags,
    skipMultilineEncoding: record["skipMultilineEncoding"] === true,
  };
}

/** Decrypts a list body: the folder's secrets and each import's, every position named. */
export function decryptListBody(body: unknown, projectKey: string, where: string, path: string, environment: string): Omit<SecretListing, "apiVersion"> {
  if (typeof body !== "object" || body === null || !Array.isArray((body as Raw)["secrets"])) throw protocol(where, "the answer has no secrets list");
  const rawSecrets = (body as Raw)["secrets"] as unknown[];
  const secrets = rawSecrets.map((secret, index) => {
    const folder = typeof secret === "object" && secret !== null && typeof (secret as Raw)["secretPath"] === "string" ? ((secret as Raw)["secretPath"] as string) : path;
    return decryptSecretRecord(secret, projectKey, `secret #${index + 1} in ${environment}:${folder}`, { path, environment });
  });
  const rawImports = Array.isArray((body as Raw)["imports"]) ? ((body as Raw)["imports"] as unknown[]) : [];
  const imports: ImportedFolder[] = rawImports.map((entry, importIndex) => {
    const record = (typeof entry === "object" && entry !== null ? entry : {}) as Raw;
    const importPath = str(record, "secretPath") ?? "/";
    const importEnv = str(record, "environment") ?? environment;
    const list = Array.isArray(record["secrets"]) ? (record["secrets"] as unknown[]) : [];
    return {
      path: importPath,
      environment: importEnv,
      secrets: list.map((secret, index) =>
        decryptSecretRecord(secret, projectKey, `imported secret #${index + 1} of import #${importIndex + 1} (${importEnv}:${importPath})`, {
          path: importPath,
          environment: importEnv,
        }),
      ),
    };
  });
  return { secrets, imports };
}

/**
 * A `SecretsClient` over the encrypted endpoints, for a project whose key is known. `fetchSecrets` works over it
 * unchanged (same merge of imports and layering of paths). References are not expanded: the server cannot read them.
 */
export function createEncryptedSecretsClient(auth: Authorized, projectKey: string): SecretsClient {
  const send = async <T>(request: Omit<HttpRequest, "token">): Promise<T> => {
    const response = await auth.http.request<T>({ ...request, token: await auth.token() });
    return response.body;
  };

  const sealed = (prefix: string, plaintext: string): Record<string, string> => {
    const field = encryptWithHexKey(plaintext, projectKey);
    return { [`${prefix}Ciphertext`]: field.ciphertext, [`${prefix}IV`]: field.iv, [`${prefix}Tag`]: field.tag };
  };

  const single = (body: unknown, where: string, location: SecretLocation, path: string): SecretRecord => {
    if (typeof body !== "object" || body === null || !("secret" in body)) throw protocol(where, "the answer has no secret");
    return decryptSecretRecord((body as Raw)["secret"], projectKey, `secret ${location.name} in ${location.environment}:${path}`, {
      path,
      environment: location.environment,
    });
  };

  const write = async (method: "POST" | "PATCH" | "DELETE", location: SecretLocation, fields: Record<string, unknown>): Promise<SecretRecord> => {
    const workspaceId = requireProjectId(location, `${method} secret`);
    const path = normaliseSecretPath(location.path ?? "/");
    const endpoint = `${ENDPOINT}/${encodeURIComponent(location.name)}`;
    const json: Record<string, unknown> = { workspaceId, environment: location.environment, secretPath: path, type: location.type ?? "shared", ...fields };
    for (const name of Object.keys(json)) if (json[name] === undefined) delete json[name];
    const body = await send<unknown>({ method, path: endpoint, json, noRetry: method === "POST", context: { secretName: location.name } });
    return single(body, `${method} ${endpoint}`, location, path);
  };

  return {
    async list(list: ListSecretsOptions): Promise<SecretListing> {
      const workspaceId = requireProjectId(list, "list secrets");
      const path = normaliseSecretPath(list.path ?? "/");
      const body = await send<unknown>({
        method: "GET",
        path: ENDPOINT,
        query: { workspaceId, environment: list.environment, secretPath: path, recursive: list.recursive ?? false, include_imports: list.includeImports ?? false },
      });
      const listing = decryptListBody(body, projectKey, `GET ${ENDPOINT}`, path, list.environment);
      if (list.tags && list.tags.length > 0) {
        const wanted = new Set(list.tags);
        listing.secrets = listing.secrets.filter((secret) => secret.tags.some((tag) => wanted.has(tag)));
      }
      return { ...listing, apiVersion: "v3" };
    },

    async get(get: GetSecretOptions): Promise<SecretRecord> {
      const workspaceId = requireProjectId(get, "get secret");
      const path = normaliseSecretPath(get.path ?? "/");
      const endpoint = `${ENDPOINT}/${encodeURIComponent(get.name)}`;
      const body = await send<unknown>({
        method: "GET",
        path: endpoint,
        query: { workspaceId, environment: get.environment, secretPath: path, type: get.type ?? "shared", version: get.version, include_imports: get.includeImports ?? false },
      });
      return single(body, `GET ${endpoint}`, get, path);
    },

    async create(create: CreateSecretOptions): Promise<SecretRecord> {
      return write("POST", create, {
        ...sealed("secretKey", create.name),
        ...sealed("secretValue", create.value),
        ...(create.comment ? sealed("secretComment", create.comment) : {}),
        skipMultilineEncoding: create.skipMultilineEncoding,
      });
    },

    async update(update: UpdateSecretOptions): Promise<SecretRecord> {
      return write("PATCH", update, {
        ...(update.newName !== undefined ? { newSecretName: update.newName, ...sealed("secretKey", update.newName) } : {}),
        ...(update.value !== undefined ? sealed("secretValue", update.value) : {}),
        ...(update.comment !== undefined ? sealed("secretComment", update.comment) : {}),
        skipMultilineEncoding: update.skipMultilineEncoding,
      });
    },

    async delete(location: SecretLocation): Promise<SecretRecord> {
      return write("DELETE", location, {});
    },
  };
}
