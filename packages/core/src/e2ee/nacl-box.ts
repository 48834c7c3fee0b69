import nacl from "tweetnacl";

import { SecretsActionError } from "../errors.js";

/** A member's copy of the project key, as `GET /api/v2/workspace/:id/encrypted-key` answers it (base64 fields). */
export interface WrappedProjectKey {
  encryptedKey: string;
  nonce: string;
  /** The public key of the member who wrapped it (`sender.publicKey`). */
  senderPublicKey: string;
}

function decodeBase64(value: string, name: string, length?: number): Uint8Array {
  const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0 ? Buffer.from(value, "base64") : undefined;
  if (!bytes || (length !== undefined && bytes.length !== length)) {
    throw new SecretsActionError("CRYPTO", `member key: the ${name} is not ${length === undefined ? "base64" : `${length} bytes of base64`}`);
  }
  return new Uint8Array(bytes);
}

/**
 * Unwraps a member's copy of the project key with `nacl.box.open` (tweetnacl): the member's private key, the sender's
 * public key and the nonce. Returns the project key (32 hex characters). A wrong key or a changed box is a CRYPTO error.
 */
export function unwrapProjectKey(wrapped: WrappedProjectKey, privateKey: string): string {
  const opened = nacl.box.open(
    decodeBase64(wrapped.encryptedKey, "encrypted key"),
    decodeBase64(wrapped.nonce, "nonce", nacl.box.nonceLength),
    decodeBase64(wrapped.senderPublicKey, "sender's public key", nacl.box.publicKeyLength),
    decodeBase64(privateKey, "private key", nacl.box.secretKeyLength),
  );
  if (opened === null) {
    throw new SecretsActionError("CRYPTO", "member key: the project key could not be unwrapped", {
      hint: "the private key is not the member's, the sender's public key is wrong, or the box was changed",
    });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(opened);
  } catch (error: unknown) {
    throw new SecretsActionError("CRYPTO", "member key: the unwrapped project key is not text", { cause: error });
  }
}

/** Wraps a project key for a member (`encryptAsymmetric`): a fresh 24-byte nonce, `nacl.box`, base64 out. */
export function wrapProjectKey(projectKey: string, receiverPublicKey: string, senderPrivateKey: string): { encryptedKey: string; nonce: string } {
  const nonce = nacl.randomBytes(nacl.box.nonceLength);
  const box = nacl.box(
    new TextEncoder().encode(projectKey),
    nonce,
    decodeBase64(receiverPublicKey, "receiver's public key", nacl.box.publicKeyLength),
    decodeBase64(senderPrivateKey, "sender's private key", nacl.box.secretKeyLength),
  );
  return { encryptedKey: Buffer.from(box).toString("base64"), nonce: Buffer.from(nonce).toString("base64") };
}
