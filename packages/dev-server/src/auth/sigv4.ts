import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * AWS Signature Version 4, verification side: parse the Authorization header, rebuild the canonical request from
 * the signed headers, derive the signing key and compare. Written from the AWS SigV4 specification
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
 */

export interface SigV4Authorization {
  algorithm: string;
  accessKeyId: string;
  /** yyyymmdd of the credential scope. */
  date: string;
  region: string;
  service: string;
  terminator: string;
  /** Lowercase header names, in the order given. */
  signedHeaders: string[];
  signature: string;
}

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sts/aws4_request, SignedHeaders=a;b, Signature=hex`. */
export const parseSigV4Authorization = (header: string): SigV4Authorization | undefined => {
  const match = /^(\S+)\s+(.*)$/.exec(header.trim());
  if (!match) return undefined;
  const fields = new Map<string, string>();
  for (const part of (match[2] ?? "").split(",")) {
    const [name, ...rest] = part.trim().split("=");
    if (name) fields.set(name, rest.join("="));
  }
  const credential = fields.get("Credential")?.split("/") ?? [];
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (credential.length !== 5 || !signedHeaders || !signature) return undefined;
  const [accessKeyId = "", date = "", region = "", service = "", terminator = ""] = credential;
  return {
    algorithm: match[1] ?? "",
    accessKeyId,
    date,
    region,
    service,
    terminator,
    signedHeaders: signedHeaders.split(";").map((name) => name.toLowerCase()),
    signature,
  };
};

export const sha256Hex = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data, "utf8").digest();

/** RFC 3986 encoding as SigV4 wants it (unreserved: A-Z a-z 0-9 - _ . ~). */
const uriEncode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

const canonicalUri = (path: string): string => (path === "" ? "/" : path.split("/").map((segment) => uriEncode(decodeURIComponent(segment))).join("/"));

const canonicalQuery = (query: string): string =>
  query
    .split("&")
    .filter(Boolean)
    .map((pair) => {
      const [name = "", value = ""] = pair.split("=");
      return [uriEncode(decodeURIComponent(name)), uriEncode(decodeURIComponent(value.replace(/\+/g, " ")))] as const;
    })
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");

export interface SigV4Request {
  method: string;
  /** Path without query, e.g. `/`. */
  path: string;
  /** Raw query string without `?`. */
  query: string;
  /** Header values by lowercase name. */
  headers: Record<string, string>;
  body: string | Buffer;
}

/** The canonical request for the given signed headers. */
export const canonicalRequest = (request: SigV4Request, signedHeaders: string[]): string => {
  const headerLines = signedHeaders.map((name) => `${name}:${(request.headers[name] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const payloadHash = request.headers["x-amz-content-sha256"] ?? sha256Hex(request.body);
  return [request.method.toUpperCase(), canonicalUri(request.path), canonicalQuery(request.query), headerLines, signedHeaders.join(";"), payloadHash].join("\n");
};

/** The hex signature of a request, as the client should have computed it. */
export const sigV4Signature = (input: {
  request: SigV4Request;
  signedHeaders: string[];
  secretAccessKey: string;
  amzDate: string;
  region: string;
  service: string;
}): string => {
  const date = input.amzDate.slice(0, 8);
  const scope = `${date}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", input.amzDate, scope, sha256Hex(canonicalRequest(input.request, input.signedHeaders))].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${input.secretAccessKey}`, date), input.region), input.service), "aws4_request");
  return createHmac("sha256", key).update(stringToSign, "utf8").digest("hex");
};

/** Constant-time comparison of two hex signatures. */
export const sameSignature = (a: string, b: string): boolean => {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
};

/** `20240101T120000Z` → ms since the epoch; NaN when malformed. */
export const parseAmzDate = (value: string): number => {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s] = match;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
};
