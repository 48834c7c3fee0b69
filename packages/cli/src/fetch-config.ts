/**
 * The login and fetch options every secrets command shares, read into one typed config before the first request.
 * Problems go to `values.problems`, each naming the flag or variable to fix.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { type AwsCredentials, type PlanExportOptions, isSecretsActionError, normaliseDomain, planExport } from "@secrets-action/core";
import type { CiConventions } from "./conventions.js";
import type { Env, OptionValues } from "./option-values.js";
import { AUTH_METHODS, type AuthMethodName, DEFAULT_DOMAIN } from "./options.js";

/** How to log in, decided from the options and the environment. */
export type AuthPlan =
  | { readonly method: "universal"; readonly clientId: string; readonly clientSecret: string }
  | { readonly method: "oidc"; readonly identityId: string; readonly jwt: string; readonly variable: string }
  | { readonly method: "aws-iam"; readonly identityId: string; readonly region: string; readonly credentials: AwsCredentials }
  | { readonly method: "token"; readonly token: string }
  | { readonly method: "service-token"; readonly serviceToken: string };

/** The HTTP side: server, headers, CA, time budget. */
export interface HttpSettings {
  readonly domain: string;
  readonly extraHeaders: Readonly<Record<string, string>>;
  readonly caCertificate: string | undefined;
  readonly timeoutMs: number;
  readonly retries: number;
}

/** Where and how to log in: what every command that talks to the server needs. */
export interface LoginConfig extends HttpSettings {
  readonly auth: AuthPlan;
  /** Worth saying, not errors (plain http to a remote host, ignored options). */
  readonly warnings: readonly string[];
}

/** What to fetch and how to name it. */
export interface FetchConfig extends LoginConfig {
  readonly projectId: string | undefined;
  readonly projectSlug: string | undefined;
  /** Undefined only with a service token, whose single scope then names it. */
  readonly environment: string | undefined;
  readonly paths: readonly string[];
  readonly names: readonly string[] | undefined;
  readonly tags: readonly string[] | undefined;
  readonly includeImports: boolean;
  readonly recursive: boolean;
  readonly onCollision: "deepest" | "fail";
  readonly prefix: string;
  readonly suffix: string;
  readonly invalidNames: "skip" | "normalise" | "fail";
  readonly allowReserved: readonly string[];
  readonly maskMinLength: number;
}

/** Options of {@link readFetchConfig}. */
export interface ReadFetchConfigOptions {
  readonly values: OptionValues;
  readonly env: Env;
  readonly conventions: CiConventions;
  /** For a relative --ca-certificate path. */
  readonly cwd: string;
  /** Clock in ms, to tell an expired ID token (default Date.now). */
  readonly now?: () => number;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads the server and login options; never throws for bad input (see `values.problems`). */
export function readLoginConfig(options: ReadFetchConfigOptions): LoginConfig & { warnings: string[] } {
  const { values } = options;
  const warnings: string[] = [];
  let domain = DEFAULT_DOMAIN;
  try {
    const normalised = normaliseDomain(values.string("domain") ?? DEFAULT_DOMAIN, values.label("domain"));
    domain = normalised.url;
    warnings.push(...normalised.warnings);
  } catch (error) {
    if (!isSecretsActionError(error) || error.code !== "CONFIG") throw error;
    values.problems.push(...((error as { problems?: readonly string[] }).problems ?? [error.message]));
  }
  return {
    domain,
    extraHeaders: readHeaders(values),
    caCertificate: readCa(values, options.cwd),
    timeoutMs: values.integer("timeout") * 1000,
    retries: values.integer("retries"),
    auth: readAuth(options),
    warnings,
  };
}

/** Reads every login and fetch option; never throws for bad input (see `values.problems`). */
export function readFetchConfig(options: ReadFetchConfigOptions): FetchConfig {
  const { values } = options;
  const problems = values.problems;
  const login = readLoginConfig(options);
  const { auth, warnings } = login;

  const projectId = values.string("project-id");
  const projectSlug = values.string("project-slug");
  const fromServiceToken = auth.method === "service-token";
  if (projectId === undefined && projectSlug === undefined && !fromServiceToken) problems.push(`${values.ways("project-slug")}: required. Set the project's slug, or --project-id.`);
  if (projectId !== undefined && projectSlug !== undefined) {
    problems.push(`${values.label("project-id")}: set only one of project-id and project-slug, not both (${values.label("project-slug")} is set too).`);
  }
  const environment = fromServiceToken ? values.string("env-slug") : values.required("env-slug", "(the environment's slug, e.g. dev)");
  const paths = values.list("secret-path");
  for (const path of paths) {
    if (path.split("/").some((segment) => segment === ".." || segment === ".")) {
      problems.push(`${values.label("secret-path")}: "${path}" has a . or .. segment. Use an absolute folder path such as /app/db.`);
    }
  }
  const names = values.list("secret-name");
  const tags = values.list("tags");
  const recursive = values.boolean("recursive");
  if (names.length > 0 && recursive) warnings.push(`${values.label("recursive")} is ignored when ${values.label("secret-name")} selects secrets.`);

  const prefix = values.string("env-prefix") ?? "";
  const suffix = values.string("env-suffix") ?? "";
  const allowReserved = values.list("allow-reserved-names");
  try {
    // Checks the naming options now, before any request: with no secrets, planExport only validates them.
    planExport([], { prefix, suffix, allowReserved, inputNames: exportInputNames(values) });
  } catch (error) {
    if (!isSecretsActionError(error) || error.code !== "CONFIG") throw error;
    problems.push(...((error as { problems?: readonly string[] }).problems ?? [error.message]));
  }

  return {
    ...login,
    projectId,
    projectSlug,
    environment,
    paths: paths.length > 0 ? paths : ["/"],
    names: names.length > 0 ? names : undefined,
    tags: tags.length > 0 ? tags : undefined,
    includeImports: values.boolean("include-imports"),
    recursive,
    onCollision: values.choice<"deepest" | "fail">("on-collision") ?? "deepest",
    prefix,
    suffix,
    invalidNames: values.choice<"skip" | "normalise" | "fail">("invalid-names") ?? "skip",
    allowReserved,
    maskMinLength: values.integer("mask-min-length"),
  };
}

/** How planExport's messages name the naming options. */
export type ExportInputNames = NonNullable<PlanExportOptions["inputNames"]>;

/** How planExport's messages name the CLI's options. */
export function exportInputNames(values: OptionValues): ExportInputNames {
  return {
    prefix: values.label("env-prefix"),
    suffix: values.label("env-suffix"),
    normalise: `${values.label("invalid-names")} normalise`,
    strict: `${values.label("invalid-names")} fail`,
    allowReserved: values.label("allow-reserved-names"),
  };
}

function readAuth(options: ReadFetchConfigOptions): AuthPlan {
  const { values, env, conventions } = options;
  const problems = values.problems;
  const method: AuthMethodName = values.choice<AuthMethodName>("method") ?? "universal";
  if (method !== values.string("method")) {
    // An unknown method is reported by choice(); what it would need cannot be known, so nothing more is asked.
    return { method: "token", token: "" };
  }
  const methodLabel = `${values.label("method")} ${method}`;
  switch (method) {
    case "universal":
      return {
        method,
        clientId: values.required("client-id", `with ${methodLabel}`),
        clientSecret: values.required("client-secret", `with ${methodLabel}`),
      };
    case "oidc": {
      const identityId = values.required("identity-id", `with ${methodLabel}`);
      const named = values.isSet("id-token-variable") ? values.string("id-token-variable") : undefined;
      if (named !== undefined && !ENV_NAME.test(named)) {
        problems.push(`${values.label("id-token-variable")}: "${named}" is not an environment variable name.`);
        return { method, identityId, jwt: "", variable: named };
      }
      const candidates = named !== undefined ? [named] : conventions.idTokenVariables;
      const variable = candidates.find((name) => (env[name] ?? "").trim() !== "");
      if (variable === undefined) {
        const first = candidates[0] ?? "INFISICAL_ID_TOKEN";
        problems.push(`${methodLabel}: no ID token in ${candidates.map((name) => `$${name}`).join(" or ")}. ${conventions.idTokenHint(first)}`);
        return { method, identityId, jwt: "", variable: first };
      }
      const jwt = (env[variable] ?? "").trim();
      const problem = jwtProblem(jwt, options.now ?? Date.now);
      if (problem !== undefined) problems.push(`$${variable}: ${problem}`);
      return { method, identityId, jwt, variable };
    }
    case "aws-iam": {
      const identityId = values.required("identity-id", `with ${methodLabel}`);
      const accessKeyId = env["AWS_ACCESS_KEY_ID"]?.trim();
      const secretAccessKey = env["AWS_SECRET_ACCESS_KEY"]?.trim();
      if (!accessKeyId || !secretAccessKey) {
        problems.push(`${methodLabel}: no AWS credentials in the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY). ${conventions.awsCredentialsHint}`);
      }
      const region = values.string("aws-region") ?? "us-east-1";
      if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) problems.push(`${values.label("aws-region")}: "${region}" is not an AWS region name (e.g. eu-west-1).`);
      const sessionToken = env["AWS_SESSION_TOKEN"]?.trim();
      return {
        method,
        identityId,
        region,
        credentials: { accessKeyId: accessKeyId ?? "", secretAccessKey: secretAccessKey ?? "", ...(sessionToken ? { sessionToken } : {}) },
      };
    }
    case "token":
      return { method, token: values.required("token", `with ${methodLabel}`) };
    case "service-token": {
      const serviceToken = values.required("service-token", `with ${methodLabel}`);
      if (serviceToken !== "" && !/^st\.[^.\s]+\.[^.\s]+(\.[^.\s]+)?$/.test(serviceToken)) {
        problems.push(`${values.label("service-token")}: not a service token (expected st.<id>.<secret>.<key>, ${serviceToken.split(".").length} dot-separated parts given). For a machine identity use another method.`);
      }
      return { method, serviceToken };
    }
  }
  // Unreachable: the switch covers AUTH_METHODS.
  throw new Error(`unhandled method ${String(method satisfies never)} of ${AUTH_METHODS.join(", ")}`);
}

/** Why `jwt` cannot be an ID token (not three base64url parts, no JSON payload, expired), or undefined. */
export function jwtProblem(jwt: string, now: () => number): string | undefined {
  const parts = jwt.split(".");
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) {
    return "does not hold a JWT (three base64url parts separated by dots). Check that it is the variable named under id_tokens.";
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8"));
  } catch {
    return "does not hold a JWT: its middle part is not base64url-encoded JSON.";
  }
  const exp = typeof payload === "object" && payload !== null ? (payload as { exp?: unknown }).exp : undefined;
  if (typeof exp === "number" && exp * 1000 < now()) {
    return `the ID token expired at ${new Date(exp * 1000).toISOString()}. It is minted when the job starts; retry the job.`;
  }
  return undefined;
}

function readHeaders(values: OptionValues): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of values.list("extra-header")) {
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : "";
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) {
      // Never echo the line: header values are often credentials for a proxy in front of the server.
      values.problems.push(`${values.label("extra-header")}: a header is not "Name: value" (the name is missing or has invalid characters).`);
      continue;
    }
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}

function readCa(values: OptionValues, cwd: string): string | undefined {
  const given = values.string("ca-certificate");
  if (given === undefined) return undefined;
  const label = values.label("ca-certificate");
  let pem = given;
  if (!given.includes("-----BEGIN")) {
    const path = isAbsolute(given) ? given : resolve(cwd, given);
    try {
      pem = readFileSync(path, "utf8");
    } catch (error) {
      const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "unreadable";
      values.problems.push(`${label}: cannot read ${path} (${code}). Give the path of a PEM file, or the PEM text.`);
      return undefined;
    }
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    values.problems.push(`${label}: not a PEM certificate (expected -----BEGIN CERTIFICATE-----).`);
    return undefined;
  }
  return pem;
}
