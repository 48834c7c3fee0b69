import { createHash, createHmac } from "node:crypto";

import { afterEach, describe, expect, it } from "vitest";

import type { DevServer } from "../server.js";
import { AWS_IDENTITY_ID, client, manualClock, startTestServer, type ErrorJson, type TokenJson } from "../test-support.js";
import { sigV4Signature } from "./sigv4.js";
import type { Seed } from "../seed.js";

const LOGIN = "/api/v1/auth/aws-auth/login";
const KEY = { accessKeyId: "AKIATESTEXAMPLE00001", secretAccessKey: "test/secret/access/key/EXAMPLE000000000000" };
const STS_BODY = "Action=GetCallerIdentity&Version=2011-06-15";

const seed = (overrides: Record<string, unknown> = {}): Seed => ({
  projects: [{ slug: "p" }],
  identities: [
    {
      id: AWS_IDENTITY_ID,
      name: "aws",
      projects: { p: "viewer" },
      awsAuth: {
        allowedAccountIds: "123456789012",
        allowedPrincipalArns: "arn:aws:iam::123456789012:role/ci-*",
        credentials: [{ ...KEY, arn: "arn:aws:sts::123456789012:assumed-role/ci-runner/session-1" }],
        ...overrides,
      },
    },
  ],
});

/**
 * An independent SigV4 signer for STS GetCallerIdentity, written the way the official action's AWS SDK signs
 * (not with the server's code): returns the login body the client sends.
 */
const signedLogin = (options: { now: number; region?: string; secret?: string; accessKeyId?: string; body?: string; dropHost?: boolean }) => {
  const region = options.region ?? "us-east-1";
  const body = options.body ?? STS_BODY;
  const host = `sts.${region}.amazonaws.com`;
  const amzDate = new Date(options.now).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(body)),
    Host: host,
    "X-Amz-Date": amzDate,
  };
  const names = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .filter((name) => !(options.dropHost && name === "host"))
    .sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const canonical = ["POST", "/", "", ...names.map((name) => `${name}:${lower[name]}`), "", names.join(";"), createHash("sha256").update(body).digest("hex")].join("\n");
  const scope = `${day}/${region}/sts/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonical).digest("hex")].join("\n");
  let key: Buffer = createHmac("sha256", `AWS4${options.secret ?? KEY.secretAccessKey}`).update(day).digest();
  for (const part of [region, "sts", "aws4_request"]) key = createHmac("sha256", key).update(part).digest();
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  headers["Authorization"] = `AWS4-HMAC-SHA256 Credential=${options.accessKeyId ?? KEY.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
  return {
    identityId: AWS_IDENTITY_ID,
    iamHttpRequestMethod: "POST",
    iamRequestBody: Buffer.from(body).toString("base64"),
    iamRequestHeaders: Buffer.from(JSON.stringify(headers)).toString("base64"),
  };
};

describe("SigV4", () => {
  it("matches the AWS SigV4 test suite's get-vanilla signature", () => {
    const signature = sigV4Signature({
      request: { method: "GET", path: "/", query: "", headers: { host: "example.amazonaws.com", "x-amz-date": "20150830T123600Z" }, body: "" },
      signedHeaders: ["host", "x-amz-date"],
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
      amzDate: "20150830T123600Z",
      region: "us-east-1",
      service: "service",
    });
    expect(signature).toBe("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  });
});

describe("AWS IAM auth login", () => {
  let server: DevServer;
  afterEach(async () => server.close());

  it("accepts a correctly signed GetCallerIdentity and returns a token", async () => {
    const clock = manualClock();
    server = await startTestServer({ now: clock.now, seed: seed() });
    const { status, body } = await client(server).post<TokenJson>(LOGIN, signedLogin({ now: clock.now() }));
    expect(status).toBe(200);
    expect(body).toMatchObject({ expiresIn: 2592000, tokenType: "Bearer" });
  });

  it("accepts any region the signature names", async () => {
    const clock = manualClock();
    server = await startTestServer({ now: clock.now, seed: seed() });
    expect((await client(server).post(LOGIN, signedLogin({ now: clock.now(), region: "eu-west-3" }))).status).toBe(200);
  });

  it.each([
    ["a wrong secret access key", { secret: "not-the-secret" }, "SignatureDoesNotMatch"],
    ["an unknown access key", { accessKeyId: "AKIAUNKNOWN000000000" }, "InvalidClientTokenId"],
    ["a signature more than 15 minutes old", { skewMs: -16 * 60_000 }, "SignatureDoesNotMatch"],
    ["an unsigned host header", { dropHost: true }, "SignatureDoesNotMatch"],
    ["another STS action", { body: "Action=AssumeRole&Version=2011-06-15" }, "InvalidAction"],
  ])("fails like the real server (500, STS refused) for %s", async (_name, change, code) => {
    const clock = manualClock();
    server = await startTestServer({ now: clock.now, seed: seed() });
    const { skewMs, ...options } = { skewMs: 0, ...change };
    const { status, body } = await client(server).post<ErrorJson>(LOGIN, signedLogin({ now: clock.now() + skewMs, ...options }));
    expect(status).toBe(500);
    expect(body).toMatchObject({ statusCode: 500, message: "Something went wrong", error: "InternalServerError" });
    expect(server.requests.list({ path: LOGIN })[0]?.note).toContain(`STS would reject: ${code}`);
  });

  it("answers 400 Invalid AWS region when the credential scope has none or a bad one", async () => {
    const clock = manualClock();
    server = await startTestServer({ now: clock.now, seed: seed() });
    const login = signedLogin({ now: clock.now(), region: "US_EAST_1" });
    const { status, body } = await client(server).post<ErrorJson>(LOGIN, login);
    expect(status).toBe(400);
    expect(body.message).toBe("Invalid AWS region");
  });

  it("refuses an account outside allowedAccountIds", async () => {
    const clock = manualClock();
    server = await startTestServer({ now: clock.now, seed: seed({ allowedAccountIds: "999999999999, 888888888888" }) });
    const { status, body } = await client(server).post<ErrorJson>(LOGIN, signedLogin({ now: clock.now() }));
    expect(status).toBe(401);
    expect(body.message).toBe("Access denied: AWS account ID not allowed.");
  });

  it("refuses a principal outside allowedPrincipalArns, naming the normalised ARN", async () => {
    const clock = manualClock();
    server = await startTestServer({ now: clock.now, seed: seed({ allowedPrincipalArns: "arn:aws:iam::123456789012:role/deploy" }) });
    const { status, body } = await client(server).post<ErrorJson>(LOGIN, signedLogin({ now: clock.now() }));
    expect(status).toBe(401);
    expect(body.message).toBe("Access denied: AWS principal ARN not allowed. [principal-arn=arn:aws:iam::123456789012:role/ci-runner]");
  });

  it("answers 404 for an identity without AWS auth", async () => {
    const clock = manualClock();
    server = await startTestServer({ now: clock.now });
    const { status, body } = await client(server).post<ErrorJson>(LOGIN, signedLogin({ now: clock.now() }));
    expect(status).toBe(404);
    expect(body.message).toBe("AWS auth method not found for identity, did you configure AWS auth?");
  });
});
