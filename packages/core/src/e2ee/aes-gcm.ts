import { nodeCrypto } from "../builtins.js";
import { SecretsActionError } from "../errors.js";

/** One AES-256-GCM field as the server stores it: ciphertext, 16-byte IV and 16-byte tag, each base64. */
export interface EncryptedField {
  ciphertext: string;
  iv: string;
  tag: string;
}

const HEX_KEY = /^[0-9a-f]{32}$/i;

/**
 * The key of Infisical's "128-bit hex key as UTF-8" scheme: the 32 ASCII characters of the hex string used as the 32
 * raw bytes of an AES-256 key (not hex-decoded). `what` names the key in the error.
 */
function keyBytes(key: string, what: string): Buffer {
  if (!HEX_KEY.test(key)) {
    throw new SecretsActionError("CRYPTO", `${what}: not a 128-bit hex key (expected 32 hex characters, got ${key.length} characters)`, {
      hint: "use the whole service token as the dashboard shows it: st.<id>.<secret>.<key>",
    });
  }
  return Buffer.from(key, "utf8");
}

/** Encrypts UTF-8 text with a 32-hex-character key (`encryptSymmetric128BitHexKeyUTF8`), with a fresh random 16-byte IV. */
export function encryptWithHexKey(plaintext: string, key: string): EncryptedField {
  const { createCipheriv, randomBytes } = nodeCrypto();
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-gcm", keyBytes(key, "encrypt"), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { ciphertext: ciphertext.toString("base64"), iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64") };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Field(value: string, name: string, what: string, length?: number): Buffer {
  const bytes = BASE64.test(value) && value.length % 4 === 0 ? Buffer.from(value, "base64") : undefined;
  if (!bytes || (length !== undefined && bytes.length !== length)) {
    throw new SecretsActionError("CRYPTO", `${what}: the ${name} is not ${length === undefined ? "base64" : `${length} bytes of base64`}`, {
      hint: "the server's copy is damaged or was changed: re-create the secret from a trusted copy",
    });
  }
  return bytes;
}

/**
 * Decrypts one field (`decryptSymmetric128BitHexKeyUTF8`). `what` names the field for the error, e.g.
 * `secret #2 in dev:/app (value)`. A wrong key, a changed ciphertext or tag, or bytes that are not UTF-8 all fail
 * with a CRYPTO error: never garbage text.
 */
export function decryptWithHexKey(field: EncryptedField, key: string, what: string): string {
  const iv = base64Field(field.iv, "IV", what, 16);
  const tag = base64Field(field.tag, "tag", what, 16);
  const ciphertext = base64Field(field.ciphertext, "ciphertext", what);
  let plain: Buffer;
  try {
    const decipher = nodeCrypto().createDecipheriv("aes-256-gcm", keyBytes(key, what), iv);
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (error: unknown) {
    if (error instanceof SecretsActionError) throw error;
    throw new SecretsActionError("CRYPTO", `${what}: decryption failed (the authentication tag does not match)`, {
      cause: error,
      hint: "the ciphertext, IV or tag was changed on the server, or the key is wrong: check that the service token is the project's and complete",
    });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch (error: unknown) {
    throw new SecretsActionError("CRYPTO", `${what}: the decrypted bytes are not UTF-8 text`, { cause: error });
  }
}
