import { readFile } from "node:fs/promises";
import { extname } from "node:path";

import { parse as parseYaml } from "yaml";

import { errorMessage } from "./errors.js";
import type { Role } from "./store.js";

/**
 * The seed format: the projects, secrets and identities a dev server starts with, as an object or a JSON/YAML file.
 * Every string may contain `{{self}}`, replaced by the server's own URL once it listens. See README.md for an example.
 */

/** A whole seed. */
export interface Seed {
  projects?: SeedProject[];
  identities?: SeedIdentity[];
  /** Legacy service tokens (for end-to-end encrypted projects, and raw ones). */
  serviceTokens?: SeedServiceToken[];
}

/** A legacy end-to-end encrypted project: its secrets are stored encrypted with this key, which the server forgets. */
export interface SeedE2ee {
  /** 32 hex characters, as the dashboard generates. */
  projectKey: string;
  /** Members who get a copy of the key wrapped with tweetnacl's box for their public key (base64). */
  members?: { name: string; publicKey: string }[];
}

export interface SeedServiceToken {
  name: string;
  /** Project slug. */
  project: string;
  /** `st.<id>.<secret>.<key>`, the key 32 hex characters; what a user puts in `INFISICAL_TOKEN`. */
  token: string;
  /** Default: the project's first environment, folder `/`. */
  scopes?: { environment: string; secretPath?: string }[];
  /** Default `["read"]`. */
  permissions?: ("read" | "write")[];
  /** Seconds from when the seed is applied; default: never expires. */
  expiresIn?: number;
}

export interface SeedProject {
  slug: string;
  /** Default: a random UUID. */
  id?: string;
  /** Default: the slug. */
  name?: string;
  /** Slugs or `{slug, name}`; default `[dev, staging, prod]`. */
  environments?: (string | SeedEnvironment)[];
  /** Tag slugs or `{slug, name, color}`; tags named by secrets are added too. */
  tags?: (string | SeedTag)[];
  /** environment → folder path → key → value. Folders are created as needed. */
  secrets?: Record<string, Record<string, Record<string, SeedSecretValue>>>;
  /** Makes the project end-to-end encrypted: `secrets` are then stored as ciphertext only (values or `{value, comment}`). */
  e2ee?: SeedE2ee;
  /** environment → extra (empty) folder paths. */
  folders?: Record<string, string[]>;
  /** environment → folder path → ordered imports. */
  imports?: Record<string, Record<string, SeedImport[]>>;
  /** environment → folder path → dynamic secrets (folders are created as needed). */
  dynamicSecrets?: Record<string, Record<string, SeedDynamicSecret[]>>;
}

/** A `sql-database` dynamic secret; only client `postgres` can lease. Statements default to the Postgres ones. */
export interface SeedDynamicSecret {
  /** A slug: lowercase letters, digits, hyphens. */
  name: string;
  /** Default `sql-database` (the only type the dev server has). */
  type?: "sql-database";
  /** ms syntax, 1m to 10y: `1h`. */
  defaultTTL: string;
  /** ms syntax; default none (no cap). */
  maxTTL?: string;
  /** `{{randomUsername}}`, `{{unixTimestamp}}`, `{{identity.name}}`; default a random 32-character name. */
  usernameTemplate?: string;
  id?: string;
  metadata?: Record<string, string>;
  inputs: {
    client: "postgres";
    host: string;
    port: number;
    database: string;
    /** An admin that may create and drop roles. */
    username: string;
    password: string;
    creationStatement?: string;
    revocationStatement?: string;
    /** Default the Postgres ALTER ROLE ... VALID UNTIL; "" = renew runs nothing. */
    renewStatement?: string;
    ca?: string;
  };
}

export interface SeedEnvironment {
  slug: string;
  name?: string;
  id?: string;
}

export interface SeedTag {
  slug: string;
  name?: string;
  color?: string;
  id?: string;
}

/** A plain value (numbers and booleans become strings, null becomes "") or a secret with its attributes. */
export type SeedSecretValue = string | number | boolean | null | SeedSecret;

export interface SeedSecret {
  value: string | number | boolean | null;
  comment?: string;
  /** Tag slugs. */
  tags?: string[];
  skipMultilineEncoding?: boolean;
  /** Only `shared`: machine identities cannot have personal secrets. */
  type?: "shared";
  id?: string;
  /** `{key: value}` or `[{key, value, isEncrypted}]`. */
  metadata?: Record<string, string> | { key: string; value: string; isEncrypted?: boolean }[];
  reminderNote?: string;
  reminderRepeatDays?: number;
}

export interface SeedImport {
  environment: string;
  path: string;
}

/** A role, or a role limited to some environments of the project. */
export type SeedMembership = Role | { role: Role; environments?: string[] };

export interface SeedIdentity {
  name: string;
  /** Default: a random UUID. */
  id?: string;
  /** Project slug → role. */
  projects?: Record<string, SeedMembership>;
  universalAuth?: SeedUniversalAuth;
  oidcAuth?: SeedOidcAuth;
  awsAuth?: SeedAwsAuth;
}

export interface SeedTokenLifetime {
  /** Seconds; default 2592000 (30 days); 0 = never expires. */
  accessTokenTTL?: number;
  /** Seconds; default 2592000. */
  accessTokenMaxTTL?: number;
  /** Default 0 (no limit). */
  accessTokenNumUsesLimit?: number;
}

export interface SeedUniversalAuth extends SeedTokenLifetime {
  /** Default: a random UUID. */
  clientId?: string;
  clientSecrets?: (string | SeedClientSecret)[];
  /** Seconds; > 0 makes periodic tokens (expiresIn = period, max TTL 1000000000). Default 0. */
  accessTokenPeriod?: number;
  /** Default true: 3 failed logins within 30 s lock the client id for 300 s. */
  lockoutEnabled?: boolean;
  lockoutThreshold?: number;
  lockoutDurationSeconds?: number;
  lockoutCounterResetSeconds?: number;
}

export interface SeedClientSecret {
  secret: string;
  /** Seconds from server start; default 0 (no expiry). */
  ttl?: number;
  /** Default 0 (no limit). */
  numUsesLimit?: number;
  /** Uses already spent; default 0. */
  numUses?: number;
  description?: string;
  id?: string;
}

export interface SeedOidcAuth extends SeedTokenLifetime {
  /** Where `/.well-known/openid-configuration` is fetched; `{{self}}/__oidc` is the built-in issuer. */
  oidcDiscoveryUrl: string;
  boundIssuer: string;
  /** `"a, b"` or a list. */
  boundAudiences?: string | string[];
  /** Exact or a picomatch glob (`*` does not cross `/`). */
  boundSubject?: string;
  /** Claim path (dots) → allowed values (`"a, b"` or a list; globs allowed). */
  boundClaims?: Record<string, string | string[]>;
  claimMetadataMapping?: Record<string, string>;
  /** PEM; when set, the discovery and JWKS fetches verify TLS against it. */
  caCert?: string;
}

export interface SeedAwsAuth extends SeedTokenLifetime {
  /** Comma list or list of account ids. */
  allowedAccountIds?: string | string[];
  /** Comma list or list of ARNs, `*` wildcards. */
  allowedPrincipalArns?: string | string[];
  stsEndpoint?: string;
  /** The AWS keys this server accepts, with what STS GetCallerIdentity would say about them. */
  credentials?: SeedAwsCredential[];
}

export interface SeedAwsCredential {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** e.g. `arn:aws:sts::123456789012:assumed-role/ci/session`. */
  arn: string;
  /** Default: the account in the ARN. */
  account?: string;
  /** Default: derived from the ARN. */
  userId?: string;
}

/** A seed that cannot be loaded or applied; `problems` lists every problem found, not just the first. */
export class SeedError extends Error {
  readonly code = "SEED_INVALID";
  readonly problems: string[];

  constructor(source: string, problems: string[]) {
    super(
      problems.length === 1
        ? `${source}: ${problems[0]}`
        : `${source}: ${problems.length} problems:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
    );
    this.name = "SeedError";
    this.problems = problems;
  }
}

/** Reads a seed file: `.json` as JSON, anything else as YAML (which also reads JSON). */
export const loadSeed = async (path: string): Promise<Seed> => {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new SeedError(path, [`cannot read the seed file (${errorMessage(error)}). Check the path.`]);
  }
  let parsed: unknown;
  try {
    parsed = extname(path).toLowerCase() === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new SeedError(path, [`not valid ${extname(path).toLowerCase() === ".json" ? "JSON" : "YAML"}: ${errorMessage(error)}`]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new SeedError(path, ["the top level must be a mapping with `projects` and/or `identities`."]);
  }
  return parsed as Seed;
};

/** Replaces `{{self}}` in every string of a seed (keys included) with the server URL. */
export const substituteSelf = <T>(value: T, selfUrl: string): T => {
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") return node.replaceAll("{{self}}", selfUrl);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === "object") {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key.replaceAll("{{self}}", selfUrl), walk(child)]));
    }
    return node;
  };
  return walk(value) as T;
};
