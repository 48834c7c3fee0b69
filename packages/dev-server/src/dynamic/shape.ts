import type { DynamicSecret, Lease } from "../store.js";

/** The JSON of dynamic secrets and leases, with the keys of the real response schemas (others are stripped there). */

const iso = (ms: number): string => new Date(ms).toISOString();

/** `DynamicSecretLeasesSchema`. */
export const leaseJson = (lease: Lease): Record<string, unknown> => ({
  id: lease.id,
  version: lease.version,
  externalEntityId: lease.externalEntityId,
  expireAt: iso(lease.expireAt),
  status: lease.status,
  statusDetails: lease.statusDetails,
  dynamicSecretId: lease.dynamicSecretId,
  createdAt: iso(lease.createdAt),
  updatedAt: iso(lease.updatedAt),
  config: lease.config ?? null,
});

/** `SanitizedDynamicSecretSchema` (no encrypted inputs), plus `inputs` where the real route extends it with them. */
export const dynamicSecretJson = (secret: DynamicSecret, options: { inputs?: boolean } = {}): Record<string, unknown> => ({
  id: secret.id,
  name: secret.name,
  version: secret.version,
  type: secret.type,
  defaultTTL: secret.defaultTTL,
  maxTTL: secret.maxTTL,
  folderId: secret.folderId,
  status: secret.status,
  statusDetails: secret.statusDetails,
  createdAt: iso(secret.createdAt),
  updatedAt: iso(secret.updatedAt),
  usernameTemplate: secret.usernameTemplate,
  metadata: secret.metadata.map((entry) => ({ ...entry })),
  ...(options.inputs ? { inputs: { ...secret.inputs } } : {}),
});
