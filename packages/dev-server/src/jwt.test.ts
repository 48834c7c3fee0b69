import { generateKeyPairSync } from "node:crypto";

import { describe, expect, it } from "vitest";

import { decodeJwt, signJwt, verifyJwt } from "./jwt.js";

const NOW = Date.parse("2025-01-01T00:00:00Z");

describe("jwt", () => {
  it("round-trips HS256 with iat and exp", () => {
    const token = signJwt({ a: 1 }, "secret", { algorithm: "HS256", now: NOW, expiresIn: 60 });
    expect(verifyJwt(token, "secret", { now: NOW })).toEqual({ a: 1, iat: NOW / 1000, exp: NOW / 1000 + 60 });
  });

  it("says what jsonwebtoken says for each failure", () => {
    const token = signJwt({ iss: "x" }, "secret", { algorithm: "HS256", now: NOW, expiresIn: 60 });
    expect(() => verifyJwt("abc", "secret", { now: NOW })).toThrow("jwt malformed");
    expect(() => verifyJwt("a.b.c", "secret", { now: NOW })).toThrow("invalid token");
    expect(() => verifyJwt(token, "other", { now: NOW })).toThrow("invalid signature");
    expect(() => verifyJwt(token, "secret", { now: NOW + 60_000 })).toThrow("jwt expired");
    expect(() => verifyJwt(token, "secret", { now: NOW, issuer: "y" })).toThrow("jwt issuer invalid. expected: y");
    const early = signJwt({ nbf: NOW / 1000 + 10 }, "secret", { algorithm: "HS256", now: NOW });
    expect(() => verifyJwt(early, "secret", { now: NOW })).toThrow("jwt not active");
  });

  it("verifies RS256 with a public key and refuses HS256 against it", () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const token = signJwt({ sub: "s" }, privateKey, { algorithm: "RS256", now: NOW, kid: "k1" });
    expect(decodeJwt(token)?.header).toEqual({ alg: "RS256", typ: "JWT", kid: "k1" });
    expect(verifyJwt(token, publicKey, { now: NOW, keyType: "public" })).toMatchObject({ sub: "s" });
    const hs = signJwt({ sub: "s" }, "secret", { algorithm: "HS256", now: NOW });
    expect(() => verifyJwt(hs, publicKey, { now: NOW, keyType: "public" })).toThrow("invalid algorithm");
  });
});
