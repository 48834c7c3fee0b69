import { isApiError } from "../http/api-error.js";
import { createSecretsClient, type SecretsClient, type SecretsClientOptions } from "../secrets/client.js";
import type { Authorized } from "../secrets/types.js";
import { createEncryptedSecretsClient } from "./encrypted-secrets.js";
import { projectKeyOf, type ServiceTokenInfo } from "./service-token.js";

/**
 * True when the raw endpoints refused a project because the server cannot decrypt it: a legacy end-to-end encrypted
 * project has no project bot, and the real server answers 400 with `error: "bot_not_found_error"`.
 */
export function isEndToEndEncryptedProject(error: unknown): boolean {
  return isApiError(error) && error.status === 400 && error.serverError === "bot_not_found_error";
}

/**
 * The secrets client of a service token. The project is read through the raw endpoints, as the server allows for
 * projects it decrypts; when the server says the project is end-to-end encrypted, the project key is unwrapped with
 * the token's fourth part and every later call goes through the encrypted endpoints.
 */
export function createServiceTokenSecretsClient(
  auth: Authorized,
  info: ServiceTokenInfo,
  key: string | undefined,
  options: SecretsClientOptions = {},
): SecretsClient {
  const raw = createSecretsClient(auth, { apiVersion: options.apiVersion ?? "v3" });
  let encrypted: SecretsClient | undefined;

  const route = async <T>(call: (client: SecretsClient) => Promise<T>): Promise<T> => {
    if (encrypted) return call(encrypted);
    try {
      return await call(raw);
    } catch (error: unknown) {
      if (!isEndToEndEncryptedProject(error)) throw error;
      encrypted = createEncryptedSecretsClient(auth, projectKeyOf(info, key));
      return call(encrypted);
    }
  };

  return {
    list: (list) => route((client) => client.list(list)),
    get: (get) => route((client) => client.get(get)),
    create: (create) => route((client) => client.create(create)),
    update: (update) => route((client) => client.update(update)),
    delete: (location) => route((client) => client.delete(location)),
  };
}
