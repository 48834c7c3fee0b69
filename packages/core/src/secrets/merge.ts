import { SecretsActionError } from "../errors.js";
import { pathDepth } from "./paths.js";
import type { SecretListing, SecretRecord } from "./types.js";

/**
 * What to do when `recursive` finds one key in several folders:
 * - `deepest` (default): the secret in the deepest folder wins (`/app/db` over `/app` over `/`); between folders of
 *   the same depth, the path that sorts last wins. Every collision is reported by name.
 * - `fail`: refuse to export anything and name the keys and their folders.
 */
export type CollisionRule = "deepest" | "fail";

/** One key found in more than one folder of a recursive listing. */
export interface Collision {
  key: string;
  /** Every folder the key was found in, sorted. */
  paths: string[];
  /** The folder whose value was kept. */
  chosen: string;
}

/** A secret after merging, with where it came from. */
export interface MergedSecret {
  key: string;
  value: string;
  path: string;
  environment: string;
  source: "folder" | "import";
}

/** The result of merging one listing. */
export interface MergeResult {
  secrets: MergedSecret[];
  collisions: Collision[];
}

function depthThenName(a: string, b: string): number {
  return pathDepth(a) - pathDepth(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Merges one listing as the official action does — the folder's own secrets win, then imports from the last to the
 * first, the first key seen winning — and resolves recursive collisions by `rule`.
 */
export function mergeListing(listing: SecretListing, rule: CollisionRule = "deepest"): MergeResult {
  // Keys are almost always found once: a set of keys finds the few that are not, and only those get the list of every
  // folder they are in. Both loops index the array: they run once per secret, in code V8 has not optimised yet, where
  // for-of allocates at every step.
  const all = listing.secrets;
  const keys = new Set<string>();
  const repeated = new Map<string, SecretRecord[]>();
  for (let index = 0; index < all.length; index++) {
    const key = (all[index] as SecretRecord).key;
    if (keys.has(key)) repeated.set(key, []);
    else keys.add(key);
  }
  if (repeated.size > 0) for (const secret of all) repeated.get(secret.key)?.push(secret);

  const secrets: MergedSecret[] = [];
  const collisions: Collision[] = [];
  for (let index = 0; index < all.length; index++) {
    const seen = all[index] as SecretRecord;
    const key = seen.key;
    const candidates = repeated.get(key);
    if (candidates === undefined) {
      secrets.push({ key, value: seen.value, path: seen.path, environment: seen.environment, source: "folder" });
      continue;
    }
    if (candidates[0] !== seen) continue; // a later folder's copy: decided with the first
    const paths = [...new Set(candidates.map((secret) => secret.path))].sort(depthThenName);
    const chosenPath = paths[paths.length - 1] ?? "/";
    const inChosen = candidates.filter((secret) => secret.path === chosenPath);
    // A user's personal override of a shared secret in the same folder wins and is not a collision.
    const winner = inChosen.find((secret) => secret.type === "personal") ?? inChosen[0] ?? seen;
    if (paths.length > 1) collisions.push({ key, paths: [...paths].sort(), chosen: chosenPath });
    secrets.push({ key, value: winner.value, path: winner.path, environment: winner.environment, source: "folder" });
  }

  if (rule === "fail" && collisions.length > 0) {
    throw new SecretsActionError("EXPORT", `recursive: ${collisions.length} key(s) found in more than one folder: ${describeCollisions(collisions)}`, {
      hint: "rename the keys, fetch the folders separately, or allow the deepest folder to win",
    });
  }

  const imported = new Set<string>();
  for (let index = listing.imports.length - 1; index >= 0; index--) {
    const folder = listing.imports[index];
    for (const secret of folder?.secrets ?? []) {
      if (keys.has(secret.key) || imported.has(secret.key)) continue;
      imported.add(secret.key);
      secrets.push({ key: secret.key, value: secret.value, path: secret.path, environment: secret.environment, source: "import" });
    }
  }
  return { secrets, collisions };
}

/** `KEY (/a, /b → /b)` for each collision: names and folders, never values. */
export function describeCollisions(collisions: readonly Collision[]): string {
  return collisions.map((collision) => `${collision.key} (${collision.paths.join(", ")} → ${collision.chosen})`).join("; ");
}
