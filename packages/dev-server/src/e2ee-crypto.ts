import { createCipheriv, randomBytes } from "node:crypto";

/**
 * What the dashboard does on the client for an end-to-end encrypted project, done here only when a seed is applied:
 * AES-256-GCM with a 32-hex-character key used as its UTF-8 bytes, a fresh 16-byte IV, base64 fields. The server's
 * request handlers never call this: they store what clients send.
 */
export const encryptForSeed = (plaintext: string, hexKey: string): { ciphertext: string; iv: string; tag: string } => {
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(hexKey, "utf8"), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { ciphertext: ciphertext.toString("base64"), iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64") };
};

export const HEX_KEY = /^[0-9a-f]{32}$/i;
