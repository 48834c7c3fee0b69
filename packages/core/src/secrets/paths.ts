import { ConfigError } from "../errors.js";

/**
 * Normalises a folder path as the server does: leading `/`, no trailing `/`, no empty segments.
 * `app/db/` → `/app/db`; `` → `/`. Rejects `..` and `.` segments, which the server would not resolve.
 */
export function normaliseSecretPath(input: string): string {
  const trimmed = input.trim();
  const segments = trimmed.split("/").filter((segment) => segment !== "");
  const bad = segments.find((segment) => segment === "." || segment === "..");
  if (bad !== undefined) {
    throw new ConfigError([`secret path "${input}": "${bad}" segments are not allowed. Use an absolute folder path such as /app/db.`]);
  }
  return `/${segments.join("/")}`;
}

/** How deep a folder is: `/` is 0, `/app` is 1, `/app/db` is 2. */
export function pathDepth(path: string): number {
  return path.split("/").filter((segment) => segment !== "").length;
}
