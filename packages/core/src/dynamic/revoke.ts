import { errorMessage } from "../errors.js";
import { isApiError } from "../http/api-error.js";
import type { DynamicSecretsClient } from "./client.js";
import { describeLease } from "./spec.js";

/** A lease as a later step or process needs it to revoke it. None of it is secret. */
export interface LeaseRecord {
  id: string;
  name: string;
  path: string;
  projectSlug: string;
  environment: string;
  /** ISO 8601: when the server drops it by itself. */
  expiresAt: string;
}

/** How a revocation ended, with one line for the log (info for revoked/gone, a warning otherwise). */
export interface RevokeOutcome {
  outcome: "revoked" | "gone" | "pending" | "failed";
  message: string;
  /** The failure, for `failed`. */
  error?: unknown;
}

/**
 * Revokes one recorded lease and says how it went: revoked; already gone (expired or revoked: a 404); pending (the
 * server kept it as failed-deletion and retries); or failed, with the lease id and when its credentials expire.
 */
export async function revokeRecordedLease(client: DynamicSecretsClient, record: LeaseRecord, options: { force?: boolean } = {}): Promise<RevokeOutcome> {
  const what = `lease ${record.id} (${describeLease(record)})`;
  try {
    const lease = await client.revoke(record.id, { projectSlug: record.projectSlug, environment: record.environment, path: record.path, force: options.force });
    if (lease.status) {
      return {
        outcome: "pending",
        message: `${what}: the server could not revoke it yet (${lease.status}${lease.statusDetails ? `: ${lease.statusDetails}` : ""}); it retries on its own, and the credentials expire at ${record.expiresAt} at the latest.`,
      };
    }
    return { outcome: "revoked", message: `Revoked ${what}.` };
  } catch (error) {
    if (isApiError(error) && error.status === 404) return { outcome: "gone", message: `${capitalise(what)} was already gone (expired or revoked).` };
    return { outcome: "failed", error, message: notRevokedMessage(record, errorMessage(error)) };
  }
}

/** The warning for a lease that could not be revoked: which, why, and until when its credentials work. */
export function notRevokedMessage(record: LeaseRecord, reason: string): string {
  return `Could not revoke lease ${record.id} (${describeLease(record)}): ${reason}. Its credentials stay valid until ${record.expiresAt}; revoke the lease in Infisical if they must end sooner.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
