import { json, type RequestContext } from "../context.js";
import { authenticateServiceToken, serviceTokenBody } from "../auth/service-tokens.js";
import { forbidden, unauthorized } from "../errors.js";
import type { Route } from "../router.js";
import {
  createEncrypted,
  deleteEncrypted,
  encryptedPath,
  getEncrypted,
  listEncrypted,
  updateEncrypted,
  type EncryptedFields,
  type EncryptedTarget,
} from "../secrets/encrypted.js";
import { Validator } from "../validation.js";

/**
 * Legacy end-to-end encryption routes: `GET /api/v2/service-token` and the encrypted `/api/v3/secrets[/:secretName]`.
 * The static `/api/v3/secrets/raw` segment wins over `:secretName` in the router, so a secret cannot be named "raw".
 */

const authOf = (ctx: RequestContext) => {
  if (!ctx.auth) throw new Error("route declared auth but no identity was attached");
  return ctx.auth;
};

const targetOf = (input: Validator): EncryptedTarget => ({
  workspaceId: input.string("workspaceId"),
  environment: input.string("environment"),
  secretPath: encryptedPath(input.optionalString("secretPath")),
});

const CIPHER_FIELDS = ["secretKeyCiphertext", "secretKeyIV", "secretKeyTag", "secretValueCiphertext", "secretValueIV", "secretValueTag"] as const;
const COMMENT_FIELDS = ["secretCommentCiphertext", "secretCommentIV", "secretCommentTag"] as const;

const fieldsOf = (body: Validator, mode: "create" | "update"): Partial<EncryptedFields> => {
  const fields: Partial<EncryptedFields> = {};
  for (const name of CIPHER_FIELDS) {
    const value = mode === "create" ? body.string(name, { trim: false }) : body.optionalString(name, { trim: false });
    if (value !== undefined) fields[name] = value;
  }
  for (const name of COMMENT_FIELDS) {
    const value = body.nullableString(name);
    if (value !== undefined) fields[name] = value;
  }
  const skip = body.optionalBoolean("skipMultilineEncoding");
  if (skip !== undefined) fields.skipMultilineEncoding = skip;
  return fields;
};

export const encryptedSecretRoutes = (): Route[] => {
  const common = { bucket: "secrets" as const, auth: true };
  return [
    {
      method: "GET",
      path: "/api/v2/service-token",
      bucket: "read",
      handler: (ctx, app) => {
        const header = ctx.headers.authorization;
        const token = typeof header === "string" ? header.slice(7) : "";
        if (!token) throw unauthorized("Token missing");
        if (!token.startsWith("st.")) throw forbidden("You are not allowed to access this resource", `Forbidden access to ${ctx.path}`);
        const auth = authenticateServiceToken(app, ctx, token);
        if (!auth.serviceToken) throw unauthorized("Token missing");
        return json(200, serviceTokenBody(auth.serviceToken));
      },
    },
    {
      ...common,
      method: "GET",
      path: "/api/v3/secrets",
      handler: (ctx, app) => {
        const query = new Validator(ctx.query);
        const target = targetOf(query);
        const recursive = query.queryBoolean("recursive", false);
        const includeImports = query.queryBoolean("include_imports", false);
        query.optionalString("type");
        query.done();
        return json(200, listEncrypted(app, authOf(ctx), { ...target, recursive, includeImports }));
      },
    },
    {
      ...common,
      method: "GET",
      path: "/api/v3/secrets/:secretName",
      handler: (ctx, app) => {
        const query = new Validator(ctx.query);
        const target = targetOf(query);
        query.optionalString("type");
        query.coercedNumber("version");
        query.queryBoolean("include_imports", false);
        query.done();
        return json(200, getEncrypted(app, authOf(ctx), { ...target, secretName: ctx.params["secretName"] ?? "" }));
      },
    },
    {
      ...common,
      method: "POST",
      path: "/api/v3/secrets/:secretName",
      handler: (ctx, app) => {
        const body = Validator.forBody(ctx.body);
        const target = targetOf(body);
        const fields = fieldsOf(body, "create") as EncryptedFields;
        body.optionalString("type");
        body.done();
        return json(200, createEncrypted(app, authOf(ctx), { ...target, secretName: ctx.params["secretName"] ?? "", fields }));
      },
    },
    {
      ...common,
      method: "PATCH",
      path: "/api/v3/secrets/:secretName",
      handler: (ctx, app) => {
        const body = Validator.forBody(ctx.body);
        const target = targetOf(body);
        const fields = fieldsOf(body, "update");
        const newSecretName = body.optionalString("newSecretName");
        body.optionalString("type");
        body.done();
        return json(200, updateEncrypted(app, authOf(ctx), { ...target, secretName: ctx.params["secretName"] ?? "", newSecretName, fields }));
      },
    },
    {
      ...common,
      method: "DELETE",
      path: "/api/v3/secrets/:secretName",
      handler: (ctx, app) => {
        const body = Validator.forBody(ctx.body);
        const target = targetOf(body);
        body.optionalString("type");
        body.done();
        return json(200, deleteEncrypted(app, authOf(ctx), { ...target, secretName: ctx.params["secretName"] ?? "" }));
      },
    },
  ];
};
