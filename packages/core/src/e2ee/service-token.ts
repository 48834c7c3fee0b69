import { SecretsActionError } from "../errors.js";
import type { Authorized } from "../secrets/types.js";
import { decryptWithHexKey } from "./aes-gcm.js";

/** The parts of a service token `st.<id>.<secret>.<key>`. */
export interface ServiceTokenParts {
  /** `st.<id>.<secret>`: the only part sent to the server, as the bearer. */
  bearer: string;
  id: string;
  /** The 32-hex-character key that decrypts the project key; undefined for a three-part token. */
  key: string | undefined;
}

/**
 * Splits a service token. The fourth part is kept on the client (the server never sees it). A three-part token is
 * accepted: it reads projects the server decrypts, but not end-to-end encrypted ones.
 */
export function parseServiceToken(token: string): ServiceTokenParts {
  const trimmed = token.trim();
  const parts = trimmed.split(".");
  if (parts[0] !== "st" || (parts.length !== 3 && parts.length !== 4) || parts.some((part) => part === "")) {
    throw new SecretsActionError("AUTH", `service-token: not a service token (expected st.<id>.<secret>.<key>, got ${parts.length} dot-separated parts${parts[0] === "st" ? "" : " not starting with st."})`, {
      hint: "copy the whole service token from the project's settings; for a machine identity use another auth method",
    });
  }
  const [, id = "", secret = "", key] = parts;
  return { bearer: `st.${id}.${secret}`, id, key };
}

/** One scope of a service token: an environment and a folder (which may be a glob). */
export interface ServiceTokenScope {
  environment: string;
  secretPath: string;
}

/** What `GET /api/v2/service-token` says about the token, reduced to what a client uses. */
export interface ServiceTokenInfo {
  id: string;
  name: string;
  projectId: string;
  scopes: ServiceTokenScope[];
  permissions: string[];
  /** ISO date, or undefined for a token that never expires. */
  expiresAt: string | undefined;
  encryptedKey: string;
  iv: string;
  tag: string;
}

const ENDPOINT = "GET /api/v2/service-token";

function protocol(message: string): SecretsActionError {
  return new SecretsActionError("PROTOCOL", `${ENDPOINT}: ${message}`, { hint: "is the API URL an Infisical server?" });
}

function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== "string") throw protocol(`the answer has no ${name}`);
  return value;
}

/** Reads the token's project, scopes and wrapped project key (`GET /api/v2/service-token`). */
export async function getServiceTokenInfo(auth: Authorized): Promise<ServiceTokenInfo> {
  const response = await auth.http.request<unknown>({ method: "GET", path: "/api/v2/service-token", token: await auth.token() });
  const body = response.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw protocol("the answer is not a JSON object");
  const record = body as Record<string, unknown>;
  const projectId = typeof record["projectId"] === "string" ? record["projectId"] : stringField(record, "workspace");
  const rawScopes = Array.isArray(record["scopes"]) ? (record["scopes"] as unknown[]) : [];
  const scopes = rawScopes.flatMap((scope): ServiceTokenScope[] => {
    if (typeof scope !== "object" || scope === null) return [];
    const { environment, secretPath } = scope as { environment?: unknown; secretPath?: unknown };
    return typeof environment === "string" ? [{ environment, secretPath: typeof secretPath === "string" ? secretPath : "/" }] : [];
  });
  const permissions = Array.isArray(record["permissions"]) ? (record["permissions"] as unknown[]).filter((item): item is string => typeof item === "string") : [];
  const expiresAt = typeof record["expiresAt"] === "string" ? record["expiresAt"] : undefined;
  return {
    id: typeof record["id"] === "string" ? record["id"] : stringField(record, "_id"),
    name: typeof record["name"] === "string" ? record["name"] : "",
    projectId,
    scopes,
    permissions,
    expiresAt,
    encryptedKey: typeof record["encryptedKey"] === "string" ? record["encryptedKey"] : "",
    iv: typeof record["iv"] === "string" ? record["iv"] : "",
    tag: typeof record["tag"] === "string" ? record["tag"] : "",
  };
}

/**
 * The project key the token carries: its `encryptedKey` decrypted with the token's fourth part. A token without a
 * key, or a key that does not open it, is a CRYPTO error naming the token (never its parts).
 */
export function projectKeyOf(info: ServiceTokenInfo, key: string | undefined): string {
  if (key === undefined) {
    throw new SecretsActionError("CRYPTO", `service token ${info.name || info.id}: the token has no key (st.<id>.<secret> without its fourth part), so the end-to-end encrypted project cannot be decrypted`, {
      hint: "use the whole service token as the dashboard showed it: st.<id>.<secret>.<key>",
    });
  }
  if (info.encryptedKey === "") {
    throw new SecretsActionError("CRYPTO", `service token ${info.name || info.id}: the server holds no encrypted project key for this token`, {
      hint: "create a new service token for the project",
    });
  }
  const projectKey = decryptWithHexKey({ ciphertext: info.encryptedKey, iv: info.iv, tag: info.tag }, key, `service token ${info.name || info.id} (project key)`);
  if (!/^[0-9a-f]{32}$/i.test(projectKey)) {
    throw new SecretsActionError("CRYPTO", `service token ${info.name || info.id}: the decrypted project key is not a 128-bit hex key`);
  }
  return projectKey;
}

/**
 * The environment and folder a token is bound to, when it has exactly one scope whose path is not a glob (the real
 * server then overrides the request's environment and path with it). Undefined otherwise.
 */
export function singleScope(info: ServiceTokenInfo): ServiceTokenScope | undefined {
  if (info.scopes.length !== 1) return undefined;
  const [scope] = info.scopes;
  return scope && !/[*?[\]{}]/.test(scope.secretPath) ? scope : undefined;
}
