import type { App } from "../context.js";
import { badRequest, internalError, unauthorized } from "../errors.js";
import { issueAccessToken, type TokenResponse } from "./access-tokens.js";
import { parseAmzDate, parseSigV4Authorization, sameSignature, sigV4Signature } from "./sigv4.js";
import type { AwsCredential, Identity } from "../store.js";

/**
 * AWS IAM Auth login. The real server replays the signed STS GetCallerIdentity request to AWS; offline, this
 * server checks the signature itself against the identity's seeded credentials and answers what STS would.
 * Whatever STS would refuse, the real server reports as a bare 500 (axios throws, nothing catches it): so does this
 * one, and the reason goes to the request log's note.
 */

export interface AwsLoginInput {
  identityId: string;
  iamHttpRequestMethod: string;
  iamRequestBody: string;
  iamRequestHeaders: string;
}

/** `awsRegionFromHeader`: the third `/` part of the Credential field. */
const regionFromAuthorization = (header: string): string | null => {
  for (const field of header.split(" ")) {
    if (field.startsWith("Credential=")) {
      const parts = field.split("/");
      if (parts.length >= 3) return parts[2] ?? null;
    }
  }
  return null;
};

const isValidRegion = (region: string | null): region is string =>
  typeof region === "string" && region.length > 0 && region.length <= 20 && /^[a-z0-9-]+$/.test(region);

/** An STS refusal: the login fails like the real server's unhandled axios error. */
const stsRejects = (note: (text: string) => void, code: string, detail: string): Error => {
  note(`STS would reject: ${code} (${detail})`);
  return internalError();
};

/** What STS does with the replayed request: returns the caller for a valid signature, else rejects. */
const callerIdentity = (
  app: App,
  identity: Identity,
  input: AwsLoginInput,
  headers: Record<string, string>,
  body: string,
  region: string,
  note: (text: string) => void,
): AwsCredential => {
  const auth = parseSigV4Authorization(headers["authorization"] ?? "");
  if (!auth || auth.algorithm !== "AWS4-HMAC-SHA256") throw stsRejects(note, "IncompleteSignature", "Authorization is not AWS4-HMAC-SHA256 with Credential, SignedHeaders and Signature");
  const credential = identity.awsAuth?.credentials.find((candidate) => candidate.accessKeyId === auth.accessKeyId);
  if (!credential) throw stsRejects(note, "InvalidClientTokenId", "unknown access key id");
  if ((credential.sessionToken ?? "") !== (headers["x-amz-security-token"] ?? "")) {
    throw stsRejects(note, "InvalidClientTokenId", "X-Amz-Security-Token does not match the credentials");
  }
  const amzDate = headers["x-amz-date"] ?? "";
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt)) throw stsRejects(note, "IncompleteSignature", "missing or malformed X-Amz-Date");
  if (Math.abs(app.now() - signedAt) > 15 * 60 * 1000) throw stsRejects(note, "SignatureDoesNotMatch", "Signature expired: X-Amz-Date is more than 15 minutes from now");
  if (auth.service !== "sts" || auth.terminator !== "aws4_request" || auth.date !== amzDate.slice(0, 8)) {
    throw stsRejects(note, "SignatureDoesNotMatch", "credential scope must be <date of X-Amz-Date>/<region>/sts/aws4_request");
  }
  if (!auth.signedHeaders.includes("host")) throw stsRejects(note, "SignatureDoesNotMatch", "the host header must be signed");
  const host = `sts.${region}.amazonaws.com`;
  const request = {
    method: input.iamHttpRequestMethod,
    path: "/",
    query: "",
    // What the replayed request would carry: the given headers, plus what axios adds for a string body.
    headers: {
      host,
      "content-length": String(Buffer.byteLength(body)),
      "content-type": "application/x-www-form-urlencoded",
      ...headers,
    },
    body,
  };
  const expected = sigV4Signature({ request, signedHeaders: auth.signedHeaders, secretAccessKey: credential.secretAccessKey, amzDate, region, service: "sts" });
  if (!sameSignature(expected, auth.signature)) throw stsRejects(note, "SignatureDoesNotMatch", "the signature does not match the request and the secret access key");
  const action = new URLSearchParams(body);
  if (input.iamHttpRequestMethod.toUpperCase() !== "POST" || action.get("Action") !== "GetCallerIdentity") {
    throw stsRejects(note, "InvalidAction", "the signed request must be POST Action=GetCallerIdentity&Version=2011-06-15");
  }
  return credential;
};

/** `arn:aws:sts::123:assumed-role/ci/session` → `arn:aws:iam::123:role/ci` (users keep their name, paths dropped). */
export const principalArn = (arn: string, asIam = true): string => {
  const parts = arn.split(":");
  const resource = (parts[5] ?? "").split("/");
  const type = resource[0] ?? "";
  const name = type === "assumed-role" ? (resource[1] ?? "") : (resource[resource.length - 1] ?? "");
  const finalType = type === "assumed-role" && asIam ? "role" : type;
  return `arn:aws:${asIam ? "iam" : (parts[2] ?? "iam")}::${parts[4] ?? ""}:${finalType}/${name}`;
};

const arnPattern = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`);

/** `POST /api/v1/auth/aws-auth/login`. */
export const awsAuthLogin = (app: App, identity: Identity, input: AwsLoginInput, note: (text: string) => void): TokenResponse => {
  const config = identity.awsAuth;
  if (!config) throw new Error("aws auth not configured");
  let headers: Record<string, string>;
  let body: string;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(input.iamRequestHeaders, "base64").toString("utf8"));
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
    headers = Object.fromEntries(Object.entries(parsed).map(([name, value]) => [name.toLowerCase(), String(value)]));
    body = Buffer.from(input.iamRequestBody, "base64").toString("utf8");
  } catch {
    note("iamRequestHeaders is not base64 of a JSON object");
    throw internalError();
  }
  const authorization = headers["authorization"];
  const region = authorization ? regionFromAuthorization(authorization) : null;
  if (!isValidRegion(region)) throw badRequest("Invalid AWS region");

  const caller = callerIdentity(app, identity, input, headers, body, region, note);

  if (config.allowedAccountIds) {
    const allowed = config.allowedAccountIds.split(",").map((id) => id.trim());
    if (!allowed.includes(caller.account)) throw unauthorized("Access denied: AWS account ID not allowed.");
  }
  if (config.allowedPrincipalArns) {
    const formatted = principalArn(caller.arn);
    const raw = principalArn(caller.arn, false);
    const allowed = config.allowedPrincipalArns
      .split(",")
      .map((pattern) => pattern.trim())
      .filter(Boolean)
      .some((pattern) => arnPattern(pattern).test(formatted) || arnPattern(pattern).test(raw));
    if (!allowed) throw unauthorized(`Access denied: AWS principal ARN not allowed. [principal-arn=${formatted}]`);
  }
  const [, partition = "aws", service = "sts", , , resource = ""] = caller.arn.split(":");
  const [resourceType = "", resourceName = ""] = resource.split("/");
  return issueAccessToken(app, identity, "aws-auth", config, {
    identityAuth: {
      aws: { accountId: caller.account, arn: caller.arn, userId: caller.userId, partition, service, resourceType, resourceName },
    },
  });
};
