import { SecretsActionError, errorMessage, isSecretsActionError } from "../errors.js";
import type { HttpClient } from "../http/types.js";
import { parseAccessToken } from "./access-token.js";
import { AUTH_PATHS } from "./endpoints.js";
import { signV4, type AwsCredentials } from "./sigv4.js";
import type { AccessToken, AwsIamAuthConfig } from "./types.js";

/** Options of `loginAwsIam`: the AWS IAM config without its `method`, plus a clock (also the signing time). */
export type LoginAwsIamOptions = Omit<AwsIamAuthConfig, "method"> & { now?: (() => number) | undefined };

/** The fields the server replays to STS: base64 body and base64(JSON) of the signed headers. */
export interface StsLoginFields {
  iamHttpRequestMethod: "POST";
  iamRequestBody: string;
  iamRequestHeaders: string;
}

export const STS_BODY = "Action=GetCallerIdentity&Version=2011-06-15";

/** Same rule as the server: lower-case letters, digits and dashes, at most 20 characters. */
export function isAwsRegion(region: string): boolean {
  return /^[a-z0-9-]+$/.test(region) && region.length <= 20;
}

/**
 * Signs `POST https://sts.<region>.amazonaws.com/` `Action=GetCallerIdentity&Version=2011-06-15` (SigV4, service sts)
 * and encodes it as Infisical's AWS login expects (reference §2.3).
 */
export function stsLoginFields(credentials: AwsCredentials, region: string, now: number): StsLoginFields {
  const host = `sts.${region}.amazonaws.com`;
  const signed = signV4(
    {
      method: "POST",
      url: `https://${host}/`,
      headers: {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        Host: host,
        "Content-Length": String(Buffer.byteLength(STS_BODY)),
      },
      body: STS_BODY,
    },
    credentials,
    { service: "sts", region, now, contentSha256Header: true },
  );
  return {
    iamHttpRequestMethod: "POST",
    iamRequestBody: Buffer.from(STS_BODY, "utf8").toString("base64"),
    iamRequestHeaders: Buffer.from(JSON.stringify(signed.headers), "utf8").toString("base64"),
  };
}

/**
 * AWS IAM login: POST /api/v1/auth/aws-auth/login with a signed sts:GetCallerIdentity. Signed again for every attempt.
 * The secret access key never leaves the runner; only the signature does.
 */
export async function loginAwsIam(http: HttpClient, options: LoginAwsIamOptions): Promise<AccessToken> {
  const identityId = options.identityId?.trim();
  const region = options.region?.trim() ?? "";
  const problems: string[] = [];
  if (!identityId) problems.push("the identity id is empty");
  if (!isAwsRegion(region)) problems.push(region === "" ? "the AWS region is empty" : `"${region}" is not an AWS region`);
  if (problems.length > 0 || identityId === undefined) {
    throw new SecretsActionError("AUTH", `AWS IAM auth: ${problems.join(" and ")}`, {
      hint: "set the identity id of a machine identity with AWS auth, and the region (e.g. us-east-1)",
    });
  }
  const now = options.now ?? Date.now;
  const credentials = async (): Promise<AwsCredentials> => {
    let value: AwsCredentials;
    try {
      value = typeof options.credentials === "function" ? await options.credentials() : options.credentials;
    } catch (error: unknown) {
      if (isSecretsActionError(error)) throw error;
      throw new SecretsActionError("AUTH", `AWS IAM auth: could not get AWS credentials: ${errorMessage(error)}`, {
        cause: error,
        hint: "give the runner AWS credentials (an instance role, or aws-actions/configure-aws-credentials)",
      });
    }
    if (!value.accessKeyId || !value.secretAccessKey) {
      throw new SecretsActionError("AUTH", "AWS IAM auth: the AWS access key id or secret access key is empty", {
        hint: "give the runner AWS credentials (an instance role, or aws-actions/configure-aws-credentials)",
      });
    }
    return value;
  };
  const response = await http.request<unknown>({
    method: "POST",
    path: AUTH_PATHS.awsIam,
    refreshBody: async () => {
      const json: Record<string, string> = { identityId, ...stsLoginFields(await credentials(), region, now()) };
      if (options.organizationSlug) json.organizationSlug = options.organizationSlug;
      if (options.subOrganizationName) json.subOrganizationName = options.subOrganizationName;
      return { json };
    },
    context: { identityId },
  });
  return parseAccessToken(response.body, now(), `POST ${AUTH_PATHS.awsIam}`);
}
