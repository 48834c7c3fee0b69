import { describe, expect, it } from "vitest";
import { createHttpClient, type InfisicalHttpClient } from "../http/client.js";
import { cleanupAfterEach, failure, sendJson, startServer, type TestServer } from "../http/test-helpers.js";
import { parseAccessToken } from "./access-token.js";
import { loginAwsIam, STS_BODY } from "./login-aws-iam.js";
import { loginOidc } from "./login-oidc.js";
import { loginUniversal } from "./login-universal.js";
import { signV4 } from "./sigv4.js";
import { useAccessToken } from "./use-access-token.js";

const cleanups = cleanupAfterEach();

const tokenBody = { accessToken: "at-1", expiresIn: 86400, accessTokenMaxTTL: 2592000, tokenType: "Bearer" };
const NOW = Date.UTC(2024, 9, 1, 12, 0, 0);

async function setup(handler: Parameters<typeof startServer>[0]): Promise<{ server: TestServer; http: InfisicalHttpClient }> {
  const server = await startServer(handler);
  const http = createHttpClient({ baseUrl: server.url, sleep: async () => {}, random: () => 0 });
  cleanups.push(() => server.close(), () => http.close());
  return { server, http };
}


describe("loginUniversal", () => {
  it("posts the client id and secret as JSON and returns the token with when it was obtained", async () => {
    const { server, http } = await setup((_hit, res) => sendJson(res, 200, tokenBody));
    const token = await loginUniversal(http, { clientId: "cid", clientSecret: "csecret", subOrganizationName: "team-a", now: () => NOW });
    expect(token).toEqual({ ...tokenBody, obtainedAt: NOW });
    const hit = server.hits[0];
    expect(hit?.method).toBe("POST");
    expect(hit?.url).toBe("/api/v1/auth/universal-auth/login");
    expect(hit?.headers["content-type"]).toBe("application/json");
    expect(hit?.headers.authorization).toBeUndefined();
    expect(JSON.parse(hit?.body ?? "")).toEqual({ clientId: "cid", clientSecret: "csecret", subOrganizationName: "team-a" });
  });

  it("posts form-encoded like the official action when asked", async () => {
    const { server, http } = await setup((_hit, res) => sendJson(res, 200, tokenBody));
    await loginUniversal(http, { clientId: "cid", clientSecret: "c+s/=&", organizationSlug: "acme", form: true });
    expect(server.hits[0]?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(server.hits[0]?.body))).toEqual({ clientId: "cid", clientSecret: "c+s/=&", organizationSlug: "acme" });
  });

  it("tries a rejected login exactly once", async () => {
    const { server, http } = await setup((_hit, res) => sendJson(res, 401, { statusCode: 401, message: "Invalid credentials", error: "UnauthorizedError" }));
    const error = await failure(loginUniversal(http, { clientId: "cid", clientSecret: "wrong" }));
    expect(server.hits).toHaveLength(1);
    expect(error.toLine()).toMatch(/^401 from POST \/api\/v1\/auth\/universal-auth\/login: Invalid credentials — check the client id and client secret/);
    expect(error.toLine()).not.toContain("wrong");
  });

  it("refuses empty credentials before any request, naming both", async () => {
    const { server, http } = await setup((_hit, res) => sendJson(res, 200, tokenBody));
    const error = await failure(loginUniversal(http, { clientId: " ", clientSecret: "" }));
    expect(error.code).toBe("AUTH");
    expect(error.message).toBe("universal auth: the client id is empty and the client secret is empty");
    expect(server.hits).toHaveLength(0);
  });
});

describe("loginOidc", () => {
  it("mints a fresh JWT for every attempt", async () => {
    const { server, http } = await setup((_hit, res) => (server.hits.length === 1 ? sendJson(res, 503, {}) : sendJson(res, 200, tokenBody)));
    let minted = 0;
    const token = await loginOidc(http, {
      identityId: "6b579c00",
      getJwt: async () => {
        minted += 1;
        return `jwt-${minted}`;
      },
    });
    expect(token.accessToken).toBe("at-1");
    expect(minted).toBe(2);
    expect(server.hits.map((hit) => JSON.parse(hit.body))).toEqual([
      { identityId: "6b579c00", jwt: "jwt-1" },
      { identityId: "6b579c00", jwt: "jwt-2" },
    ]);
  });

  it("explains a missing ID token without sending anything", async () => {
    const { server, http } = await setup((_hit, res) => sendJson(res, 200, tokenBody));
    const error = await failure(loginOidc(http, { identityId: "id", getJwt: () => Promise.reject(new Error("Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable")) }));
    expect(error.code).toBe("AUTH");
    expect(error.message).toBe("OIDC auth: could not get the CI's ID token: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable");
    expect(error.hint).toContain("permissions: id-token: write");
    expect(server.hits).toHaveLength(0);
    const empty = await failure(loginOidc(http, { identityId: "id", getJwt: async () => "  " }));
    expect(empty.message).toBe("OIDC auth: the CI gave an empty ID token");
  });

  it("turns the server's 500 'Find one' into 'check the identity id'", async () => {
    const { http } = await setup((_hit, res) => sendJson(res, 500, { statusCode: 500, message: "Something went wrong", error: "Find one" }));
    const error = await failure(loginOidc(http, { identityId: "no-such-id", getJwt: async () => "jwt" }));
    expect(error.hint).toBe('the server found no identity "no-such-id": check the identity id');
    expect(error.toLine()).not.toContain("jwt\"");
  });
});

describe("loginAwsIam", () => {
  const credentials = { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "FwoGZXIvYXdzEXAMPLE" };

  it("sends a signed sts:GetCallerIdentity the server can decode and replay", async () => {
    const { server, http } = await setup((_hit, res) => sendJson(res, 200, tokenBody));
    await loginAwsIam(http, { identityId: "aws-id", credentials, region: "eu-west-2", now: () => NOW });
    const body = JSON.parse(server.hits[0]?.body ?? "") as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(["iamHttpRequestMethod", "iamRequestBody", "iamRequestHeaders", "identityId"]);
    expect(body.identityId).toBe("aws-id");
    expect(body.iamHttpRequestMethod).toBe("POST");
    expect(Buffer.from(body.iamRequestBody ?? "", "base64").toString("utf8")).toBe("Action=GetCallerIdentity&Version=2011-06-15");

    // What the server does: base64 → JSON headers; region from the Authorization credential scope.
    const headers = JSON.parse(Buffer.from(body.iamRequestHeaders ?? "", "base64").toString("utf8")) as Record<string, string>;
    expect(Object.keys(headers)).toEqual(["Content-Type", "Host", "Content-Length", "X-Amz-Date", "X-Amz-Security-Token", "x-amz-content-sha256", "Authorization"]);
    expect(headers["Content-Type"]).toBe("application/x-www-form-urlencoded; charset=utf-8");
    expect(headers.Host).toBe("sts.eu-west-2.amazonaws.com");
    expect(headers["Content-Length"]).toBe(String(STS_BODY.length));
    expect(headers["X-Amz-Date"]).toBe("20241001T120000Z");
    expect(headers["X-Amz-Security-Token"]).toBe("FwoGZXIvYXdzEXAMPLE");
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\/sts\/aws4_request/.exec(headers.Authorization ?? "")?.[1];
    expect(region).toBe("eu-west-2");
    expect(headers.Authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE\/20241001\/eu-west-2\/sts\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    expect(JSON.stringify(body)).not.toContain(credentials.secretAccessKey);

    // STS recomputes the signature from exactly these headers and body: it must come out the same.
    const { Authorization, ...signedHeaders } = headers;
    const replayed = signV4(
      { method: "POST", url: "https://sts.eu-west-2.amazonaws.com/", headers: signedHeaders, body: STS_BODY },
      credentials,
      { service: "sts", region: "eu-west-2", now: NOW },
    );
    expect(replayed.authorization).toBe(Authorization);
  });

  it("signs again, with fresh credentials, for each attempt", async () => {
    const { server, http } = await setup((_hit, res) => (server.hits.length === 1 ? sendJson(res, 502, {}) : sendJson(res, 200, tokenBody)));
    let fetched = 0;
    let clock = NOW;
    await loginAwsIam(http, {
      identityId: "aws-id",
      region: "us-east-1",
      credentials: async () => {
        fetched += 1;
        return { accessKeyId: `AKID${fetched}`, secretAccessKey: "secret" };
      },
      now: () => (clock += 1000),
    });
    expect(fetched).toBe(2);
    const dates = server.hits.map((hit) => JSON.parse(Buffer.from(JSON.parse(hit.body).iamRequestHeaders, "base64").toString()) as Record<string, string>);
    expect(dates[0]?.Authorization).toContain("Credential=AKID1/");
    expect(dates[1]?.Authorization).toContain("Credential=AKID2/");
    expect(dates[0]?.["X-Amz-Security-Token"]).toBeUndefined();
  });

  it("checks the region and identity before any request", async () => {
    const { server, http } = await setup((_hit, res) => sendJson(res, 200, tokenBody));
    const error = await failure(loginAwsIam(http, { identityId: "", credentials, region: "EU West" }));
    expect(error.message).toBe('AWS IAM auth: the identity id is empty and "EU West" is not an AWS region');
    expect(server.hits).toHaveLength(0);
  });
});

describe("useAccessToken and parseAccessToken", () => {
  const jwt = (claims: object): string => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;

  it("takes the lifetime from the JWT's exp, refusing an expired token", () => {
    expect(useAccessToken(` ${jwt({ exp: NOW / 1000 + 3600 })}\n`, { now: () => NOW })).toEqual({
      accessToken: jwt({ exp: NOW / 1000 + 3600 }),
      expiresIn: 3600,
      accessTokenMaxTTL: 0,
      tokenType: "Bearer",
      obtainedAt: NOW,
    });
    expect(useAccessToken("opaque", { now: () => NOW }).expiresIn).toBe(0);
    expect(() => useAccessToken(jwt({ exp: NOW / 1000 - 1 }), { now: () => NOW })).toThrow(/expired at 2024-10-01T11:59:59.000Z/);
    expect(() => useAccessToken("")).toThrow(/the access token is empty/);
    expect(() => useAccessToken("Bearer abc")).toThrow(/contains whitespace/);
  });

  it("refuses an answer without a token", () => {
    expect(() => parseAccessToken({ message: "ok" }, NOW, "POST /x")).toThrow("POST /x: the answer has no access token");
    expect(parseAccessToken({ accessToken: "t" }, NOW, "POST /x")).toEqual({ accessToken: "t", expiresIn: 0, accessTokenMaxTTL: 0, tokenType: "Bearer", obtainedAt: NOW });
  });
});
