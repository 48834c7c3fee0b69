import fc from "fast-check";
import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";

import { unwrapProjectKey, wrapProjectKey } from "./nacl-box.js";

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

describe("member copy of the project key (tweetnacl box)", () => {
  it("opens a box made with tweetnacl directly, as the dashboard wraps a key for a member", () => {
    const sender = nacl.box.keyPair();
    const member = nacl.box.keyPair();
    const nonce = nacl.randomBytes(24);
    const projectKey = "5f2a1c9e0b7d4e3f8a6b1c2d3e4f5a6b";
    const box = nacl.box(new TextEncoder().encode(projectKey), nonce, member.publicKey, sender.secretKey);
    expect(unwrapProjectKey({ encryptedKey: b64(box), nonce: b64(nonce), senderPublicKey: b64(sender.publicKey) }, b64(member.secretKey))).toBe(projectKey);
  });

  it("opens a fixed box from fixed keys (seeded key pairs, zero nonce)", () => {
    const sender = nacl.box.keyPair.fromSecretKey(new Uint8Array(32).fill(1));
    const member = nacl.box.keyPair.fromSecretKey(new Uint8Array(32).fill(2));
    const nonce = new Uint8Array(24);
    const box = nacl.box(new TextEncoder().encode("00112233445566778899aabbccddeeff"), nonce, member.publicKey, sender.secretKey);
    expect(box).toHaveLength(32 + nacl.box.overheadLength);
    expect(unwrapProjectKey({ encryptedKey: b64(box), nonce: b64(nonce), senderPublicKey: b64(sender.publicKey) }, b64(member.secretKey))).toBe("00112233445566778899aabbccddeeff");
  });

  it("round-trips any key through wrap and unwrap, which tweetnacl itself can open", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (raw) => {
        const projectKey = Buffer.from(raw).toString("hex");
        const sender = nacl.box.keyPair();
        const member = nacl.box.keyPair();
        const wrapped = wrapProjectKey(projectKey, b64(member.publicKey), b64(sender.secretKey));
        const opened = nacl.box.open(Buffer.from(wrapped.encryptedKey, "base64"), Buffer.from(wrapped.nonce, "base64"), sender.publicKey, member.secretKey);
        expect(opened && new TextDecoder().decode(opened)).toBe(projectKey);
        expect(unwrapProjectKey({ ...wrapped, senderPublicKey: b64(sender.publicKey) }, b64(member.secretKey))).toBe(projectKey);
      }),
      { numRuns: 30 },
    );
  });

  it("refuses another member's private key and a changed box", () => {
    const sender = nacl.box.keyPair();
    const member = nacl.box.keyPair();
    const wrapped = wrapProjectKey("00112233445566778899aabbccddeeff", b64(member.publicKey), b64(sender.secretKey));
    const input = { ...wrapped, senderPublicKey: b64(sender.publicKey) };
    expect(() => unwrapProjectKey(input, b64(nacl.box.keyPair().secretKey))).toThrowError(
      expect.objectContaining({ code: "CRYPTO", message: "member key: the project key could not be unwrapped" }),
    );
    const bytes = Buffer.from(wrapped.encryptedKey, "base64");
    bytes[20] = (bytes[20] ?? 0) ^ 0x10;
    expect(() => unwrapProjectKey({ ...input, encryptedKey: bytes.toString("base64") }, b64(member.secretKey))).toThrowError(/could not be unwrapped/);
    expect(() => unwrapProjectKey({ ...input, nonce: "AAAA" }, b64(member.secretKey))).toThrowError(/the nonce is not 24 bytes of base64/);
  });
});
