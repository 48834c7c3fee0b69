import { createHmac, createPublicKey, sign as cryptoSign, timingSafeEqual, verify as cryptoVerify, type KeyObject } from "node:crypto";

/**
 * A tiny JWS/JWT implementation (HS256/384/512, RS256/384/512, ES256/384) on node:crypto.
 * Errors carry the exact messages of the `jsonwebtoken` package, because the real server forwards them to clients
 * ("jwt expired", "invalid signature", "jwt issuer invalid. expected: X", ...).
 */

/** A verification failure; `message` is what jsonwebtoken would say. */
export class JwtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = message === "jwt expired" ? "TokenExpiredError" : message === "jwt not active" ? "NotBeforeError" : "JsonWebTokenError";
  }
}

export type JwtAlgorithm = "HS256" | "HS384" | "HS512" | "RS256" | "RS384" | "RS512" | "ES256" | "ES384";

export interface JwtHeader {
  alg: string;
  typ?: string;
  kid?: string;
  [extra: string]: unknown;
}

export type JwtPayload = Record<string, unknown>;

export interface DecodedJwt {
  header: JwtHeader;
  payload: JwtPayload;
  signature: string;
}

const HASH: Record<JwtAlgorithm, string> = {
  HS256: "sha256",
  HS384: "sha384",
  HS512: "sha512",
  RS256: "sha256",
  RS384: "sha384",
  RS512: "sha512",
  ES256: "sha256",
  ES384: "sha384",
};

const base64url = (input: Buffer | string): string => Buffer.from(input).toString("base64url");

const parseJsonSegment = (segment: string): unknown => JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));

const JWS_FORMAT = /^[a-zA-Z0-9\-_]+?\.[a-zA-Z0-9\-_]+?\.([a-zA-Z0-9\-_]+)?$/;

/** Decodes without verifying; `undefined` when the token is not a JWS with a JSON header and object payload. */
export const decodeJwt = (token: string): DecodedJwt | undefined => {
  if (!JWS_FORMAT.test(token)) return undefined;
  const [headerPart = "", payloadPart = "", signature = ""] = token.split(".");
  try {
    const header = parseJsonSegment(headerPart);
    const payload = parseJsonSegment(payloadPart);
    if (!header || typeof header !== "object" || typeof (header as JwtHeader).alg !== "string") return undefined;
    if (!payload || typeof payload !== "object" || Array.isArray(payload)) return undefined;
    return { header: header as JwtHeader, payload: payload as JwtPayload, signature };
  } catch {
    return undefined;
  }
};

/** Signing key: an HMAC secret (string) or a private KeyObject. */
export type SigningKey = string | KeyObject;

export interface SignOptions {
  algorithm: JwtAlgorithm;
  /** Seconds; adds `exp = iat + expiresIn`. */
  expiresIn?: number;
  /** The clock, in ms; `iat` is added unless the payload has one. */
  now: number;
  kid?: string;
}

const signingInput = (header: JwtHeader, payload: JwtPayload): string =>
  `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;

const signBytes = (algorithm: JwtAlgorithm, input: string, key: SigningKey): Buffer => {
  const hash = HASH[algorithm];
  if (algorithm.startsWith("HS")) return createHmac(hash, key as string).update(input).digest();
  if (algorithm.startsWith("ES")) return cryptoSign(hash, Buffer.from(input), { key: key as KeyObject, dsaEncoding: "ieee-p1363" });
  return cryptoSign(hash, Buffer.from(input), key as KeyObject);
};

/** Signs a JWT like `jsonwebtoken.sign`: adds `iat` (and `exp` with `expiresIn`). */
export const signJwt = (payload: JwtPayload, key: SigningKey, options: SignOptions): string => {
  const header: JwtHeader = { alg: options.algorithm, typ: "JWT" };
  if (options.kid !== undefined) header.kid = options.kid;
  const iat = typeof payload["iat"] === "number" ? payload["iat"] : Math.floor(options.now / 1000);
  const body: JwtPayload = { ...payload, iat };
  if (options.expiresIn !== undefined) body["exp"] = iat + options.expiresIn;
  const input = signingInput(header, body);
  return `${input}.${base64url(signBytes(options.algorithm, input, key))}`;
};

/** A verification key: an HMAC secret (string), or a public key (KeyObject or PEM). */
export type VerifyKey = string | KeyObject;

export interface VerifyOptions {
  /** The clock, in ms. */
  now: number;
  /** When set, `iss` must equal it. */
  issuer?: string;
  /** Which key the string is: `secret` (HMAC, the default) or `public` (PEM). */
  keyType?: "secret" | "public";
}

const allowedAlgorithms = (keyType: "secret" | "public", key: VerifyKey): string[] => {
  if (keyType === "secret") return ["HS256", "HS384", "HS512"];
  const keyObject = typeof key === "string" ? createPublicKey(key) : key;
  return keyObject.asymmetricKeyType === "ec" ? ["ES256", "ES384", "ES512"] : ["RS256", "RS384", "RS512"];
};

const verifySignature = (algorithm: JwtAlgorithm, input: string, signature: string, key: VerifyKey): boolean => {
  const given = Buffer.from(signature, "base64url");
  const hash = HASH[algorithm];
  if (algorithm.startsWith("HS")) {
    const expected = createHmac(hash, key as string).update(input).digest();
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
  const publicKey = typeof key === "string" ? createPublicKey(key) : key;
  try {
    if (algorithm.startsWith("ES")) return cryptoVerify(hash, Buffer.from(input), { key: publicKey, dsaEncoding: "ieee-p1363" }, given);
    return cryptoVerify(hash, Buffer.from(input), publicKey, given);
  } catch {
    return false;
  }
};

/** Verifies like `jsonwebtoken.verify`, in its order: format, algorithm, signature, nbf, exp, issuer. */
export const verifyJwt = (token: string, key: VerifyKey, options: VerifyOptions): JwtPayload => {
  if (!token) throw new JwtError("jwt must be provided");
  const parts = token.split(".");
  if (parts.length !== 3) throw new JwtError("jwt malformed");
  const decoded = decodeJwt(token);
  if (!decoded) throw new JwtError("invalid token");
  const { header, payload, signature } = decoded;
  if (!signature && header.alg !== "none") throw new JwtError("jwt signature is required");
  const keyType = options.keyType ?? "secret";
  const algorithm = header.alg;
  if (!allowedAlgorithms(keyType, key).includes(algorithm) || !(algorithm in HASH)) throw new JwtError("invalid algorithm");
  if (!verifySignature(algorithm as JwtAlgorithm, `${parts[0]}.${parts[1]}`, signature, key)) throw new JwtError("invalid signature");

  const clock = Math.floor(options.now / 1000);
  if (payload["nbf"] !== undefined) {
    if (typeof payload["nbf"] !== "number") throw new JwtError("invalid nbf value");
    if (payload["nbf"] > clock) throw new JwtError("jwt not active");
  }
  if (payload["exp"] !== undefined) {
    if (typeof payload["exp"] !== "number") throw new JwtError("invalid exp value");
    if (clock >= payload["exp"]) throw new JwtError("jwt expired");
  }
  if (options.issuer !== undefined && payload["iss"] !== options.issuer) {
    throw new JwtError(`jwt issuer invalid. expected: ${options.issuer}`);
  }
  return payload;
};
