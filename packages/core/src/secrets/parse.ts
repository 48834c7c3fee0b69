import { SecretsActionError } from "../errors.js";
import type { ImportedFolder, SecretRecord } from "./types.js";

/** The server hides values the caller may not read; such a secret cannot be exported. */
export const HIDDEN_VALUE = "<hidden-by-infisical>";

type Json = Record<string, unknown>;

/** Most secrets have no tags: they share one empty list (a listing has thousands of secrets). */
const NO_TAGS: readonly string[] = Object.freeze([]);

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function protocolError(endpoint: string, what: string): SecretsActionError {
  return new SecretsActionError("PROTOCOL", `${endpoint}: unexpected response, ${what}`, {
    hint: "check that the domain points at an Infisical server (not a proxy or a web page)",
  });
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/**
 * A secret object of a list answer with only the fields `parseSecret` reads (anything else is returned as it is, for
 * `parseSecret` to refuse). The server also sends ids, dates and metadata, which a listing of thousands would hold.
 * One object literal, so every slim secret has the same shape: a field the server left out is undefined, which
 * `parseSecret` reads as it reads a missing one.
 */
export function slimSecret(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  return {
    id: raw["id"],
    _id: raw["_id"],
    secretKey: raw["secretKey"],
    secretValue: raw["secretValue"],
    secretValueHidden: raw["secretValueHidden"],
    secretPath: raw["secretPath"],
    environment: raw["environment"],
    secretComment: raw["secretComment"],
    version: raw["version"],
    type: raw["type"],
    tags: raw["tags"],
    skipMultilineEncoding: raw["skipMultilineEncoding"],
  };
}

/** Reads one secret object of a list or get response; `fallbackPath` is the folder asked for. */
export function parseSecret(raw: unknown, endpoint: string, fallbackPath: string, fallbackEnv: string): SecretRecord {
  if (!isObject(raw) || typeof raw["secretKey"] !== "string" || typeof raw["secretValue"] !== "string") {
    throw protocolError(endpoint, "a secret without secretKey/secretValue strings");
  }
  const key = raw["secretKey"];
  if (raw["secretValueHidden"] === true || raw["secretValue"] === HIDDEN_VALUE) {
    throw new SecretsActionError("API", `${endpoint}: the value of secret ${key} is hidden from this identity`, {
      hint: "grant the identity permission to read secret values in this environment and path",
    });
  }
  const rawTags = raw["tags"];
  let tags = NO_TAGS;
  if (Array.isArray(rawTags) && rawTags.length > 0) {
    const slugs: string[] = [];
    for (const tag of rawTags) if (isObject(tag) && typeof tag["slug"] === "string") slugs.push(tag["slug"]);
    tags = slugs;
  }
  return {
    id: text(raw["id"]) || text(raw["_id"]),
    key,
    value: raw["secretValue"],
    path: text(raw["secretPath"]) || fallbackPath,
    environment: text(raw["environment"]) || fallbackEnv,
    comment: text(raw["secretComment"]),
    version: typeof raw["version"] === "number" ? raw["version"] : 0,
    type: raw["type"] === "personal" ? "personal" : "shared",
    tags,
    skipMultilineEncoding: raw["skipMultilineEncoding"] === true,
  };
}

/** Reads a list response body: `{secrets: [...], imports?: [...]}`; a missing `imports` is `[]`. */
export function parseListBody(
  body: unknown,
  endpoint: string,
  path: string,
  environment: string,
): { secrets: SecretRecord[]; imports: ImportedFolder[] } {
  if (!isObject(body) || !Array.isArray(body["secrets"])) throw protocolError(endpoint, "no secrets array");
  const secrets = body["secrets"].map((raw) => parseSecret(raw, endpoint, path, environment));
  const rawImports = body["imports"] ?? [];
  if (!Array.isArray(rawImports)) throw protocolError(endpoint, "imports is not an array");
  const imports = rawImports.map((entry): ImportedFolder => {
    if (!isObject(entry) || !Array.isArray(entry["secrets"])) throw protocolError(endpoint, "an import without secrets");
    const importPath = text(entry["secretPath"]) || "/";
    const importEnv = text(entry["environment"]) || environment;
    return {
      path: importPath,
      environment: importEnv,
      // Imported secrets carry their source folder, not the folder asked for.
      secrets: entry["secrets"].map((raw) => ({ ...parseSecret(raw, endpoint, importPath, importEnv), path: importPath, environment: importEnv })),
    };
  });
  return { secrets, imports };
}

/** Reads a `{secret: {...}}` body of get/create/update/delete. */
export function parseSecretBody(body: unknown, endpoint: string, path: string, environment: string): SecretRecord {
  if (!isObject(body)) throw protocolError(endpoint, "not a JSON object");
  if (isObject(body["approval"])) {
    throw new SecretsActionError("API", `${endpoint}: the change needs approval (a secret approval policy applies)`, {
      hint: "approve the request in Infisical, or write to an environment/path without an approval policy",
    });
  }
  return parseSecret(body["secret"], endpoint, path, environment);
}
