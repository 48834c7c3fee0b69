import { json } from "../context.js";
import { badRequest } from "../errors.js";
import { FaultSpecError, parseFaultSpec } from "../faults.js";
import type { MintOptions } from "../oidc-issuer.js";
import type { RateLimitOptions } from "../rate-limit.js";
import type { Route } from "../router.js";
import { isRecord } from "../validation.js";

/**
 * `/__dev/*`: control of a running server for out-of-process tests (faults, request log, OIDC minting, rate limits,
 * reset). No auth: never expose a dev server beyond the machine. These calls are neither logged nor faulted.
 */

/** Checks the JSON options of `POST /__dev/oidc/mint`; every problem at once. */
const parseMintOptions = (raw: unknown): MintOptions => {
  const body = raw === undefined ? {} : raw;
  if (!isRecord(body)) throw badRequest("oidc mint: the body must be a JSON object of mint options", "MintOptionsInvalid");
  const problems: string[] = [];
  const options: MintOptions = {};
  const check = (key: string, ok: (value: unknown) => boolean, expected: string): boolean => {
    if (body[key] === undefined) return false;
    if (ok(body[key])) return true;
    problems.push(`${key} must be ${expected}`);
    return false;
  };
  const isString = (value: unknown): boolean => typeof value === "string";
  const isBoolean = (value: unknown): boolean => typeof value === "boolean";
  if (check("preset", (value) => value === "github" || value === "gitlab" || value === "circleci", "github, gitlab or circleci")) options.preset = body["preset"] as MintOptions["preset"] & string;
  if (check("claims", isRecord, "an object")) options.claims = body["claims"] as Record<string, unknown>;
  if (check("audience", (value) => isString(value) || (Array.isArray(value) && value.every(isString)), "a string or a list of strings")) options.audience = body["audience"] as string | string[];
  if (check("subject", isString, "a string")) options.subject = body["subject"] as string;
  if (check("issuer", isString, "a string")) options.issuer = body["issuer"] as string;
  if (check("ttlSeconds", (value) => typeof value === "number" && value > 0, "a number > 0")) options.ttlSeconds = body["ttlSeconds"] as number;
  if (check("kid", (value) => value === null || isString(value), "a string or null")) options.kid = body["kid"] as string | null;
  if (check("expired", isBoolean, "true or false")) options.expired = body["expired"] as boolean;
  if (check("notYetValid", isBoolean, "true or false")) options.notYetValid = body["notYetValid"] as boolean;
  if (check("signWithUnknownKey", isBoolean, "true or false")) options.signWithUnknownKey = body["signWithUnknownKey"] as boolean;
  if (problems.length > 0) throw badRequest(`oidc mint: ${problems.join("; ")}.`, "MintOptionsInvalid");
  return options;
};

const RATE_KEYS = ["style", "windowMs", "read", "write", "secrets", "auth", "global", "retryAfterHeader"] as const;

const parseRateLimit = (raw: unknown): RateLimitOptions => {
  if (!isRecord(raw)) throw badRequest("rate limit: the body must be a JSON object of options", "RateLimitOptionsInvalid");
  const problems: string[] = [];
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === "enabled") continue;
    if (!(RATE_KEYS as readonly string[]).includes(key)) problems.push(`unknown option ${key} (expected ${RATE_KEYS.join(", ")})`);
    else if (key === "style" ? value !== "429" && value !== "500" : key === "retryAfterHeader" ? typeof value !== "boolean" : typeof value !== "number" || value < 0)
      problems.push(`${key} has a wrong value`);
    else options[key] = value;
  }
  if (problems.length > 0) throw badRequest(`rate limit: ${problems.join("; ")}.`, "RateLimitOptionsInvalid");
  return options as RateLimitOptions;
};

export const adminRoutes = (): Route[] => [
  { method: "GET", path: "/__dev/faults", handler: (_ctx, app) => json(200, { faults: app.faults.list() }) },
  {
    method: "POST",
    path: "/__dev/faults",
    handler: (ctx, app) => {
      const specs = Array.isArray(ctx.body) ? ctx.body : [ctx.body];
      try {
        const parsed = specs.map(parseFaultSpec);
        for (const spec of parsed) app.faults.add(spec);
      } catch (error) {
        if (error instanceof FaultSpecError) throw badRequest(error.message, "FaultSpecInvalid");
        throw error;
      }
      return json(200, { faults: app.faults.list() });
    },
  },
  { method: "DELETE", path: "/__dev/faults", handler: (_ctx, app) => json(200, { cleared: app.faults.clear() }) },
  {
    method: "GET",
    path: "/__dev/requests",
    handler: (ctx, app) => {
      const { method, path, status } = ctx.query;
      const filter = {
        ...(typeof method === "string" ? { method } : {}),
        ...(typeof path === "string" ? { path } : {}),
        ...(typeof status === "string" ? { status: Number(status) } : {}),
      };
      return json(200, { requests: app.requests.list(filter) });
    },
  },
  { method: "DELETE", path: "/__dev/requests", handler: (_ctx, app) => json(200, { cleared: app.requests.clear() }) },
  { method: "POST", path: "/__dev/oidc/mint", handler: (ctx, app) => json(200, { token: app.oidc.mint(parseMintOptions(ctx.body)) }) },
  {
    method: "GET",
    path: "/__dev/rate-limit",
    handler: (_ctx, app) => json(200, { enabled: app.rateLimit.enabled, options: app.rateLimit.current }),
  },
  {
    method: "POST",
    path: "/__dev/rate-limit",
    handler: (ctx, app) => {
      const body = ctx.body ?? {};
      if (isRecord(body) && body["enabled"] === false) app.rateLimit.disable();
      else app.rateLimit.enable(parseRateLimit(body));
      return json(200, { enabled: app.rateLimit.enabled, options: app.rateLimit.current });
    },
  },
  {
    method: "DELETE",
    path: "/__dev/rate-limit",
    handler: (_ctx, app) => {
      app.rateLimit.disable();
      return json(200, { enabled: false, options: app.rateLimit.current });
    },
  },
  {
    method: "POST",
    path: "/__dev/dynamic-secrets/leases/:leaseId/expire",
    handler: async (ctx, app) => {
      const leaseId = ctx.params["leaseId"] ?? "";
      if (!app.store.leases.has(leaseId)) throw badRequest(`expire: no lease with id '${leaseId}'. List them with GET /api/v1/dynamic-secrets/:name/leases.`, "LeaseNotFound");
      const revoked = await app.dynamicSecrets.expire(leaseId);
      const lease = app.store.leases.get(leaseId);
      return json(200, { revoked, ...(lease ? { status: lease.status, statusDetails: lease.statusDetails } : {}) });
    },
  },
  {
    method: "POST",
    path: "/__dev/dynamic-secrets/revoke-all",
    handler: async (ctx, app) => {
      const isForced = isRecord(ctx.body) && ctx.body["isForced"] === true;
      return json(200, { revoked: await app.dynamicSecrets.revokeAll({ isForced }), remaining: app.store.leases.size });
    },
  },
  {
    method: "POST",
    path: "/__dev/reset",
    handler: (_ctx, app) => {
      app.reset();
      return json(200, { message: "Store reset to the seed" });
    },
  },
];
