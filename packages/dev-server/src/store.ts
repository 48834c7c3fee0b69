import { createHash, randomUUID } from "node:crypto";

/**
 * The dev server's state, in memory: projects, environments, folder trees, secrets with their version history,
 * tags, imports, identities with their auth configs and project roles, issued access tokens and lockouts.
 * Plain data and small lookups; the HTTP rules live in the routes and services.
 */

/** A project role: admin and member read and write, viewer only reads, no-access is a member that can do nothing. */
export type Role = "admin" | "member" | "viewer" | "no-access";

export interface Environment {
  id: string;
  slug: string;
  name: string;
}

export interface Tag {
  id: string;
  slug: string;
  name: string;
  color: string;
}

export interface SecretMetadataEntry {
  key: string;
  value: string;
  isEncrypted: boolean;
}

/** One saved state of a secret; `version` 1 is its creation. */
export interface SecretVersion {
  version: number;
  key: string;
  value: string;
  comment: string;
  skipMultilineEncoding: boolean;
  tagIds: string[];
  metadata: SecretMetadataEntry[];
  createdAt: number;
}

export interface Secret {
  id: string;
  key: string;
  value: string;
  comment: string;
  type: "shared";
  version: number;
  skipMultilineEncoding: boolean;
  tagIds: string[];
  metadata: SecretMetadataEntry[];
  reminderNote: string | null;
  reminderRepeatDays: number | null;
  createdAt: number;
  updatedAt: number;
  /** Every version, oldest first; the last one is the current state. */
  history: SecretVersion[];
}

/** An import of another folder's secrets into a folder; a folder keeps them in order. */
export interface SecretImport {
  id: string;
  environment: string;
  path: string;
}

export interface Folder {
  id: string;
  environment: string;
  /** Normalised: `/`, `/app`, `/app/db`. */
  path: string;
  createdAt: number;
  secrets: Secret[];
  imports: SecretImport[];
}

export interface Project {
  id: string;
  slug: string;
  name: string;
  environments: Environment[];
  tags: Tag[];
  /** Keyed by `env\npath`, in creation order. */
  folders: Map<string, Folder>;  /** Set for a legacy end-to-end encrypted project: its secrets live there, as ciphertext only. */
  e2ee: E2eeProject | undefined;
}

/** The ciphertext of a legacy encrypted secret's key and value (base64), each with its IV and tag. */
export interface SecretCiphertexts {
  secretKeyCiphertext: string;
  secretKeyIV: string;
  secretKeyTag: string;
  secretValueCiphertext: string;
  secretValueIV: string;
  secretValueTag: string;
}

/**
 * A legacy end-to-end encrypted secret: the server holds only ciphertext (base64, AES-256-GCM with the project key,
 * which the server never knows) and a blind index of the name, to find it by the name a request puts in its URL.
 */
export interface EncryptedSecret extends SecretCiphertexts {
  id: string;
  environment: string;
  /** Normalised folder path. */
  path: string;
  /** SHA-256 of the project's salt and the name: the name itself is not kept. */
  blindIndex: string;
  version: number;
  secretCommentCiphertext: string | null;
  secretCommentIV: string | null;
  secretCommentTag: string | null;
  skipMultilineEncoding: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A member's copy of the project key, wrapped with tweetnacl's box (`ProjectKeys` on the real server). */
export interface MemberKey {
  id: string;
  /** Who it is for (the seed's member name). */
  receiver: string;
  receiverPublicKey: string;
  encryptedKey: string;
  nonce: string;
  senderPublicKey: string;
}

export interface E2eeProject {
  /** Random per project; salts the blind indexes. */
  blindIndexSalt: string;
  secrets: EncryptedSecret[];
  memberKeys: MemberKey[];
}

/** A legacy service token (`service-tokens` table): the secret is kept as a hash, the project key only wrapped. */
export interface ServiceTokenRecord {
  id: string;
  name: string;
  projectId: string;
  /** SHA-256 of the token's secret part (the real server keeps a bcrypt hash). */
  secretHash: string;
  scopes: { environment: string; secretPath: string }[];
  permissions: ("read" | "write")[];
  /** The project key encrypted with the token's fourth part, which the server never sees. */
  encryptedKey: string;
  iv: string;
  tag: string;
  /** ms since epoch; undefined = never expires. */
  expiresAt: number | undefined;
  createdAt: number;
  lastUsed: number | undefined;
}

export interface Membership {
  role: Role;
  /** When set, the role applies only in these environments; the others are no-access. */
  environments: string[] | undefined;
}

export interface ClientSecret {
  id: string;
  /** The first 4 characters, as the real server indexes them. */
  prefix: string;
  /** SHA-256 of the secret; the plain secret is never kept. */
  hash: string;
  description: string;
  ttl: number;
  numUses: number;
  numUsesLimit: number;
  revoked: boolean;
  createdAt: number;
}

export interface TokenLifetime {
  accessTokenTTL: number;
  accessTokenMaxTTL: number;
  accessTokenNumUsesLimit: number;
}

export interface UniversalAuthConfig extends TokenLifetime {
  clientId: string;
  clientSecrets: ClientSecret[];
  accessTokenPeriod: number;
  lockoutEnabled: boolean;
  lockoutThreshold: number;
  lockoutDurationSeconds: number;
  lockoutCounterResetSeconds: number;
}

export interface OidcAuthConfig extends TokenLifetime {
  oidcDiscoveryUrl: string;
  boundIssuer: string;
  /** Normalised to `"a, b"` as the real server stores it. */
  boundAudiences: string;
  boundSubject: string;
  /** Each value normalised to `"v1, v2"`. */
  boundClaims: Record<string, string>;
  claimMetadataMapping: Record<string, string>;
  caCert: string;
}

/** Credentials the dev server accepts in place of AWS STS: what GetCallerIdentity would answer for that key. */
export interface AwsCredential {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | undefined;
  arn: string;
  account: string;
  userId: string;
}

export interface AwsAuthConfig extends TokenLifetime {
  allowedAccountIds: string;
  allowedPrincipalArns: string;
  stsEndpoint: string;
  credentials: AwsCredential[];
}

export interface Identity {
  id: string;
  name: string;
  /** Keyed by project id. */
  memberships: Map<string, Membership>;
  universalAuth: UniversalAuthConfig | undefined;
  oidcAuth: OidcAuthConfig | undefined;
  awsAuth: AwsAuthConfig | undefined;
}

export type AuthMethod = "universal-auth" | "oidc-auth" | "aws-auth";

/** An issued identity access token (the row behind the JWT). */
export interface AccessTokenRecord {
  id: string;
  identityId: string;
  authMethod: AuthMethod;
  clientSecretId: string | undefined;
  createdAt: number;
  lastRenewedAt: number | undefined;
  /** Seconds; 0 = no expiry. For periodic tokens this is the period. */
  ttl: number;
  maxTTL: number;
  period: number;
  numUses: number;
  numUsesLimit: number;
  revoked: boolean;
}

/** The inputs of a `sql-database` dynamic secret, normalised as the real `DynamicSecretSqlDBSchema` does. */
export interface SqlDatabaseInputs {
  client: "postgres" | "mysql2" | "oracledb" | "mssql";
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
  creationStatement: string;
  revocationStatement: string;
  renewStatement: string | undefined;
  ca: string | undefined;
}

/** A dynamic secret (`dynamic_secrets` row): a provider config in a folder that leases are taken from. */
export interface DynamicSecret {
  id: string;
  name: string;
  version: number;
  type: "sql-database";
  defaultTTL: string;
  maxTTL: string | null;
  folderId: string;
  projectId: string;
  environment: string;
  /** Normalised folder path. */
  path: string;
  /** null, or `Deleting` / `Failed to delete` while a delete prunes its leases. */
  status: string | null;
  statusDetails: string | null;
  usernameTemplate: string | null;
  metadata: { key: string; value: string }[];
  inputs: SqlDatabaseInputs;
  createdAt: number;
  updatedAt: number;
}

/** A lease (`dynamic_secret_leases` row): one set of credentials created by the provider. */
export interface Lease {
  id: string;
  version: number;
  /** The provider's name for what it created: the database username. */
  externalEntityId: string;
  /** ms since epoch. */
  expireAt: number;
  /** null, or `Failed to delete` after a revocation failed (the real `DynamicSecretLeaseStatus.FailedDeletion`). */
  status: string | null;
  /** The revocation error, at most 255 characters. */
  statusDetails: string | null;
  dynamicSecretId: string;
  config: unknown;
  createdAt: number;
  updatedAt: number;
}

/** A universal-auth lockout counter (`lockout:identity:<id>:universal-auth:<clientId>` on the real server). */
export interface Lockout {
  failedAttempts: number;
  lockedOut: boolean;
  expiresAt: number;
}

export const hashSecret = (secret: string): string => createHash("sha256").update(secret).digest("hex");

const folderKey = (environment: string, path: string): string => `${environment}\n${path}`;

/** `/a//b/` → `/a/b`; every stored and looked-up path goes through this. */
export const normalisePath = (path: string): string => `/${path.split("/").filter(Boolean).join("/")}`;

/** The parent of a normalised path; undefined for the root. */
export const parentPath = (path: string): string | undefined => {
  if (path === "/") return undefined;
  const parent = path.slice(0, path.lastIndexOf("/"));
  return parent === "" ? "/" : parent;
};

/** What a caller may pass to create or replace a secret. */
export interface SecretInput {
  key: string;
  value: string;
  comment?: string;
  skipMultilineEncoding?: boolean;
  tagIds?: string[];
  metadata?: SecretMetadataEntry[];
  reminderNote?: string | null;
  reminderRepeatDays?: number | null;
  id?: string;
}

/** What an update may change; absent fields stay as they are. */
export interface SecretPatch {
  key?: string;
  value?: string;
  comment?: string;
  skipMultilineEncoding?: boolean;
  tagIds?: string[];
  metadata?: SecretMetadataEntry[];
  reminderNote?: string | null;
  reminderRepeatDays?: number | null;
}

export class Store {
  readonly projects = new Map<string, Project>();
  readonly identities = new Map<string, Identity>();
  readonly tokens = new Map<string, AccessTokenRecord>();
  readonly lockouts = new Map<string, Lockout>();
  readonly serviceTokens = new Map<string, ServiceTokenRecord>();
  /** Dynamic secrets by id. */
  readonly dynamicSecrets = new Map<string, DynamicSecret>();
  /** Leases by id (the credentials they stand for live in the provider's database). */
  readonly leases = new Map<string, Lease>();

  /** Empties everything (used before a seed is applied again). */
  clear(): void {
    this.dynamicSecrets.clear();
    this.leases.clear();
    this.projects.clear();
    this.identities.clear();
    this.tokens.clear();
    this.lockouts.clear();
    this.serviceTokens.clear();
  }

  // ---- projects, environments, folders -------------------------------------------------------------

  addProject(input: { slug: string; id?: string; name?: string; environments: { slug: string; name?: string; id?: string }[] }, now: number): Project {
    const project: Project = {
      id: input.id ?? randomUUID(),
      slug: input.slug,
      name: input.name ?? input.slug,
      environments: [],
      tags: [],
      folders: new Map(),
      e2ee: undefined,
    };
    this.projects.set(project.id, project);
    for (const env of input.environments) this.addEnvironment(project, env, now);
    return project;
  }

  projectById(id: string): Project | undefined {
    return this.projects.get(id);
  }

  projectBySlug(slug: string): Project | undefined {
    for (const project of this.projects.values()) if (project.slug === slug) return project;
    return undefined;
  }

  addEnvironment(project: Project, input: { slug: string; name?: string; id?: string }, now: number): Environment {
    const environment: Environment = { id: input.id ?? randomUUID(), slug: input.slug, name: input.name ?? input.slug };
    project.environments.push(environment);
    this.ensureFolder(project, environment.slug, "/", now);
    return environment;
  }

  environment(project: Project, slug: string): Environment | undefined {
    return project.environments.find((env) => env.slug === slug);
  }

  /** The folder at a path; undefined when the environment or any segment does not exist. */
  folder(project: Project, environment: string, path: string): Folder | undefined {
    return project.folders.get(folderKey(environment, normalisePath(path)));
  }

  /** Creates the folder and its missing parents; the environment must exist. */
  ensureFolder(project: Project, environment: string, path: string, now: number): Folder {
    const normalised = normalisePath(path);
    const existing = project.folders.get(folderKey(environment, normalised));
    if (existing) return existing;
    const parent = parentPath(normalised);
    if (parent !== undefined) this.ensureFolder(project, environment, parent, now);
    const folder: Folder = { id: randomUUID(), environment, path: normalised, createdAt: now, secrets: [], imports: [] };
    project.folders.set(folderKey(environment, normalised), folder);
    return folder;
  }

  /**
   * A folder and everything below it. The order is the folder itself, then its descendants newest first:
   * like the real server, a recursive listing is not ordered by path (`/app/db` may come before `/app`).
   */
  folderTree(project: Project, environment: string, path: string): Folder[] {
    const root = this.folder(project, environment, path);
    if (!root) return [];
    const prefix = root.path === "/" ? "/" : `${root.path}/`;
    const descendants = [...project.folders.values()].filter(
      (folder) => folder.environment === environment && folder !== root && folder.path.startsWith(prefix),
    );
    return [root, ...descendants.reverse()];
  }

  // ---- tags ----------------------------------------------------------------------------------------

  addTag(project: Project, input: { slug: string; name?: string; color?: string; id?: string }): Tag {
    const tag: Tag = { id: input.id ?? randomUUID(), slug: input.slug, name: input.name ?? input.slug, color: input.color ?? "#3b82f6" };
    project.tags.push(tag);
    return tag;
  }

  tagBySlug(project: Project, slug: string): Tag | undefined {
    return project.tags.find((tag) => tag.slug === slug);
  }

  tagsById(project: Project, ids: string[]): Tag[] {
    return ids.flatMap((id) => project.tags.filter((tag) => tag.id === id));
  }

  // ---- secrets -------------------------------------------------------------------------------------

  secret(folder: Folder, key: string): Secret | undefined {
    return folder.secrets.find((secret) => secret.key === key);
  }

  /** Convenience for tests: a secret by project slug or id, environment, path and key. */
  getSecret(project: string, environment: string, path: string, key: string): Secret | undefined {
    const found = this.projectById(project) ?? this.projectBySlug(project);
    const folder = found && this.folder(found, environment, path);
    return folder && this.secret(folder, key);
  }

  createSecret(folder: Folder, input: SecretInput, now: number): Secret {
    const secret: Secret = {
      id: input.id ?? randomUUID(),
      key: input.key,
      value: input.value,
      comment: input.comment ?? "",
      type: "shared",
      version: 1,
      skipMultilineEncoding: input.skipMultilineEncoding ?? false,
      tagIds: input.tagIds ?? [],
      metadata: input.metadata ?? [],
      reminderNote: input.reminderNote ?? null,
      reminderRepeatDays: input.reminderRepeatDays ?? null,
      createdAt: now,
      updatedAt: now,
      history: [],
    };
    secret.history.push(snapshot(secret, now));
    folder.secrets.push(secret);
    return secret;
  }

  /** Applies a patch, bumps the version and records it in the history. */
  updateSecret(secret: Secret, patch: SecretPatch, now: number): Secret {
    if (patch.key !== undefined) secret.key = patch.key;
    if (patch.value !== undefined) secret.value = patch.value;
    if (patch.comment !== undefined) secret.comment = patch.comment;
    if (patch.skipMultilineEncoding !== undefined) secret.skipMultilineEncoding = patch.skipMultilineEncoding;
    if (patch.tagIds !== undefined) secret.tagIds = patch.tagIds;
    if (patch.metadata !== undefined) secret.metadata = patch.metadata;
    if (patch.reminderNote !== undefined) secret.reminderNote = patch.reminderNote;
    if (patch.reminderRepeatDays !== undefined) secret.reminderRepeatDays = patch.reminderRepeatDays;
    secret.version += 1;
    secret.updatedAt = now;
    secret.history.push(snapshot(secret, now));
    return secret;
  }

  deleteSecret(folder: Folder, secret: Secret): void {
    folder.secrets = folder.secrets.filter((candidate) => candidate !== secret);
  }

  // ---- identities and tokens -------------------------------------------------------------------------

  addIdentity(identity: Identity): Identity {
    this.identities.set(identity.id, identity);
    return identity;
  }

  identity(id: string): Identity | undefined {
    return this.identities.get(id);
  }

  identityByName(name: string): Identity | undefined {
    for (const identity of this.identities.values()) if (identity.name === name) return identity;
    return undefined;
  }

  identityByClientId(clientId: string): Identity | undefined {
    for (const identity of this.identities.values()) if (identity.universalAuth?.clientId === clientId) return identity;
    return undefined;
  }

  // ---- dynamic secrets and leases --------------------------------------------------------------------

  /** A dynamic secret by name in a folder. */
  dynamicSecret(folder: Folder, name: string): DynamicSecret | undefined {
    for (const secret of this.dynamicSecrets.values()) if (secret.folderId === folder.id && secret.name === name) return secret;
    return undefined;
  }

  /** Convenience for tests: a dynamic secret by project slug or id, environment, path and name. */
  getDynamicSecret(project: string, environment: string, path: string, name: string): DynamicSecret | undefined {
    const found = this.projectById(project) ?? this.projectBySlug(project);
    const folder = found && this.folder(found, environment, path);
    return folder && this.dynamicSecret(folder, name);
  }

  /** Adds a `sql-database` dynamic secret to a folder of `projectId`: version 1, no status, created `now`. */
  addDynamicSecret(
    projectId: string,
    folder: Folder,
    fields: Pick<DynamicSecret, "name" | "defaultTTL" | "maxTTL" | "usernameTemplate" | "metadata" | "inputs"> & { id?: string | undefined },
    now: number,
  ): DynamicSecret {
    const secret: DynamicSecret = {
      id: fields.id ?? randomUUID(),
      name: fields.name,
      version: 1,
      type: "sql-database",
      defaultTTL: fields.defaultTTL,
      maxTTL: fields.maxTTL,
      folderId: folder.id,
      projectId,
      environment: folder.environment,
      path: folder.path,
      status: null,
      statusDetails: null,
      usernameTemplate: fields.usernameTemplate,
      metadata: fields.metadata,
      inputs: fields.inputs,
      createdAt: now,
      updatedAt: now,
    };
    this.dynamicSecrets.set(secret.id, secret);
    return secret;
  }

  /** The dynamic secrets of a folder, oldest first. */
  dynamicSecretsIn(folder: Folder): DynamicSecret[] {
    return [...this.dynamicSecrets.values()].filter((secret) => secret.folderId === folder.id);
  }

  /** The leases of a dynamic secret, oldest first. */
  leasesOf(dynamicSecretId: string): Lease[] {
    return [...this.leases.values()].filter((lease) => lease.dynamicSecretId === dynamicSecretId);
  }

  addToken(record: AccessTokenRecord): AccessTokenRecord {
    this.tokens.set(record.id, record);
    return record;
  }
}

const snapshot = (secret: Secret, now: number): SecretVersion => ({
  version: secret.version,
  key: secret.key,
  value: secret.value,
  comment: secret.comment,
  skipMultilineEncoding: secret.skipMultilineEncoding,
  tagIds: [...secret.tagIds],
  metadata: secret.metadata.map((entry) => ({ ...entry })),
  createdAt: now,
});
