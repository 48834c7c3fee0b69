import { SecretsActionError, errorMessage, isSecretsActionError } from "../errors.js";
import type { HttpClient } from "../http/types.js";
import { parseAccessToken } from "./access-token.js";
import { AUTH_PATHS } from "./endpoints.js";
import type { AccessToken, OidcAuthConfig } from "./types.js";

/** Options of `loginOidc`: the OIDC config without its `method`, plus a clock. */
export type LoginOidcOptions = Omit<OidcAuthConfig, "method"> & { now?: (() => number) | undefined };

/**
 * OIDC login: POST /api/v1/auth/oidc-auth/login with the identity id and the CI's ID token. `getJwt` runs before
 * every attempt, so a retry never replays an expired or single-use token.
 */
export async function loginOidc(http: HttpClient, options: LoginOidcOptions): Promise<AccessToken> {
  const identityId = options.identityId?.trim();
  if (!identityId) {
    throw new SecretsActionError("AUTH", "OIDC auth: the identity id is empty", { hint: "set the identity id of a machine identity with OIDC auth" });
  }
  const now = options.now ?? Date.now;
  const body = async (): Promise<{ json: Record<string, string> }> => {
    let jwt: string;
    try {
      jwt = (await options.getJwt()).trim();
    } catch (error: unknown) {
      // The adapter's own errors already say what to do (e.g. "did you set `permissions: id-token: write`?").
      if (isSecretsActionError(error)) throw error;
      throw new SecretsActionError("AUTH", `OIDC auth: could not get the CI's ID token: ${errorMessage(error)}`, {
        cause: error,
        hint: "on GitHub the job needs `permissions: id-token: write` (forked pull requests get no token); on GitLab set `id_tokens:`",
      });
    }
    if (jwt === "") {
      throw new SecretsActionError("AUTH", "OIDC auth: the CI gave an empty ID token", {
        hint: "check that the job requests an ID token (GitHub: `permissions: id-token: write`; GitLab: `id_tokens:`)",
      });
    }
    const json: Record<string, string> = { identityId, jwt };
    if (options.organizationSlug) json.organizationSlug = options.organizationSlug;
    if (options.subOrganizationName) json.subOrganizationName = options.subOrganizationName;
    return { json };
  };
  const response = await http.request<unknown>({
    method: "POST",
    path: AUTH_PATHS.oidc,
    refreshBody: body,
    context: { identityId },
  });
  return parseAccessToken(response.body, now(), `POST ${AUTH_PATHS.oidc}`);
}
