import { posix } from "node:path";

import { forbidden } from "../errors.js";

/**
 * Secret reference expansion, ported from `secret-reference-fns.ts`: `${KEY}` (same env and folder),
 * `${env.KEY}` (root folder of env), `${env.a.b.KEY}` (folder /a/b). Depth-first with a per-branch visited set,
 * at most 10 levels; a cycle stops recursing; a missing folder or secret resolves to "" and is left as written;
 * each referenced folder is read once per expansion context.
 */

const PATTERN = String.raw`\$\{([a-zA-Z0-9\-_.]+)\}`;
const MAX_DEPTH = 10;

/** Whether a value contains at least one reference. */
export const hasReference = (value: string): boolean => new RegExp(PATTERN).test(value);

/** The references of a value, as `{environment, secretPath, secretKey}` (local ones use the given env and path). */
export const referencesIn = (value: string, environment: string, secretPath: string): { environment: string; secretPath: string; secretKey: string }[] =>
  [...value.matchAll(new RegExp(PATTERN, "g"))].map((match) => resolveReference(match[1] ?? "", environment, secretPath));

const resolveReference = (inner: string, environment: string, secretPath: string): { environment: string; secretPath: string; secretKey: string } => {
  const entities = inner.trim().split(".");
  if (entities.length === 1) return { environment, secretPath, secretKey: entities[0] ?? "" };
  return {
    environment: entities[0] ?? "",
    secretPath: posix.join("/", ...entities.slice(1, -1)),
    secretKey: entities[entities.length - 1] ?? "",
  };
};

/** `"a\nb"` → `"\"a\\nb\""`: what `skipMultilineEncoding` does to an expanded multi-line value. */
const formatMultiValueEnv = (value: string): string => (value.includes("\n") ? `"${value.replaceAll("\n", "\\n")}"` : value);

export interface ExpanderSource {
  /** Shared secret values of a folder by key; undefined when the folder does not exist. */
  folderValues(environment: string, secretPath: string): Map<string, string> | undefined;
  /** Whether the caller may read a secret value there (the real server's ReadValue check). */
  canRead(environment: string, secretPath: string, secretKey: string): boolean;
}

export interface ExpandInput {
  value: string;
  skipMultilineEncoding: boolean;
  environment: string;
  secretPath: string;
  secretKey: string;
}

/** An expansion context with its folder cache; create one per request. */
export const createExpander = (source: ExpanderSource): ((input: ExpandInput) => string) => {
  const cache = new Map<string, Map<string, string>>();
  const fetch = (environment: string, secretPath: string, key: string): string => {
    const cacheKey = `${environment}-${secretPath}`;
    let values = cache.get(cacheKey);
    if (!values) {
      values = source.folderValues(environment, secretPath) ?? new Map<string, string>();
      cache.set(cacheKey, values);
    }
    return values.get(key) ?? "";
  };

  const expandRecursively = (root: ExpandInput): string => {
    if (!root.value) return "";
    const secretId = (env: string, path: string, key: string): string => `${env}:${path}:${key}`;
    const stack = [
      { value: root.value, environment: root.environment, secretPath: root.secretPath, depth: 0, visited: new Set([secretId(root.environment, root.secretPath, root.secretKey)]) },
    ];
    let expanded = root.value;
    while (stack.length > 0) {
      const node = stack.pop();
      if (!node || node.depth > MAX_DEPTH) continue;
      for (const match of node.value.matchAll(new RegExp(PATTERN, "g"))) {
        const syntax = match[0];
        const ref = resolveReference(match[1] ?? "", node.environment, node.secretPath);
        const value = fetch(ref.environment, ref.secretPath, ref.secretKey);
        if (!source.canRead(ref.environment, ref.secretPath, ref.secretKey)) {
          throw forbidden(
            `You do not have permission to read secret '${ref.secretKey}' in environment '${ref.environment}' at path '${ref.secretPath}', which is referenced by secret '${root.secretKey}' in environment '${root.environment}' at path '${root.secretPath}'.`,
          );
        }
        const refId = secretId(ref.environment, ref.secretPath, ref.secretKey);
        const circular = node.visited.has(refId);
        if (hasReference(value) && !circular) {
          stack.push({ value, environment: ref.environment, secretPath: ref.secretPath, depth: node.depth + 1, visited: new Set([...node.visited, refId]) });
        }
        if (value) expanded = expanded.replaceAll(syntax, () => value);
      }
    }
    return expanded;
  };

  return (input) => {
    if (!input.value || !hasReference(input.value)) return input.value;
    const expanded = expandRecursively(input);
    return input.skipMultilineEncoding ? formatMultiValueEnv(expanded) : expanded;
  };
};
