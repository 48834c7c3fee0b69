/** @secrets-action/dev-server: an Infisical-compatible HTTP server for demos and tests. */
export { startDevServer, type DevServer, type DevServerOptions } from "./server.js";
export {
  loadSeed,
  SeedError,
  type Seed,
  type SeedProject,
  type SeedEnvironment,
  type SeedTag,
  type SeedSecret,
  type SeedSecretValue,
  type SeedImport,
  type SeedIdentity,
  type SeedMembership,
  type SeedUniversalAuth,
  type SeedClientSecret,
  type SeedOidcAuth,
  type SeedAwsAuth,
  type SeedAwsCredential,
  type SeedTokenLifetime,
  type SeedDynamicSecret,
} from "./seed.js";
export { LeaseManager, FAILED_DELETION, type DynamicSecretsOptions } from "./dynamic/lease-manager.js";
export { POSTGRES_DEFAULT_STATEMENTS } from "./dynamic/inputs.js";
export { demoSeedPath } from "./demo-seed.js";
export { Store, type Role, type DynamicSecret, type Lease, type SqlDatabaseInputs } from "./store.js";
export { FaultController, FaultSpecError, type FaultSpec, type FaultAction, type ArmedFault } from "./faults.js";
export { OidcIssuer, type MintOptions } from "./oidc-issuer.js";
export type { OidcPreset } from "./oidc-presets.js";
export { RequestLog, type RequestRecord, type RequestFilter } from "./request-log.js";
export { RateLimiter, type RateLimitOptions } from "./rate-limit.js";
