/**
 * What a front door needs to validate its inputs, without loading the HTTP stack: `@secrets-action/core/inputs`.
 * A step that fails on a bad input then starts and ends fast (the GitHub Action's cold start target).
 */
export * from "./errors.js";
export { isLoopbackHost, normaliseDomain, type NormalisedDomain } from "./http/domain.js";
export { closest, editDistance } from "./suggest.js";
export { leaseTtlProblem, MIN_LEASE_TTL_MS, MAX_LEASE_TTL_MS } from "./dynamic/ttl.js";
export { describeLease, parseLeaseRequests, type LeaseFieldMapping, type LeaseRequest } from "./dynamic/spec.js";
