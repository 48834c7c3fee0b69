import { isValidEnvName } from "../export/names.js";
import { normaliseSecretPath } from "../secrets/paths.js";
import { leaseTtlProblem } from "./ttl.js";

/** One field of a lease's `data` exported under another name: `PGUSER=DB_USERNAME`. */
export interface LeaseFieldMapping {
  /** The environment variable the job sees. */
  name: string;
  /** The key in the lease's `data`, e.g. `DB_USERNAME`. */
  field: string;
}

/** One lease to create, as a person wrote it: `name[:path][@ttl] [NAME=FIELD…]`. */
export interface LeaseRequest {
  /** The dynamic secret's name (the server lowercases it). */
  name: string;
  /** The folder it lives in; default `/`. */
  path: string;
  /** The lease's TTL as an `ms` string; the dynamic secret's default TTL when absent. */
  ttl: string | undefined;
  /** Renamed fields; fields not listed keep their own names. */
  mappings: LeaseFieldMapping[];
}

const SPEC = /^(?<name>[^\s:@]+)(?::(?<path>[^\s@]*))?(?:@(?<ttl>\S*))?$/;
const MAPPING = /^(?<name>[^=\s]+)=(?<field>\S+)$/;

/**
 * Parses lease lines such as
 * ```
 * pg-app@30m
 * pg-reports:/reporting@1h PGUSER=DB_USERNAME PGPASSWORD=DB_PASSWORD
 * ```
 * One lease per line; blank lines and lines starting with `#` are ignored. Returns every problem at once, each naming
 * the line, so a typo fails before any request.
 */
export function parseLeaseRequests(text: string, label: string): { requests: LeaseRequest[]; problems: string[] } {
  const requests: LeaseRequest[] = [];
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const where = lines.length > 1 ? `${label} line ${index + 1}` : label;
    const [head = "", ...words] = line.split(/\s+/);
    const match = SPEC.exec(head);
    if (!match?.groups) {
      problems.push(`${where}: "${head}" is not name[:path][@ttl], e.g. pg-app:/databases@30m`);
      return;
    }
    const { name = "", path, ttl } = match.groups;
    let problem = false;
    if (path !== undefined && path !== "" && !path.startsWith("/")) {
      problems.push(`${where}: the path "${path}" must start with /, e.g. ${name}:/${path}`);
      problem = true;
    }
    if (ttl !== undefined && ttl !== "") {
      const ttlProblem = leaseTtlProblem(ttl);
      if (ttlProblem !== undefined) {
        problems.push(`${where}: the TTL ${ttlProblem}`);
        problem = true;
      }
    }
    const mappings: LeaseFieldMapping[] = [];
    for (const word of words) {
      const mapping = MAPPING.exec(word)?.groups;
      if (!mapping?.["name"] || !mapping["field"]) {
        problems.push(`${where}: "${word}" is not NAME=FIELD, e.g. PGUSER=DB_USERNAME`);
        problem = true;
      } else if (!isValidEnvName(mapping["name"])) {
        problems.push(`${where}: "${mapping["name"]}" is not an environment variable name (letters, digits and _, not starting with a digit)`);
        problem = true;
      } else {
        mappings.push({ name: mapping["name"], field: mapping["field"] });
      }
    }
    const seen = new Set<string>();
    for (const { name: variable } of mappings) {
      if (seen.has(variable)) {
        problems.push(`${where}: ${variable} is mapped twice`);
        problem = true;
      }
      seen.add(variable);
    }
    let folder = "/";
    try {
      folder = normaliseSecretPath(path || "/");
    } catch {
      problems.push(`${where}: the path "${path ?? ""}" has "." or ".." segments; write the folder as an absolute path such as /databases`);
      problem = true;
    }
    if (!problem) requests.push({ name, path: folder, ttl: ttl || undefined, mappings });
  });
  return { requests, problems };
}

/** `pg-app` or `pg-app at /reporting`, for messages. */
export function describeLease(request: Pick<LeaseRequest, "name" | "path">): string {
  return request.path === "/" ? request.name : `${request.name} at ${request.path}`;
}
