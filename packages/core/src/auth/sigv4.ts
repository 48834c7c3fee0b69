import { nodeCrypto } from "../builtins.js";

/** AWS credentials: long-term (AKIA…) or temporary (ASIA… with a session token). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/** A request to sign. Header names keep the case given; `Host` is added from the URL when missing. */
export interface SignableRequest {
  method: string;
  url: string | URL;
  headers?: Record<string, string> | undefined;
  body?: string | Buffer | undefined;
}

export interface SignV4Options {
  /** e.g. "sts". */
  service: string;
  /** e.g. "us-east-1". */
  region: string;
  /** Signing time (ms since epoch or a Date). */
  now: number | Date;
  /** Also send and sign `x-amz-content-sha256` (the AWS SDK does; the test suite does not). Default false. */
  contentSha256Header?: boolean | undefined;
}

/** The signed request's headers (with `Authorization`) and the intermediate strings, for tests and debugging. */
export interface SignedRequest {
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signedHeaders: string;
  signature: string;
  authorization: string;
}

/** Headers the AWS SDK never signs: proxies and clients may change them. */
const UNSIGNABLE = new Set([
  "authorization",
  "cache-control",
  "connection",
  "expect",
  "from",
  "keep-alive",
  "max-forwards",
  "pragma",
  "referer",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "x-amzn-trace-id",
]);

const sha256Hex = (data: string | Buffer): string => nodeCrypto().createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string): Buffer => nodeCrypto().createHmac("sha256", key).update(data, "utf8").digest();

/** RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - . _ ~. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `20150830T123600Z` */
export function amzDate(now: number | Date): string {
  return new Date(now).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** Path with dot segments resolved and empty segments dropped, each segment encoded once (non-S3 rules). */
function canonicalPath(pathname: string): string {
  const segments: string[] = [];
  for (const raw of pathname.split("/")) {
    if (raw === "" || raw === ".") continue;
    if (raw === "..") {
      segments.pop();
      continue;
    }
    segments.push(uriEncode(safeDecode(raw)));
  }
  const trailing = pathname.length > 1 && pathname.endsWith("/") && segments.length > 0 ? "/" : "";
  return `/${segments.join("/")}${trailing}`;
}

/** Query parameters encoded and sorted by name, then value. */
function canonicalQuery(search: string): string {
  const query = search.startsWith("?") ? search.slice(1) : search;
  if (query === "") return "";
  const pairs = query
    .split("&")
    .filter((part) => part !== "")
    .map((part) => {
      const eq = part.indexOf("=");
      const key = eq === -1 ? part : part.slice(0, eq);
      const value = eq === -1 ? "" : part.slice(eq + 1);
      return [uriEncode(safeDecode(key)), uriEncode(safeDecode(value))] as const;
    });
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

/** The SigV4 signing key: HMAC chain over date, region, service and "aws4_request". */
function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), "aws4_request");
}

/**
 * Signs a request with AWS Signature Version 4 (node:crypto only), following the AWS SigV4 test suite.
 * Sets `X-Amz-Date` (and `X-Amz-Security-Token` for temporary credentials) and signs every header given
 * except hop-by-hop ones; returns the headers with `Authorization` added.
 */
export function signV4(request: SignableRequest, credentials: AwsCredentials, options: SignV4Options): SignedRequest {
  const url = typeof request.url === "string" ? new URL(request.url) : request.url;
  const body = request.body ?? "";
  const payloadHash = sha256Hex(body);
  const longDate = amzDate(options.now);
  const shortDate = longDate.slice(0, 8);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === "x-amz-date" || lower === "authorization") continue;
    if (lower === "x-amz-security-token" && credentials.sessionToken) continue;
    headers[name] = value;
  }
  if (!Object.keys(headers).some((name) => name.toLowerCase() === "host")) headers.Host = url.host;
  headers["X-Amz-Date"] = longDate;
  if (credentials.sessionToken) headers["X-Amz-Security-Token"] = credentials.sessionToken;
  if (options.contentSha256Header === true) headers["x-amz-content-sha256"] = payloadHash;

  const grouped = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (UNSIGNABLE.has(lower)) continue;
    const values = grouped.get(lower) ?? [];
    values.push(value.trim().replace(/\s+/g, " "));
    grouped.set(lower, values);
  }
  const names = [...grouped.keys()].sort();
  const canonicalHeaders = names.map((name) => `${name}:${(grouped.get(name) ?? []).join(",")}\n`).join("");
  const signedHeaders = names.join(";");

  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(url.pathname),
    canonicalQuery(url.search),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${shortDate}/${options.region}/${options.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", longDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const signature = nodeCrypto().createHmac("sha256", signingKey(credentials.secretAccessKey, shortDate, options.region, options.service))
    .update(stringToSign, "utf8")
    .digest("hex");
  const authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return {
    headers: { ...headers, Authorization: authorization },
    canonicalRequest,
    stringToSign,
    signedHeaders,
    signature,
    authorization,
  };
}
