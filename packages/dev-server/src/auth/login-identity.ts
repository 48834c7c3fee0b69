import type { App } from "../context.js";
import { internalError, notFound } from "../errors.js";
import type { Identity } from "../store.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const NOT_CONFIGURED = {
  oidc: "OIDC auth method not found for identity, did you configure OIDC auth?",
  aws: "AWS auth method not found for identity, did you configure AWS auth?",
} as const;

/**
 * The identity an OIDC or AWS login names. The real server looks the auth config up by identity id in PostgreSQL:
 * an id that is not a UUID breaks the query (500 `{"error":"Find one"}`, as observed in §9), a UUID without a config
 * is a 404 asking whether the method was configured.
 */
export const loginIdentity = (app: App, identityId: string, method: keyof typeof NOT_CONFIGURED, note: (text: string) => void): Identity => {
  const identity = app.store.identity(identityId);
  if (identity && (method === "oidc" ? identity.oidcAuth : identity.awsAuth)) return identity;
  if (!identity && !UUID.test(identityId)) {
    note("identity id is not a UUID (the real server fails its database lookup)");
    throw internalError("Find one", true);
  }
  note(identity ? `identity has no ${method} auth` : "no identity with this id");
  throw notFound(NOT_CONFIGURED[method]);
};
