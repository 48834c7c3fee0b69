export { MAX_LEASE_TTL_MS, MIN_LEASE_TTL_MS, leaseTtlMs, leaseTtlProblem } from "./ttl.js";
export { describeLease, parseLeaseRequests, type LeaseFieldMapping, type LeaseRequest } from "./spec.js";
export {
  createDynamicSecretsClient,
  type CreatedLease,
  type DynamicSecretDefinition,
  type DynamicSecretInfo,
  type DynamicSecretScope,
  type DynamicSecretsClient,
  type Lease,
} from "./client.js";
export { leaseVariables, type LeaseVariable, type LeasedCredentials } from "./variables.js";
export { notRevokedMessage, revokeRecordedLease, type LeaseRecord, type RevokeOutcome } from "./revoke.js";
