import { createCipheriv, randomBytes } from "node:crypto";

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { decryptWithHexKey, encryptWithHexKey } from "./aes-gcm.js";

/** Encrypts exactly as Infisical's clients do, written out here with node:crypto so the test does not trust the code under test. */
function referenceEncrypt(plaintext: string, hexKey: string, iv: Buffer): { ciphertext: string; iv: string; tag: string } {
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(hexKey, "utf8"), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { ciphertext: ciphertext.toString("base64"), iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64") };
}

const KEY = "0123456789abcdef0123456789abcdef";
const hexKey = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString("hex"));

describe("128-bit hex key as UTF-8 AES-256-GCM", () => {
  it("decrypts a fixed vector: the key's 32 characters are the key bytes, not its 16 hex-decoded bytes", () => {
    const iv = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex");
    const vector = referenceEncrypt("postgres://app:s3cret@db/app", KEY, iv);
    // Pinned: what node:crypto produced for this key, IV and text (a change in the scheme changes these bytes).
    expect(vector).toEqual({ ciphertext: "lqnh1K8Pu2b6ocPszH4q1P07+Pak5YuEYXOHWw==", iv: "AAECAwQFBgcICQoLDA0ODw==", tag: "J+zMzbiQLbN8UrunKG15Ag==" });
    expect(decryptWithHexKey(vector, KEY, "secret #1")).toBe("postgres://app:s3cret@db/app");
    // The same key hex-decoded to 16 bytes is AES-128, a different cipher: node refuses it for aes-256-gcm.
    expect(() => createCipheriv("aes-256-gcm", Buffer.from(KEY, "hex"), iv)).toThrow();
  });

  it("decrypts vectors made by node:crypto for random keys, IVs and unicode or multi-line text", () => {
    fc.assert(
      fc.property(hexKey, fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.oneof(fc.string({ unit: "grapheme" }), fc.lorem({ mode: "sentences" }).map((s) => `${s}\n${s}\r\n`)), (key, iv, text) => {
        expect(decryptWithHexKey(referenceEncrypt(text, key, Buffer.from(iv)), key, "secret")).toBe(text);
      }),
    );
  });

  it("round-trips any text, with a fresh 16-byte IV per encryption", () => {
    fc.assert(
      fc.property(hexKey, fc.string({ unit: "binary" }), (key, text) => {
        const first = encryptWithHexKey(text, key);
        const second = encryptWithHexKey(text, key);
        expect(Buffer.from(first.iv, "base64")).toHaveLength(16);
        expect(Buffer.from(first.tag, "base64")).toHaveLength(16);
        expect(first.iv).not.toBe(second.iv);
        expect(decryptWithHexKey(first, key, "secret")).toBe(text);
      }),
    );
  });

  it("refuses a wrong key, a changed ciphertext, a changed tag or a short IV with an error naming the position", () => {
    const field = referenceEncrypt("multi\nline ✓ value", KEY, randomBytes(16));
    const flip = (b64: string): string => {
      const bytes = Buffer.from(b64, "base64");
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString("base64");
    };
    const cases = [
      () => decryptWithHexKey(field, "fedcba9876543210fedcba9876543210", "secret #3 in dev:/app (value)"),
      () => decryptWithHexKey({ ...field, ciphertext: flip(field.ciphertext) }, KEY, "secret #3 in dev:/app (value)"),
      () => decryptWithHexKey({ ...field, tag: flip(field.tag) }, KEY, "secret #3 in dev:/app (value)"),
    ];
    for (const attempt of cases) {
      expect(attempt).toThrowError(expect.objectContaining({ code: "CRYPTO", message: "secret #3 in dev:/app (value): decryption failed (the authentication tag does not match)" }));
    }
    expect(() => decryptWithHexKey({ ...field, iv: "AAAA" }, KEY, "secret #3 in dev:/app (value)")).toThrowError(/secret #3 in dev:\/app \(value\): the IV is not 16 bytes of base64/);
    expect(() => decryptWithHexKey(field, "not-a-key", "secret #1")).toThrowError(/not a 128-bit hex key/);
  });

  it("never returns text from bytes that are not UTF-8", () => {
    const cipher = createCipheriv("aes-256-gcm", Buffer.from(KEY, "utf8"), Buffer.alloc(16));
    const ciphertext = Buffer.concat([cipher.update(Buffer.from([0xff, 0xfe, 0x80])), cipher.final()]);
    const field = { ciphertext: ciphertext.toString("base64"), iv: Buffer.alloc(16).toString("base64"), tag: cipher.getAuthTag().toString("base64") };
    expect(() => decryptWithHexKey(field, KEY, "secret #1")).toThrowError(/secret #1: the decrypted bytes are not UTF-8 text/);
  });
});
