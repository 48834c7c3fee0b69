import { ExportError } from "../export/export-error.js";
import { isValidEnvName, normaliseEnvName } from "../export/names.js";
import { reservedNameReason } from "../export/reserved.js";
import { type LeaseRequest, describeLease } from "./spec.js";

/** One credential of a lease as a variable: `field` is its key in the lease's `data`. */
export interface LeaseVariable {
  name: string;
  value: string;
  field: string;
  /** The dynamic secret it came from, for messages. */
  lease: string;
  /** Which of the leases passed to {@link leaseVariables} it came from (the same dynamic secret may be leased twice). */
  leaseIndex: number;
}

/** A lease's credentials, next to what was asked for. */
export interface LeasedCredentials {
  request: LeaseRequest;
  data: Readonly<Record<string, string>>;
}

/**
 * Names every credential of every lease: a field mapped with `NAME=FIELD` gets that name, every other field keeps its
 * own (`DB_USERNAME`, `DB_PASSWORD`, and `DB_HOST`/`DB_PORT`/`DB_NAME` when the provider returns them). Fails, listing
 * every problem, when a mapping names a field the lease does not have, a name is reserved, or two sources — two leases,
 * or a lease and one of `taken` (the secrets' names) — would set the same variable.
 * @param platform as `process.platform`: on "win32" names that differ only in case collide.
 */
export function leaseVariables(
  leases: readonly LeasedCredentials[],
  taken: ReadonlyMap<string, string> = new Map(),
  platform = "linux",
): { variables: LeaseVariable[]; warnings: string[] } {
  if (leases.length === 0) return { variables: [], warnings: [] };
  const fold = (name: string): string => (platform === "win32" ? name.toUpperCase() : name);
  const problems: string[] = [];
  const warnings: string[] = [];
  const variables: LeaseVariable[] = [];
  const owners = new Map<string, string>();
  for (const [name, owner] of taken) owners.set(fold(name), owner);

  for (const [leaseIndex, { request, data }] of leases.entries()) {
    const lease = describeLease(request);
    const fields = Object.keys(data);
    const mapped = new Set<string>();
    const named: Array<{ name: string; field: string }> = [];
    for (const { name, field } of request.mappings) {
      if (!(field in data)) {
        problems.push(`lease ${lease}: ${name}=${field} names a field the lease does not have (it has ${fields.join(", ")})`);
        continue;
      }
      mapped.add(field);
      named.push({ name, field });
    }
    for (const field of fields) {
      if (mapped.has(field)) continue;
      if (isValidEnvName(field)) {
        named.push({ name: field, field });
      } else {
        const name = normaliseEnvName(field);
        warnings.push(`lease ${lease}: the field "${field}" is exported as ${name}; map it with NAME=${field} to choose the name.`);
        named.push({ name, field });
      }
    }
    for (const { name, field } of named) {
      const reserved = reservedNameReason(name, { platform });
      if (reserved !== undefined) {
        problems.push(`lease ${lease}: ${name} is reserved (${reserved})`);
        continue;
      }
      const owner = owners.get(fold(name));
      if (owner !== undefined) {
        problems.push(`${name} would be set by both ${owner} and lease ${lease}`);
        continue;
      }
      owners.set(fold(name), `lease ${lease}`);
      variables.push({ name, value: data[field] ?? "", field, lease, leaseIndex });
    }
  }
  if (problems.length > 0) {
    throw new ExportError(problems, "map each credential to its own name with NAME=FIELD after the lease, e.g. pg-app@30m PGUSER=DB_USERNAME PGPASSWORD=DB_PASSWORD");
  }
  return { variables, warnings };
}
