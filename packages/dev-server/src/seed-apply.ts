import { randomUUID } from "node:crypto";

import { isRecord, normaliseSecretValue } from "./validation.js";
import { isDynamicSecretSlug, readSqlInputs, sqlInputProblems, usernameTemplateProblems } from "./dynamic/inputs.js";
import { msOf, ttlRangeIssues } from "./dynamic/ttl.js";
import { SeedError, type Seed } from "./seed.js";
import { applyE2eeBlock, applyEncryptedSecret, applyServiceToken } from "./seed-e2ee.js";
import {
  Store,
  hashSecret,
  normalisePath,
  type AwsAuthConfig,
  type AwsCredential,
  type ClientSecret,
  type Identity,
  type Membership,
  type OidcAuthConfig,
  type Project,
  type Role,
  type SecretMetadataEntry,
  type TokenLifetime,
  type UniversalAuthConfig,
} from "./store.js";

/**
 * Turns a seed into store contents. The seed is read defensively (it comes from a YAML file): every problem is
 * collected with its location, and the store is only touched when there is none.
 */

const ROLES: readonly Role[] = ["admin", "member", "viewer", "no-access"];
const DEFAULT_TTL = 2592000;
const MAX_TTL_CAP = 315360000;

type Obj = Record<string, unknown>;


/** Reads typed fields at a location, recording problems instead of throwing. */
export class Reader {
  constructor(readonly problems: string[]) {}

  problem(at: string, message: string): void {
    this.problems.push(`${at}: ${message}`);
  }

  obj(value: unknown, at: string): Obj | undefined {
    if (value === undefined) return undefined;
    if (!isRecord(value)) {
      this.problem(at, "must be a mapping");
      return undefined;
    }
    return value;
  }

  list(value: unknown, at: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.problem(at, "must be a list");
      return [];
    }
    return value;
  }

  str(value: unknown, at: string, required: true): string;
  str(value: unknown, at: string, required?: false): string | undefined;
  str(value: unknown, at: string, required = false): string | undefined {
    if (value === undefined || value === null) {
      if (required) this.problem(at, "is required");
      return required ? "" : undefined;
    }
    if (typeof value !== "string" || (required && value.length === 0)) {
      this.problem(at, "must be a non-empty string");
      return required ? "" : undefined;
    }
    return value;
  }

  num(value: unknown, at: string, fallback: number): number {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      this.problem(at, "must be a whole number ≥ 0");
      return fallback;
    }
    return value;
  }

  bool(value: unknown, at: string, fallback: boolean): boolean {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "boolean") {
      this.problem(at, "must be true or false");
      return fallback;
    }
    return value;
  }

  /** A comma list given as a string or a list; normalised to "a, b" like the real server. */
  commaList(value: unknown, at: string): string {
    if (value === undefined || value === null) return "";
    if (typeof value === "string") return value.split(",").map((part) => part.trim()).filter(Boolean).join(", ");
    if (Array.isArray(value) && value.every((part) => typeof part === "string")) return value.map((part) => part.trim()).join(", ");
    this.problem(at, "must be a string or a list of strings");
    return "";
  }

  stringMap(value: unknown, at: string): Record<string, string> {
    const obj = this.obj(value, at);
    if (!obj) return {};
    const out: Record<string, string> = {};
    for (const [key, child] of Object.entries(obj)) {
      const str = this.str(child, `${at}.${key}`, true);
      out[key] = str;
    }
    return out;
  }
}

const asValue = (value: unknown): string | undefined => {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
};

const readLifetime = (reader: Reader, raw: Obj, at: string): TokenLifetime => {
  const lifetime = {
    accessTokenTTL: Math.min(reader.num(raw["accessTokenTTL"], `${at}.accessTokenTTL`, DEFAULT_TTL), MAX_TTL_CAP),
    accessTokenMaxTTL: Math.min(reader.num(raw["accessTokenMaxTTL"], `${at}.accessTokenMaxTTL`, DEFAULT_TTL), MAX_TTL_CAP),
    accessTokenNumUsesLimit: reader.num(raw["accessTokenNumUsesLimit"], `${at}.accessTokenNumUsesLimit`, 0),
  };
  if (lifetime.accessTokenMaxTTL > 0 && lifetime.accessTokenTTL > lifetime.accessTokenMaxTTL) {
    reader.problem(at, "Access Token TTL cannot be greater than Access Token Max TTL.");
  }
  return lifetime;
};

const applyProject = (store: Store, reader: Reader, raw: unknown, at: string, now: number, projectKeys: Map<string, string>): void => {
  const obj = reader.obj(raw, at);
  if (!obj) return;
  const slug = reader.str(obj["slug"], `${at}.slug`, true);
  if (slug && store.projectBySlug(slug)) reader.problem(`${at}.slug`, `a project with slug "${slug}" is already defined`);
  const id = reader.str(obj["id"], `${at}.id`);
  if (id && store.projectById(id)) reader.problem(`${at}.id`, `a project with id "${id}" is already defined`);
  const name = reader.str(obj["name"], `${at}.name`);

  const environments = (obj["environments"] === undefined ? ["dev", "staging", "prod"] : reader.list(obj["environments"], `${at}.environments`)).flatMap(
    (env, index) => {
      const envAt = `${at}.environments[${index}]`;
      if (typeof env === "string" && env) return [{ slug: env }];
      const envObj = reader.obj(env, envAt);
      if (!envObj) return [];
      const envSlug = reader.str(envObj["slug"], `${envAt}.slug`, true);
      const envName = reader.str(envObj["name"], `${envAt}.name`);
      const envId = reader.str(envObj["id"], `${envAt}.id`);
      return [{ slug: envSlug, ...(envName ? { name: envName } : {}), ...(envId ? { id: envId } : {}) }];
    },
  );
  const project = store.addProject({ slug, environments, ...(id ? { id } : {}), ...(name ? { name } : {}) }, now);
  const projectKey = obj["e2ee"] === undefined ? undefined : applyE2eeBlock(reader, project, obj["e2ee"], `${at}.e2ee`);
  if (projectKey) projectKeys.set(project.id, projectKey);

  reader.list(obj["tags"], `${at}.tags`).forEach((tag, index) => {
    const tagAt = `${at}.tags[${index}]`;
    if (typeof tag === "string" && tag) {
      store.addTag(project, { slug: tag });
      return;
    }
    const tagObj = reader.obj(tag, tagAt);
    if (!tagObj) return;
    const tagSlug = reader.str(tagObj["slug"], `${tagAt}.slug`, true);
    const tagName = reader.str(tagObj["name"], `${tagAt}.name`);
    const color = reader.str(tagObj["color"], `${tagAt}.color`);
    const tagId = reader.str(tagObj["id"], `${tagAt}.id`);
    store.addTag(project, { slug: tagSlug, ...(tagName ? { name: tagName } : {}), ...(color ? { color } : {}), ...(tagId ? { id: tagId } : {}) });
  });

  const envExists = (env: string, envAt: string): boolean => {
    if (store.environment(project, env)) return true;
    reader.problem(envAt, `environment "${env}" is not one of this project's environments (${project.environments.map((e) => e.slug).join(", ")})`);
    return false;
  };

  for (const [env, paths] of Object.entries(reader.obj(obj["folders"], `${at}.folders`) ?? {})) {
    if (!envExists(env, `${at}.folders.${env}`)) continue;
    reader.list(paths, `${at}.folders.${env}`).forEach((path, index) => {
      const folderPath = reader.str(path, `${at}.folders.${env}[${index}]`, true);
      if (folderPath) store.ensureFolder(project, env, folderPath, now);
    });
  }

  for (const [env, folders] of Object.entries(reader.obj(obj["secrets"], `${at}.secrets`) ?? {})) {
    const envAt = `${at}.secrets.${env}`;
    if (!envExists(env, envAt)) continue;
    for (const [path, secrets] of Object.entries(reader.obj(folders, envAt) ?? {})) {
      const folder = store.ensureFolder(project, env, path, now);
      for (const [key, value] of Object.entries(reader.obj(secrets, `${envAt}.${path}`) ?? {})) {
        if (project.e2ee) {
          const plain = asValue(value) ?? (isRecord(value) ? asValue(value["value"]) : undefined);
          const comment = isRecord(value) && typeof value["comment"] === "string" ? value["comment"] : "";
          if (plain === undefined) reader.problem(`${envAt}.${path}.${key}`, "must be a value or {value, comment}");
          else if (projectKey) applyEncryptedSecret(reader, project, folder, key, plain, comment, projectKey, now);
        } else applySecret(store, reader, project, folder, key, value, `${envAt}.${path}.${key}`, now);
      }
    }
  }

  for (const [env, folders] of Object.entries(reader.obj(obj["imports"], `${at}.imports`) ?? {})) {
    const envAt = `${at}.imports.${env}`;
    if (!envExists(env, envAt)) continue;
    for (const [path, imports] of Object.entries(reader.obj(folders, envAt) ?? {})) {
      const folder = store.ensureFolder(project, env, path, now);
      reader.list(imports, `${envAt}.${path}`).forEach((entry, index) => {
        const importAt = `${envAt}.${path}[${index}]`;
        const importObj = reader.obj(entry, importAt);
        if (!importObj) return;
        const importEnv = reader.str(importObj["environment"], `${importAt}.environment`, true);
        const importPath = normalisePath(reader.str(importObj["path"], `${importAt}.path`, true));
        if (!importEnv || !envExists(importEnv, `${importAt}.environment`)) return;
        if (!store.folder(project, importEnv, importPath)) {
          reader.problem(importAt, `folder "${importPath}" does not exist in environment "${importEnv}"; add it under secrets or folders`);
          return;
        }
        folder.imports.push({ id: randomUUID(), environment: importEnv, path: importPath });
      });
    }
  }

  for (const [env, folders] of Object.entries(reader.obj(obj["dynamicSecrets"], `${at}.dynamicSecrets`) ?? {})) {
    const envAt = `${at}.dynamicSecrets.${env}`;
    if (!envExists(env, envAt)) continue;
    if (project.e2ee) reader.problem(envAt, "end-to-end encrypted projects cannot have dynamic secrets");
    for (const [path, entries] of Object.entries(reader.obj(folders, envAt) ?? {})) {
      const folder = store.ensureFolder(project, env, path, now);
      reader.list(entries, `${envAt}.${path}`).forEach((entry, index) => readDynamicSecret(store, reader, project, folder, entry, `${envAt}.${path}[${index}]`, now));
    }
  }
};

const readDynamicSecret = (
  store: Store,
  reader: Reader,
  project: Project,
  folder: ReturnType<Store["ensureFolder"]>,
  raw: unknown,
  at: string,
  now: number,
): void => {
  const obj = reader.obj(raw, at);
  if (!obj) return;
  const name = reader.str(obj["name"], `${at}.name`, true);
  if (name && !isDynamicSecretSlug(name)) reader.problem(`${at}.name`, "must be a slug: lowercase letters, digits and hyphens, at most 64 characters");
  if (name && store.dynamicSecret(folder, name)) reader.problem(`${at}.name`, `a dynamic secret "${name}" is already defined in this folder`);
  if (obj["type"] !== undefined && obj["type"] !== "sql-database") reader.problem(`${at}.type`, 'only "sql-database" dynamic secrets are supported by the dev server');
  const ttl = (key: "defaultTTL" | "maxTTL", required: boolean): string | undefined => {
    const value = required ? reader.str(obj[key], `${at}.${key}`, true) : reader.str(obj[key], `${at}.${key}`);
    if (!value) return undefined;
    if (msOf(value) === undefined) reader.problem(`${at}.${key}`, `"${value}" is not a duration; use ms syntax such as 30m, 1h or 7d`);
    for (const message of ttlRangeIssues(value)) reader.problem(`${at}.${key}`, message);
    return value;
  };
  const defaultTTL = ttl("defaultTTL", true);
  const maxTTL = ttl("maxTTL", false);
  if (defaultTTL && maxTTL && (msOf(defaultTTL) ?? 0) > (msOf(maxTTL) ?? Infinity)) reader.problem(`${at}.defaultTTL`, "is longer than maxTTL");
  const usernameTemplate = reader.str(obj["usernameTemplate"], `${at}.usernameTemplate`);
  for (const message of usernameTemplate ? usernameTemplateProblems(usernameTemplate) : []) reader.problem(`${at}.usernameTemplate`, message);
  const { inputs, issues } = readSqlInputs(obj["inputs"]);
  for (const issue of issues) reader.problem([`${at}.inputs`, ...issue.path].join("."), issue.message === "Required" ? "is required" : issue.message);
  for (const message of inputs ? sqlInputProblems(inputs) : []) reader.problem(`${at}.inputs`, message);
  const metadata = Object.entries(reader.stringMap(obj["metadata"], `${at}.metadata`)).map(([key, value]) => ({ key, value }));
  if (!inputs || !name || !defaultTTL) return;
  const id = reader.str(obj["id"], `${at}.id`);
  store.addDynamicSecret(project.id, folder, { id, name, defaultTTL, maxTTL: maxTTL ?? null, usernameTemplate: usernameTemplate ?? null, metadata, inputs }, now);
};

const applySecret = (
  store: Store,
  reader: Reader,
  project: Project,
  folder: ReturnType<Store["ensureFolder"]>,
  key: string,
  raw: unknown,
  at: string,
  now: number,
): void => {
  if (key.includes(":") || key.includes("/") || key.trim() !== key || key === "") {
    reader.problem(at, "a secret name must be non-empty, without surrounding spaces, and cannot contain colon or forward slash");
  }
  if (store.secret(folder, key)) reader.problem(at, "is defined twice");
  const plain = asValue(raw);
  if (plain !== undefined) {
    store.createSecret(folder, { key, value: normaliseSecretValue(plain) }, now);
    return;
  }
  const obj = reader.obj(raw, at);
  if (!obj) return;
  const value = asValue(obj["value"]);
  if (value === undefined) reader.problem(`${at}.value`, "must be a string");
  if (obj["type"] !== undefined && obj["type"] !== "shared") reader.problem(`${at}.type`, 'only "shared" secrets can be seeded');
  const tagIds = reader.list(obj["tags"], `${at}.tags`).flatMap((tag, index) => {
    const slug = reader.str(tag, `${at}.tags[${index}]`, true);
    if (!slug) return [];
    return [(store.tagBySlug(project, slug) ?? store.addTag(project, { slug })).id];
  });
  let metadata: SecretMetadataEntry[] = [];
  if (Array.isArray(obj["metadata"])) {
    metadata = obj["metadata"].flatMap((entry, index) => {
      const entryObj = reader.obj(entry, `${at}.metadata[${index}]`);
      if (!entryObj) return [];
      return [
        {
          key: reader.str(entryObj["key"], `${at}.metadata[${index}].key`, true),
          value: reader.str(entryObj["value"], `${at}.metadata[${index}].value`) ?? "",
          isEncrypted: reader.bool(entryObj["isEncrypted"], `${at}.metadata[${index}].isEncrypted`, false),
        },
      ];
    });
  } else if (obj["metadata"] !== undefined) {
    metadata = Object.entries(reader.stringMap(obj["metadata"], `${at}.metadata`)).map(([metaKey, metaValue]) => ({
      key: metaKey,
      value: metaValue,
      isEncrypted: false,
    }));
  }
  const comment = reader.str(obj["comment"], `${at}.comment`);
  const id = reader.str(obj["id"], `${at}.id`);
  const reminderNote = reader.str(obj["reminderNote"], `${at}.reminderNote`);
  store.createSecret(
    folder,
    {
      key,
      value: normaliseSecretValue(value ?? ""),
      comment: comment ?? "",
      skipMultilineEncoding: reader.bool(obj["skipMultilineEncoding"], `${at}.skipMultilineEncoding`, false),
      tagIds,
      metadata,
      reminderNote: reminderNote ?? null,
      reminderRepeatDays: obj["reminderRepeatDays"] === undefined ? null : reader.num(obj["reminderRepeatDays"], `${at}.reminderRepeatDays`, 0),
      ...(id ? { id } : {}),
    },
    now,
  );
};

const readUniversalAuth = (reader: Reader, raw: unknown, at: string, now: number): UniversalAuthConfig | undefined => {
  const obj = reader.obj(raw, at);
  if (!obj) return undefined;
  const clientSecrets: ClientSecret[] = reader.list(obj["clientSecrets"], `${at}.clientSecrets`).flatMap((entry, index) => {
    const secretAt = `${at}.clientSecrets[${index}]`;
    const entryObj: Obj | undefined = typeof entry === "string" ? { secret: entry } : reader.obj(entry, secretAt);
    if (!entryObj) return [];
    const secret = reader.str(entryObj["secret"], `${secretAt}.secret`, true);
    return [
      {
        id: reader.str(entryObj["id"], `${secretAt}.id`) ?? randomUUID(),
        prefix: secret.slice(0, 4),
        hash: hashSecret(secret),
        description: reader.str(entryObj["description"], `${secretAt}.description`) ?? "",
        ttl: reader.num(entryObj["ttl"], `${secretAt}.ttl`, 0),
        numUses: reader.num(entryObj["numUses"], `${secretAt}.numUses`, 0),
        numUsesLimit: reader.num(entryObj["numUsesLimit"], `${secretAt}.numUsesLimit`, 0),
        revoked: false,
        createdAt: now,
      },
    ];
  });
  return {
    clientId: reader.str(obj["clientId"], `${at}.clientId`) ?? randomUUID(),
    clientSecrets,
    ...readLifetime(reader, obj, at),
    accessTokenPeriod: reader.num(obj["accessTokenPeriod"], `${at}.accessTokenPeriod`, 0),
    lockoutEnabled: reader.bool(obj["lockoutEnabled"], `${at}.lockoutEnabled`, true),
    lockoutThreshold: reader.num(obj["lockoutThreshold"], `${at}.lockoutThreshold`, 3),
    lockoutDurationSeconds: reader.num(obj["lockoutDurationSeconds"], `${at}.lockoutDurationSeconds`, 300),
    lockoutCounterResetSeconds: reader.num(obj["lockoutCounterResetSeconds"], `${at}.lockoutCounterResetSeconds`, 30),
  };
};

const readOidcAuth = (reader: Reader, raw: unknown, at: string): OidcAuthConfig | undefined => {
  const obj = reader.obj(raw, at);
  if (!obj) return undefined;
  const oidcDiscoveryUrl = reader.str(obj["oidcDiscoveryUrl"], `${at}.oidcDiscoveryUrl`, true);
  if (oidcDiscoveryUrl && !URL.canParse(oidcDiscoveryUrl)) reader.problem(`${at}.oidcDiscoveryUrl`, "must be a URL");
  const boundClaims: Record<string, string> = {};
  for (const [claim, allowed] of Object.entries(reader.obj(obj["boundClaims"], `${at}.boundClaims`) ?? {})) {
    boundClaims[claim] = reader.commaList(allowed, `${at}.boundClaims.${claim}`);
  }
  return {
    oidcDiscoveryUrl: oidcDiscoveryUrl.replace(/\/+$/, ""),
    boundIssuer: reader.str(obj["boundIssuer"], `${at}.boundIssuer`, true),
    boundAudiences: reader.commaList(obj["boundAudiences"], `${at}.boundAudiences`),
    boundSubject: reader.str(obj["boundSubject"], `${at}.boundSubject`) ?? "",
    boundClaims,
    claimMetadataMapping: reader.stringMap(obj["claimMetadataMapping"], `${at}.claimMetadataMapping`),
    caCert: reader.str(obj["caCert"], `${at}.caCert`) ?? "",
    ...readLifetime(reader, obj, at),
  };
};

/** Derives the account and the user id STS would report for an ARN. */
const awsIdentityDefaults = (arn: string): { account: string; userId: string } => {
  const parts = arn.split(":");
  const resource = parts[5] ?? "";
  const [type, name = "", session = ""] = resource.split("/");
  const account = parts[4] ?? "";
  if (type === "assumed-role") return { account, userId: `AROADEVSERVER${name.toUpperCase().replace(/[^A-Z0-9]/g, "")}:${session}` };
  return { account, userId: `AIDADEVSERVER${name.toUpperCase().replace(/[^A-Z0-9]/g, "")}` };
};

const readAwsAuth = (reader: Reader, raw: unknown, at: string): AwsAuthConfig | undefined => {
  const obj = reader.obj(raw, at);
  if (!obj) return undefined;
  const credentials: AwsCredential[] = reader.list(obj["credentials"], `${at}.credentials`).flatMap((entry, index) => {
    const credAt = `${at}.credentials[${index}]`;
    const credObj = reader.obj(entry, credAt);
    if (!credObj) return [];
    const arn = reader.str(credObj["arn"], `${credAt}.arn`, true);
    if (arn && (arn.split(":").length !== 6 || !arn.startsWith("arn:"))) reader.problem(`${credAt}.arn`, "must look like arn:aws:sts::123456789012:assumed-role/ci/session");
    const defaults = awsIdentityDefaults(arn);
    return [
      {
        accessKeyId: reader.str(credObj["accessKeyId"], `${credAt}.accessKeyId`, true),
        secretAccessKey: reader.str(credObj["secretAccessKey"], `${credAt}.secretAccessKey`, true),
        sessionToken: reader.str(credObj["sessionToken"], `${credAt}.sessionToken`),
        arn,
        account: reader.str(credObj["account"], `${credAt}.account`) ?? defaults.account,
        userId: reader.str(credObj["userId"], `${credAt}.userId`) ?? defaults.userId,
      },
    ];
  });
  return {
    allowedAccountIds: reader.commaList(obj["allowedAccountIds"], `${at}.allowedAccountIds`),
    allowedPrincipalArns: reader.commaList(obj["allowedPrincipalArns"], `${at}.allowedPrincipalArns`),
    stsEndpoint: reader.str(obj["stsEndpoint"], `${at}.stsEndpoint`) ?? "https://sts.amazonaws.com/",
    credentials,
    ...readLifetime(reader, obj, at),
  };
};

const applyIdentity = (store: Store, reader: Reader, raw: unknown, at: string, now: number): void => {
  const obj = reader.obj(raw, at);
  if (!obj) return;
  const name = reader.str(obj["name"], `${at}.name`, true);
  const id = reader.str(obj["id"], `${at}.id`) ?? randomUUID();
  if (store.identity(id)) reader.problem(`${at}.id`, `an identity with id "${id}" is already defined`);
  const memberships = new Map<string, Membership>();
  for (const [slug, membership] of Object.entries(reader.obj(obj["projects"], `${at}.projects`) ?? {})) {
    const memberAt = `${at}.projects.${slug}`;
    const project = store.projectBySlug(slug);
    if (!project) {
      reader.problem(memberAt, `no project with slug "${slug}" in this seed`);
      continue;
    }
    const memberObj: Obj | undefined = typeof membership === "string" ? { role: membership } : reader.obj(membership, memberAt);
    if (!memberObj) continue;
    const role = memberObj["role"];
    if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) {
      reader.problem(`${memberAt}`, `role must be one of ${ROLES.join(", ")}`);
      continue;
    }
    let environments: string[] | undefined;
    if (memberObj["environments"] !== undefined) {
      environments = reader.list(memberObj["environments"], `${memberAt}.environments`).flatMap((env, index) => {
        const slugAt = `${memberAt}.environments[${index}]`;
        const envSlug = reader.str(env, slugAt, true);
        if (envSlug && !store.environment(project, envSlug)) reader.problem(slugAt, `environment "${envSlug}" is not in project "${slug}"`);
        return envSlug ? [envSlug] : [];
      });
    }
    memberships.set(project.id, { role: role as Role, environments });
  }
  const identity: Identity = {
    id,
    name,
    memberships,
    universalAuth: readUniversalAuth(reader, obj["universalAuth"], `${at}.universalAuth`, now),
    oidcAuth: readOidcAuth(reader, obj["oidcAuth"], `${at}.oidcAuth`),
    awsAuth: readAwsAuth(reader, obj["awsAuth"], `${at}.awsAuth`),
  };
  const clientId = identity.universalAuth?.clientId;
  if (clientId && store.identityByClientId(clientId)) reader.problem(`${at}.universalAuth.clientId`, "is already used by another identity");
  store.addIdentity(identity);
};

/**
 * Replaces the store's contents with the seed. Nothing changes when the seed has a problem: a `SeedError`
 * lists them all. `source` names the seed in messages (a file path, or "seed").
 */
export const applySeed = (store: Store, seed: Seed | unknown, now: number, source = "seed"): void => {
  const problems: string[] = [];
  const reader = new Reader(problems);
  const scratch = new Store();
  const root = reader.obj(seed ?? {}, "seed") ?? {};
  for (const key of Object.keys(root)) {
    if (key !== "projects" && key !== "identities" && key !== "serviceTokens") reader.problem(key, "unknown top-level key (expected projects, identities, serviceTokens)");
  }
  // Project keys of end-to-end encrypted projects live only while the seed is applied (to wrap them for tokens).
  const projectKeys = new Map<string, string>();
  reader.list(root["projects"], "projects").forEach((project, index) => applyProject(scratch, reader, project, `projects[${index}]`, now, projectKeys));
  reader.list(root["identities"], "identities").forEach((identity, index) => applyIdentity(scratch, reader, identity, `identities[${index}]`, now));
  reader.list(root["serviceTokens"], "serviceTokens").forEach((token, index) => applyServiceToken(scratch, reader, token, `serviceTokens[${index}]`, projectKeys, now));
  if (problems.length > 0) throw new SeedError(source, problems);
  store.clear();
  for (const [id, project] of scratch.projects) store.projects.set(id, project);
  for (const [id, identity] of scratch.identities) store.identities.set(id, identity);
  for (const [id, token] of scratch.serviceTokens) store.serviceTokens.set(id, token);
  for (const [id, secret] of scratch.dynamicSecrets) store.dynamicSecrets.set(id, secret);
};
