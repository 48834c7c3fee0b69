import { SecretsActionError } from "../errors.js";
import type { SecretsClient } from "./client.js";
import { type Collision, type CollisionRule, type MergedSecret, describeCollisions, mergeListing } from "./merge.js";
import { normaliseSecretPath } from "./paths.js";
import type { ProjectRef } from "./types.js";

/** What a front door asks for: one environment, one or more folders, merged into one set of secrets. */
export interface FetchSecretsOptions extends ProjectRef {
  environment: string;
  /** Folders to read, in order; a later folder's key overrides an earlier one's. Default `["/"]`. */
  paths?: readonly string[] | undefined;
  recursive?: boolean | undefined;
  includeImports?: boolean | undefined;
  /** Default true. */
  expandReferences?: boolean | undefined;
  /** Only secrets tagged with one of these slugs. */
  tags?: readonly string[] | undefined;
  /** Only these keys; each must be found, or the fetch fails naming the missing ones. `recursive` is ignored then. */
  names?: readonly string[] | undefined;
  /** See `CollisionRule`; default `deepest`. */
  onCollision?: CollisionRule | undefined;
}

/** A key that a later folder in `paths` overrode. */
export interface Override {
  key: string;
  /** The folder whose value was replaced. */
  from: string;
  /** The folder whose value was kept. */
  to: string;
}

/** The merged secrets and everything a person should be told about how they were merged. */
export interface FetchSecretsResult {
  secrets: MergedSecret[];
  collisions: Collision[];
  overrides: Override[];
  /** One line each, naming keys and folders, never values. */
  warnings: string[];
  /** Which list endpoint answered last. */
  apiVersion: "v3" | "v4";
}

/**
 * Lists every folder (one request each), merges each as the official action does, then layers the folders in order.
 * Fails as a whole — nothing partial — if any request fails.
 */
export async function fetchSecrets(client: SecretsClient, options: FetchSecretsOptions): Promise<FetchSecretsResult> {
  const paths = [...new Set((options.paths && options.paths.length > 0 ? options.paths : ["/"]).map(normaliseSecretPath))];
  const names = options.names && options.names.length > 0 ? [...new Set(options.names)] : undefined;
  const warnings: string[] = [];
  const recursive = (options.recursive ?? false) && names === undefined;
  if (names && options.recursive) warnings.push("recursive is ignored when secret names are selected");

  // Sequential on purpose: a handful of folders, and rate limits are per IP.
  const layers: { path: string; secrets: MergedSecret[] }[] = [];
  const collisions: Collision[] = [];
  let apiVersion: "v3" | "v4" = "v3";
  for (const path of paths) {
    const listing = await client.list({
      projectId: options.projectId,
      projectSlug: options.projectSlug,
      environment: options.environment,
      path,
      recursive,
      includeImports: options.includeImports ?? false,
      expandReferences: options.expandReferences ?? true,
      tags: options.tags,
    });
    apiVersion = listing.apiVersion;
    const merged = mergeListing(listing, options.onCollision ?? "deepest");
    collisions.push(...merged.collisions);
    layers.push({ path, secrets: merged.secrets });
  }
  if (collisions.length > 0) {
    warnings.push(`recursive: ${collisions.length} key(s) found in more than one folder, deepest folder kept: ${describeCollisions(collisions)}`);
  }

  const layered = layerFolders(layers);
  const { overrides } = layered;
  if (overrides.length > 0) {
    const described = overrides.map((override) => `${override.key} (${override.from} → ${override.to})`).join("; ");
    warnings.push(`secret-path: ${overrides.length} key(s) set by more than one path, the later path kept: ${described}`);
  }

  let secrets = layered.secrets;
  if (names) {
    const found = new Set(secrets.map((secret) => secret.key));
    const missing = names.filter((name) => !found.has(name));
    if (missing.length > 0) {
      throw new SecretsActionError("API", `secret not found: ${missing.join(", ")} in environment ${options.environment}, path ${paths.join(", ")}`, {
        hint: "check the secret names, the environment and the path (names are case-sensitive)",
      });
    }
    const wanted = new Set(names);
    secrets = secrets.filter((secret) => wanted.has(secret.key));
  }
  return { secrets, collisions, overrides, warnings, apiVersion };
}

/** The folders' merged secrets in order, a later path's key replacing an earlier one's; one folder is its own result. */
function layerFolders(layers: readonly { path: string; secrets: MergedSecret[] }[]): { secrets: MergedSecret[]; overrides: Override[] } {
  const only = layers.length === 1 ? layers[0] : undefined;
  if (only) return { secrets: only.secrets, overrides: [] };
  const result = new Map<string, { secret: MergedSecret; layer: string }>();
  const overrides: Override[] = [];
  for (const layer of layers) {
    for (const secret of layer.secrets) {
      const previous = result.get(secret.key);
      if (previous) overrides.push({ key: secret.key, from: previous.layer, to: layer.path });
      result.set(secret.key, { secret, layer: layer.path });
    }
  }
  return { secrets: [...result.values()].map((entry) => entry.secret), overrides };
}
