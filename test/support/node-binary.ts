import { execFileSync } from "node:child_process";

const cache = new Map<string, string>();

/**
 * The path of a Node.js binary of the given major version: this process's own when it matches, otherwise the one
 * `npx -y node@<major>` installs from the npm registry (cached by npm after the first call).
 */
export function nodeBinary(major: "20" | "24"): string {
  if (process.versions.node.split(".")[0] === major) return process.execPath;
  const cached = cache.get(major);
  if (cached) return cached;
  const path = execFileSync("npx", ["-y", `node@${major}`, "-p", "process.execPath"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  cache.set(major, path);
  return path;
}
