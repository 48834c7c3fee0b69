/**
 * GitHub's OIDC ID token: the request `core.getIDToken(audience)` makes — GET ACTIONS_ID_TOKEN_REQUEST_URL with
 * `&audience=` and the request token as bearer, answering `{ "value": "<jwt>" }` — sent through core's HTTP client so
 * it gets the same timeouts, retries, proxy and CA as every other request.
 */
import { type HttpClient, SecretsActionError } from "@secrets-action/core";

/** Where the runner says to ask for the token. */
export interface IdTokenRequest {
  requestUrl: string;
  requestToken: string;
  audience: string | undefined;
}

/** Splits the request URL into the client's base and the request's path and query. */
export function idTokenEndpoint(requestUrl: string, audience: string | undefined): { origin: string; path: string; query: Record<string, string> } {
  const url = new URL(requestUrl);
  const query: Record<string, string> = Object.fromEntries(url.searchParams);
  if (audience) query["audience"] = audience;
  return { origin: url.origin, path: url.pathname, query };
}

/** Asks the runner for a fresh ID token. The caller masks it before anything else is printed. */
export async function requestIdToken(http: HttpClient, request: IdTokenRequest): Promise<string> {
  const { path, query } = idTokenEndpoint(request.requestUrl, request.audience);
  try {
    const response = await http.request<{ value?: unknown }>({ method: "GET", path, query, token: request.requestToken });
    const value = response.body?.value;
    if (typeof value !== "string" || value === "") throw new Error("the answer has no value");
    return value;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new SecretsActionError("AUTH", `method oidc: could not get GitHub's ID token (${detail})`, {
      hint: "check `permissions: id-token: write` on the job; pull requests from forks never get an OIDC token",
      cause: error,
    });
  }
}
