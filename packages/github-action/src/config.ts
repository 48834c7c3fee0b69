import { isAbsolute, join, normalize, resolve } from "node:path";
import { ConfigError, type LeaseRequest, closest, isSecretsActionError, normaliseDomain, parseLeaseRequests } from "@secrets-action/core/inputs";
import { INPUTS } from "./inputs.js";

export type ExportType = "env" | "output" | "file" | "none";
export type FileFormat = "dotenv" | "json" | "yaml" | "shell";

/** How to log in, decided from the inputs. */
export type AuthPlan =
  | { method: "universal"; clientId: string; clientSecret: string }
  | { method: "oidc"; identityId: string; audience: string | undefined; requestUrl: string; requestToken: string }
  | { method: "aws-iam"; identityId: string; region: string; accessKeyId: string; secretAccessKey: string; sessionToken: string | undefined }
  | { method: "token"; token: string }
  | { method: "service-token"; serviceToken: string };

/** Everything the action will do, validated before the first request. */
export interface ActionConfig {
  domain: string;
  auth: AuthPlan;
  projectId: string | undefined;
  projectSlug: string | undefined;
  /** Undefined only with a service token, whose scope then names it. */
  environment: string | undefined;
  paths: string[];
  /** False with `fetch-secrets: false`: only leases. */
  fetchSecrets: boolean;
  /** `dynamic-secrets`, in input order. */
  leases: LeaseRequest[];
  names: string[] | undefined;
  tags: string[] | undefined;
  includeImports: boolean;
  recursive: boolean;
  onCollision: "deepest" | "fail";
  exportTypes: ReadonlySet<ExportType>;
  /** Set when `file` is among the export types. */
  file: { path: string; format: FileFormat; clean: boolean } | undefined;
  prefix: string;
  suffix: string;
  invalidNames: "skip" | "normalise" | "fail";
  allowReserved: string[];
  maskMinLength: number;
  outputAccessToken: boolean;
  revokeToken: boolean;
  extraHeaders: Record<string, string>;
  caCertificate: string | undefined;
  timeoutMs: number;
  retries: number;
  /** Things worth saying that are not errors. */
  warnings: string[];
}

/** The job's environment as the runner sets it; read once, in main.ts. */
export type RunnerEnv = Readonly<Record<string, string | undefined>>;

/** The runner passes input `client-id` as `INPUT_CLIENT-ID`; an empty input is `undefined`. */
export function readInputs(env: RunnerEnv): Record<string, string | undefined> {
  const inputs: Record<string, string | undefined> = {};
  for (const { name } of INPUTS) {
    const value = env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`]?.trim();
    inputs[name] = value === "" ? undefined : value;
  }
  return inputs;
}

const TRUE_WORDS = new Set(["true", "True", "TRUE"]);
const FALSE_WORDS = new Set(["false", "False", "FALSE"]);
const METHODS = ["universal", "oidc", "aws-iam", "token", "service-token"] as const;
const EXPORT_TYPES: readonly ExportType[] = ["env", "output", "file", "none"];
const FILE_FORMATS: readonly FileFormat[] = ["dotenv", "json", "yaml", "shell"];

/** Splits a list input on newlines and commas, dropping blanks. */
export function splitList(value: string | undefined): string[] {
  return (value ?? "")
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** Parses every input into one config, collecting every problem; throws one ConfigError listing them all. */
export function parseConfig(inputs: Record<string, string | undefined>, env: RunnerEnv): ActionConfig {
  const problems: string[] = [];
  const warnings: string[] = [];

  const boolean = (name: string): boolean => {
    const value = inputs[name] ?? INPUTS.find((input) => input.name === name)?.default ?? "false";
    if (TRUE_WORDS.has(value)) return true;
    if (FALSE_WORDS.has(value)) return false;
    problems.push(`${name}: "${value}" is not a boolean. Use true or false.`);
    return false;
  };
  const oneOf = <T extends string>(name: string, options: readonly T[], fallback: T): T => {
    const value = inputs[name] ?? fallback;
    if ((options as readonly string[]).includes(value)) return value as T;
    const guess = closest(value, options);
    problems.push(`${name}: "${value}" is not one of ${options.join(", ")}.${guess ? ` Did you mean ${guess}?` : ""}`);
    return fallback;
  };
  const integer = (name: string, min: number, max: number): number => {
    const value = inputs[name] ?? INPUTS.find((input) => input.name === name)?.default ?? "0";
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
      problems.push(`${name}: "${value}" must be a whole number from ${min} to ${max}.`);
      return min;
    }
    return parsed;
  };
  const required = (name: string, why: string): string => {
    const value = inputs[name];
    if (value === undefined) problems.push(`${name}: required ${why}.`);
    return value ?? "";
  };

  // Server.
  let domain = "";
  try {
    const normalised = normaliseDomain(inputs["domain"] ?? "https://app.infisical.com");
    domain = normalised.url;
    warnings.push(...normalised.warnings);
  } catch (error) {
    if (!isSecretsActionError(error) || error.code !== "CONFIG") throw error;
    problems.push(...(error as ConfigError).problems);
  }

  // Login.
  const method = oneOf("method", METHODS, "universal");
  let auth: AuthPlan;
  switch (method) {
    case "universal":
      auth = { method, clientId: required("client-id", "with method universal"), clientSecret: required("client-secret", "with method universal") };
      break;
    case "oidc": {
      const identityId = required("identity-id", "with method oidc");
      const requestUrl = env["ACTIONS_ID_TOKEN_REQUEST_URL"];
      const requestToken = env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"];
      if (!requestUrl || !requestToken) {
        problems.push(
          "method oidc: this job has no GitHub OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set). Add `permissions: id-token: write` to the job or workflow; pull requests from forks never get one.",
        );
      }
      auth = { method, identityId, audience: inputs["oidc-audience"], requestUrl: requestUrl ?? "", requestToken: requestToken ?? "" };
      break;
    }
    case "aws-iam": {
      const identityId = required("identity-id", "with method aws-iam");
      const accessKeyId = env["AWS_ACCESS_KEY_ID"];
      const secretAccessKey = env["AWS_SECRET_ACCESS_KEY"];
      if (!accessKeyId || !secretAccessKey) {
        problems.push(
          "method aws-iam: no AWS credentials in the job (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). Run aws-actions/configure-aws-credentials before this step.",
        );
      }
      const region = inputs["aws-region"] ?? env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"] ?? "us-east-1";
      if (!/^[a-z0-9-]{1,20}$/.test(region)) problems.push(`aws-region: "${region}" is not an AWS region name (e.g. eu-west-1).`);
      auth = { method, identityId, region, accessKeyId: accessKeyId ?? "", secretAccessKey: secretAccessKey ?? "", sessionToken: env["AWS_SESSION_TOKEN"] || undefined };
      break;
    }
    case "token":
      auth = { method, token: required("token", "with method token") };
      break;
    case "service-token": {
      const serviceToken = inputs["service-token"] ?? (env["INFISICAL_TOKEN"]?.trim() || undefined);
      if (serviceToken === undefined) problems.push("service-token: required with method service-token. Set the input, or INFISICAL_TOKEN in the job's env.");
      else if (!/^st\.[^.\s]+\.[^.\s]+(\.[^.\s]+)?$/.test(serviceToken)) {
        problems.push(`service-token: not a service token (expected st.<id>.<secret>.<key>, ${serviceToken.split(".").length} dot-separated parts given). For a machine identity use another method.`);
      }
      auth = { method, serviceToken: serviceToken ?? "" };
      break;
    }
  }

  // What to read.
  const projectId = inputs["project-id"];
  const projectSlug = inputs["project-slug"];
  // A service token belongs to one project and names its environments: they are read from it when not given.
  const fromToken = method === "service-token";
  if (!projectId && !projectSlug && !fromToken) problems.push("project-slug: set project-slug or project-id.");
  if (projectId && projectSlug) problems.push("project-id: set only one of project-id and project-slug, not both.");
  const environment = fromToken ? inputs["env-slug"] : required("env-slug", "(the environment's slug, e.g. dev)");
  const paths = splitList((inputs["secret-path"] ?? "/").replace(/,/g, "\n"));
  for (const path of paths) {
    if (path.split("/").some((segment) => segment === ".." || segment === ".")) problems.push(`secret-path: "${path}" has a . or .. segment. Use an absolute folder path such as /app/db.`);
  }
  const names = splitList(inputs["secret-name"]);
  const tags = splitList(inputs["tags"]);

  // Dynamic secrets.
  const leased = parseLeaseRequests(inputs["dynamic-secrets"] ?? "", "dynamic-secrets");
  problems.push(...leased.problems);
  if (leased.requests.length > 0 || leased.problems.length > 0) {
    if (method === "service-token") problems.push("dynamic-secrets: a service token cannot lease dynamic secrets. Log in with a machine identity (universal, oidc, aws-iam or token).");
    else if (!projectSlug) problems.push("dynamic-secrets: needs project-slug (the lease API names projects by slug, not id).");
  }
  const fetchSecrets = boolean("fetch-secrets");
  if (!fetchSecrets && leased.requests.length === 0 && leased.problems.length === 0) {
    problems.push("fetch-secrets: false with no dynamic-secrets leaves nothing to do. Remove fetch-secrets, or list dynamic-secrets to lease.");
  }

  // Where it goes.
  const exportTypes = new Set<ExportType>();
  for (const type of splitList(inputs["export-type"] ?? "env")) {
    if ((EXPORT_TYPES as readonly string[]).includes(type)) exportTypes.add(type as ExportType);
    else {
      const guess = closest(type, EXPORT_TYPES);
      problems.push(`export-type: "${type}" is not one of ${EXPORT_TYPES.join(", ")}.${guess ? ` Did you mean ${guess}?` : ""}`);
    }
  }
  if (exportTypes.size === 0 && !problems.some((problem) => problem.startsWith("export-type"))) problems.push("export-type: empty. Use env, output, file or none.");
  if (exportTypes.has("none") && exportTypes.size > 1) problems.push("export-type: none cannot be combined with other export types.");
  const format = oneOf("file-format", FILE_FORMATS, "dotenv");
  const clean = boolean("clean");
  const file = exportTypes.has("file") ? { path: resolveFilePath(inputs["file-output-path"], format, env, problems), format, clean } : undefined;

  const prefix = inputs["env-prefix"] ?? "";
  const suffix = inputs["env-suffix"] ?? "";
  const config: ActionConfig = {
    domain,
    auth,
    projectId,
    projectSlug,
    environment,
    paths: paths.length > 0 ? paths : ["/"],
    fetchSecrets,
    leases: leased.requests,
    names: names.length > 0 ? names : undefined,
    tags: tags.length > 0 ? tags : undefined,
    includeImports: boolean("include-imports"),
    recursive: boolean("recursive"),
    onCollision: oneOf("on-collision", ["deepest", "fail"] as const, "deepest"),
    exportTypes,
    file,
    prefix,
    suffix,
    invalidNames: oneOf("invalid-names", ["skip", "normalise", "fail"] as const, "skip"),
    allowReserved: splitList(inputs["allow-reserved-names"]),
    maskMinLength: integer("mask-min-length", 1, 1000),
    outputAccessToken: boolean("output-access-token"),
    revokeToken: boolean("revoke-token"),
    extraHeaders: parseHeaders(inputs["extra-headers"], problems),
    caCertificate: parseCa(inputs["ca-certificate"], problems),
    timeoutMs: integer("timeout", 1, 3600) * 1000,
    retries: integer("retries", 0, 10),
    warnings,
  };
  if (config.names && config.recursive) warnings.push("recursive is ignored when secret-name is set.");
  if (method === "service-token" && config.revokeToken) warnings.push("revoke-token is ignored with a service token: it is not an access token, and its owner manages it.");
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

export function parseHeaders(value: string | undefined, problems: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of (value ?? "").split("\n").map((item) => item.trim())) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : "";
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) {
      problems.push(`extra-headers: a line is not "Name: value" (the header name is missing or has invalid characters).`);
      continue;
    }
    const headerValue = line.slice(colon + 1).trim();
    // Repeated headers are joined, as the official action does.
    headers[name] = headers[name] === undefined ? headerValue : `${headers[name]}, ${headerValue}`;
  }
  return headers;
}

function parseCa(value: string | undefined, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (!value.includes("-----BEGIN CERTIFICATE-----")) {
    problems.push("ca-certificate: not a PEM certificate (expected -----BEGIN CERTIFICATE-----).");
    return undefined;
  }
  return value;
}

function resolveFilePath(input: string | undefined, format: FileFormat, env: RunnerEnv, problems: string[]): string {
  const workspace = env["GITHUB_WORKSPACE"];
  const runnerTemp = env["RUNNER_TEMP"];
  if (input === undefined) {
    if (!runnerTemp) {
      problems.push("file-output-path: RUNNER_TEMP is not set, so there is no private place for the file. Set file-output-path.");
      return "";
    }
    const extension = { dotenv: "env", json: "json", yaml: "yaml", shell: "sh" }[format];
    return join(runnerTemp, `infisical-secrets-${Date.now().toString(36)}-${process.pid}.${extension}`);
  }
  const within = (root: string | undefined): boolean => {
    if (!root) return false;
    const relative = normalize(input).toLowerCase();
    return relative.startsWith(normalize(root).toLowerCase());
  };
  if (isAbsolute(input) && (within(workspace) || within(runnerTemp))) return normalize(input);
  if (!workspace) {
    problems.push("file-output-path: GITHUB_WORKSPACE is not set, so a relative path has no base. Give a path under RUNNER_TEMP.");
    return "";
  }
  // As the official action: the path is appended to the workspace, leading slash or not.
  const resolved = resolve(workspace, `.${input.startsWith("/") || input.startsWith("\\") ? "" : "/"}${input}`);
  if (!resolved.startsWith(resolve(workspace))) {
    problems.push(`file-output-path: "${input}" leaves the workspace. Use a path inside it, or one under RUNNER_TEMP.`);
  }
  return resolved;
}
