import { randomBytes } from "node:crypto";

import nacl from "tweetnacl";

import { encryptForSeed, HEX_KEY } from "./e2ee-crypto.js";
import type { Reader } from "./seed-apply.js";
import { storeEncrypted } from "./secrets/encrypted.js";
import { hashSecret, type Folder, type Project, type ServiceTokenRecord, type Store } from "./store.js";
import { isRecord } from "./validation.js";

/**
 * The end-to-end encrypted parts of a seed: a project's `e2ee` block and the top-level `serviceTokens`. The seed
 * holds plaintexts and the project key (it plays the dashboard); the store gets only ciphertext, wrapped keys,
 * hashes and blind indexes.
 */

/** Reads `e2ee: {projectKey, members}`; marks the project end-to-end encrypted and returns its key (kept out of the store). */
export const applyE2eeBlock = (reader: Reader, project: Project, raw: unknown, at: string): string | undefined => {
  const obj = reader.obj(raw, at);
  if (!obj) return undefined;
  const projectKey = reader.str(obj["projectKey"], `${at}.projectKey`, true);
  if (projectKey && !HEX_KEY.test(projectKey)) reader.problem(`${at}.projectKey`, "must be 32 hex characters (a 128-bit key, as the dashboard makes)");
  project.e2ee = { blindIndexSalt: randomBytes(16).toString("hex"), secrets: [], memberKeys: [] };
  // One sender key pair per seed plays the member who shared the key with the others.
  const sender = nacl.box.keyPair();
  reader.list(obj["members"], `${at}.members`).forEach((member, index) => {
    const memberAt = `${at}.members[${index}]`;
    const memberObj = reader.obj(member, memberAt);
    if (!memberObj || !project.e2ee) return;
    const name = reader.str(memberObj["name"], `${memberAt}.name`, true);
    const publicKey = reader.str(memberObj["publicKey"], `${memberAt}.publicKey`, true);
    const receiver = Buffer.from(publicKey, "base64");
    if (receiver.length !== nacl.box.publicKeyLength) {
      reader.problem(`${memberAt}.publicKey`, "must be a base64 tweetnacl box public key (32 bytes)");
      return;
    }
    const nonce = nacl.randomBytes(nacl.box.nonceLength);
    const box = nacl.box(new TextEncoder().encode(projectKey), nonce, new Uint8Array(receiver), sender.secretKey);
    project.e2ee.memberKeys.push({
      id: `${project.id}:${name}`,
      receiver: name,
      receiverPublicKey: publicKey,
      encryptedKey: Buffer.from(box).toString("base64"),
      nonce: Buffer.from(nonce).toString("base64"),
      senderPublicKey: Buffer.from(sender.publicKey).toString("base64"),
    });
  });
  return HEX_KEY.test(projectKey) ? projectKey : undefined;
};

/** A seeded secret of an end-to-end encrypted project: name, value and comment encrypted with the project key. */
export const applyEncryptedSecret = (reader: Reader, project: Project, folder: Folder, key: string, value: string, comment: string, projectKey: string, now: number): void => {
  const e2ee = project.e2ee;
  if (!e2ee) return;
  const name = encryptForSeed(key, projectKey);
  const sealed = encryptForSeed(value, projectKey);
  const note = comment === "" ? undefined : encryptForSeed(comment, projectKey);
  const secret = storeEncrypted(
    e2ee,
    folder,
    key,
    {
      secretKeyCiphertext: name.ciphertext,
      secretKeyIV: name.iv,
      secretKeyTag: name.tag,
      secretValueCiphertext: sealed.ciphertext,
      secretValueIV: sealed.iv,
      secretValueTag: sealed.tag,
      secretCommentCiphertext: note?.ciphertext,
      secretCommentIV: note?.iv,
      secretCommentTag: note?.tag,
    },
    now,
  );
  if (e2ee.secrets.some((other) => other !== secret && other.environment === secret.environment && other.path === secret.path && other.blindIndex === secret.blindIndex)) {
    reader.problem(`${folder.environment}:${folder.path}.${key}`, "is defined twice");
  }
};

const TOKEN = /^st\.([^.]+)\.([^.]+)(?:\.([^.]+))?$/;

/**
 * One `serviceTokens` entry: `{name, project, token: st.<id>.<secret>.<key>, scopes, permissions, expiresIn}`. The
 * store keeps the secret's hash and the project key encrypted with the token's key (`encryptedKey`/`iv`/`tag`).
 */
export const applyServiceToken = (store: Store, reader: Reader, raw: unknown, at: string, projectKeys: Map<string, string>, now: number): void => {
  const obj = reader.obj(raw, at);
  if (!obj) return;
  const name = reader.str(obj["name"], `${at}.name`, true);
  const slug = reader.str(obj["project"], `${at}.project`, true);
  const token = reader.str(obj["token"], `${at}.token`, true);
  const project = slug ? store.projectBySlug(slug) : undefined;
  if (slug && !project) reader.problem(`${at}.project`, `no project with slug "${slug}" in this seed`);
  const match = TOKEN.exec(token);
  if (token && !match) reader.problem(`${at}.token`, "must be st.<id>.<secret>.<key> (the key: 32 hex characters)");
  const [, id = "", secret = "", key] = match ?? [];
  if (key !== undefined && !HEX_KEY.test(key)) reader.problem(`${at}.token`, "the fourth part must be 32 hex characters");
  if (id && store.serviceTokens.has(id)) reader.problem(`${at}.token`, `a service token with id "${id}" is already defined`);
  const projectKey = project && projectKeys.get(project.id);
  if (project?.e2ee && key === undefined) reader.problem(`${at}.token`, "a token for an end-to-end encrypted project needs its fourth part (the key)");
  const scopes = reader.list(obj["scopes"] ?? [{ environment: project?.environments[0]?.slug ?? "dev", secretPath: "/" }], `${at}.scopes`).flatMap((scope, index) => {
    const scopeAt = `${at}.scopes[${index}]`;
    if (!isRecord(scope)) {
      reader.problem(scopeAt, "must be {environment, secretPath}");
      return [];
    }
    const environment = reader.str(scope["environment"], `${scopeAt}.environment`, true);
    if (project && environment && !store.environment(project, environment)) reader.problem(`${scopeAt}.environment`, `environment "${environment}" is not in project "${slug}"`);
    return [{ environment, secretPath: reader.str(scope["secretPath"], `${scopeAt}.secretPath`) ?? "/" }];
  });
  const permissions = reader.list(obj["permissions"] ?? ["read"], `${at}.permissions`).flatMap((permission, index): ("read" | "write")[] => {
    if (permission === "read" || permission === "write") return [permission];
    reader.problem(`${at}.permissions[${index}]`, 'must be "read" or "write"');
    return [];
  });
  const expiresIn = obj["expiresIn"] === undefined || obj["expiresIn"] === null ? undefined : reader.num(obj["expiresIn"], `${at}.expiresIn`, 0);
  // A project the server decrypts still gets a wrapped key, as the dashboard made one for every token.
  const wrapped = key !== undefined && HEX_KEY.test(key) ? encryptForSeed(projectKey ?? randomBytes(16).toString("hex"), key) : { ciphertext: "", iv: "", tag: "" };
  if (!project || !match) return;
  const record: ServiceTokenRecord = {
    id,
    name,
    projectId: project.id,
    secretHash: hashSecret(secret),
    scopes,
    permissions,
    encryptedKey: wrapped.ciphertext,
    iv: wrapped.iv,
    tag: wrapped.tag,
    expiresAt: expiresIn === undefined ? undefined : now + expiresIn * 1000,
    createdAt: now,
    lastUsed: undefined,
  };
  store.serviceTokens.set(id, record);
};
