import { SecretsActionError } from "../errors.js";
import type { HttpClient } from "../http/types.js";
import { parseAccessToken } from "./access-token.js";
import { AUTH_PATHS } from "./endpoints.js";
import type { AccessToken, UniversalAuthConfig } from "./types.js";

/** Options of `loginUniversal`: the universal-auth config without its `method`, plus a clock. */
export type LoginUniversalOptions = Omit<UniversalAuthConfig, "method"> & { now?: (() => number) | undefined };

/**
 * Universal auth login: POST /api/v1/auth/universal-auth/login with the client id and secret (JSON, or form-encoded
 * with `form: true`). Never retried on a 4xx: three failures lock the identity for five minutes.
 */
export async function loginUniversal(http: HttpClient, options: LoginUniversalOptions): Promise<AccessToken> {
  const problems: string[] = [];
  if (!options.clientId?.trim()) problems.push("the client id is empty");
  if (!options.clientSecret?.trim()) problems.push("the client secret is empty");
  if (problems.length > 0) {
    throw new SecretsActionError("AUTH", `universal auth: ${problems.join(" and ")}`, {
      hint: "set the client id and client secret of a machine identity with universal auth",
    });
  }
  const fields: Record<string, string> = { clientId: options.clientId.trim(), clientSecret: options.clientSecret };
  if (options.organizationSlug) fields.organizationSlug = options.organizationSlug;
  if (options.subOrganizationName) fields.subOrganizationName = options.subOrganizationName;
  const now = options.now ?? Date.now;
  const response = await http.request<unknown>({
    method: "POST",
    path: AUTH_PATHS.universal,
    ...(options.form === true ? { form: fields } : { json: fields }),
  });
  return parseAccessToken(response.body, now(), `POST ${AUTH_PATHS.universal}`);
}
