/**
 * Every hint of core's api-error-hint.ts (and the transport hints) that the dev server can make happen, asserted on
 * the exact line a user reads: the server's answer, ` — `, what to do. Each failure reaches the server once.
 */
import { describe, expect, it } from "vitest";
import { fetchSecrets, renewAccessToken } from "@secrets-action/core";
import { type MintOptions, startDevServer } from "@secrets-action/dev-server";
import { makeTestCertificates } from "../../packages/core/src/http/test-helpers.js";
import {
  AWS_IDENTITY_ID,
  AWS_KEYS,
  BROKEN_DISCOVERY_IDENTITY_ID,
  CI_IDENTITY_ID,
  CREDENTIALS,
  DEV_ROOT,
  GHA_IDENTITY_ID,
  SEED,
  SHOP_ID,
  asRecord,
  expectUserLine,
  failure,
  frontDoor,
  manualClock,
  startServer,
} from "./harness.js";

const V3_LIST = "/api/v3/secrets/raw";
const OIDC_LOGIN = "/api/v1/auth/oidc-auth/login";

describe("universal auth: what is wrong with the client secret", () => {
  it("a client secret past its usage limit", async () => {
    const server = await startServer();
    const door = frontDoor(server, { auth: { method: "universal", ...CREDENTIALS.usedUp } });
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
    const line = expectUserLine(error, "the client secret has reached its usage limit: create a new one (each run logs in once)");
    expect(line).toContain("401 from POST /api/v1/auth/universal-auth/login: Access denied due to client secret usage limit reached");
    expect(server.requests.count()).toBe(1);
  });

  it("an expired client secret", async () => {
    const clock = manualClock();
    const server = await startServer({ now: clock.now });
    clock.advance(61_000);
    const door = frontDoor(server, { auth: { method: "universal", ...CREDENTIALS.shortLived } });
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
    expectUserLine(error, "the client secret has expired: create a new client secret for the identity and update the CI secret that holds it");
    expect(server.requests.count()).toBe(1);
  });
});

describe("access tokens: expired, used up, revoked, malformed, foreign, missing", () => {
  it("a token that expired on the server's clock during the run", async () => {
    const clock = manualClock();
    const server = await startServer({ now: clock.now });
    const door = frontDoor(server);
    await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" });
    clock.advance(3_601_000);
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
    const line = expectUserLine(error, "the access token has expired: log in again, or raise the identity's access token TTL", door.tokens());
    expect(line).toContain("403 from GET /api/v4/secrets: Your token has expired. Please re-authenticate.");
  });

  it("a token whose use limit is spent", async () => {
    const server = await startServer();
    const door = frontDoor(server, { auth: { method: "universal", ...CREDENTIALS.oneUse } });
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev", paths: ["/", "/app"] }));
    expectUserLine(error, "the access token's use limit is reached: log in again, or raise the identity's token use limit", door.tokens());
    expect(server.requests.list({ path: "/api/v4/secrets" }).map((record) => record.status)).toEqual([200, 401]);
  });

  it("a token revoked by an earlier step, handed in as the token input", async () => {
    const server = await startServer();
    const first = frontDoor(server);
    const token = await first.session.token();
    await first.session.revoke();
    const door = frontDoor(server, { auth: { method: "token", accessToken: token } });
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
    const line = expectUserLine(error, `the access token was revoked or is unknown to ${server.url}: log in again`, [token]);
    expect(line).toContain("401 from GET /api/v4/secrets: No identity access token found");
  });

  it("a client secret pasted where the access token belongs", async () => {
    const server = await startServer();
    const door = frontDoor(server, { auth: { method: "token", accessToken: CREDENTIALS.ci.clientSecret } });
    const error = await failure(fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev" }));
    const line = expectUserLine(error, "the access token is malformed: pass a whole machine-identity access token (a JWT), not a client secret or a truncated value");
    expect(line).toContain("403 from GET /api/v3/secrets/raw: The provided access token is malformed.");
    expect(server.requests.count()).toBe(1);
  });

  it("a token issued by another Infisical server", async () => {
    const elsewhere = await startDevServer({ seed: SEED });
    const foreign = frontDoor(elsewhere);
    const token = await foreign.session.token();
    await elsewhere.close();
    const server = await startServer();
    const door = frontDoor(server, { auth: { method: "token", accessToken: token } });
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
    const line = expectUserLine(error, `the access token was not issued by ${server.url} (bad signature or algorithm): check the domain and the token`, [token]);
    expect(line).toContain("403 from GET /api/v4/secrets: invalid signature");
  });

  it("a request sent without a token", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const error = await failure(door.http.request({ method: "GET", path: V3_LIST, query: { workspaceSlug: "shop", environment: "dev" } }));
    const line = expectUserLine(error, "no access token was sent: log in first, or set the token");
    expect(line).toBe("401 from GET /api/v3/secrets/raw: Token missing — no access token was sent: log in first, or set the token");
  });

  it("a renew past the token's maximum lifetime", async () => {
    const clock = manualClock();
    const server = await startServer({ now: clock.now });
    const door = frontDoor(server, { auth: { method: "universal", ...CREDENTIALS.capped } });
    const token = await door.session.token();
    clock.advance(60_000);
    const error = await failure(renewAccessToken(door.http, token));
    const line = expectUserLine(error, "the access token reached its maximum lifetime and cannot be renewed: log in again", [token]);
    expect(line).toContain("401 from POST /api/v1/auth/token/renew: Failed to renew MI access token past its Max TTL expiration");
  });

  it("a renew of a token whose use limit is spent", async () => {
    const server = await startServer();
    const door = frontDoor(server, { auth: { method: "universal", ...CREDENTIALS.oneUse } });
    await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" });
    const token = door.session.current()?.accessToken ?? "";
    const error = await failure(renewAccessToken(door.http, token));
    const line = expectUserLine(error, "the access token's use limit is reached: log in again, or raise the identity's token use limit", [token]);
    expect(line).toContain("401 from POST /api/v1/auth/token/renew: Unable to renew because access token number of uses limit reached");
  });

  it("a renew that comes too late", async () => {
    const clock = manualClock();
    const server = await startServer({ now: clock.now });
    const door = frontDoor(server, { auth: { method: "universal", ...CREDENTIALS.renewing } });
    const token = await door.session.token();
    clock.advance(121_000);
    const error = await failure(renewAccessToken(door.http, token));
    const line = expectUserLine(error, "the access token has expired: log in again, or raise the identity's access token TTL", [token]);
    expect(line).toContain("403 from POST /api/v1/auth/token/renew: Your token has expired. Please re-authenticate.");
  });
});

describe("permissions", () => {
  it("a reference to a secret the identity may not read", async () => {
    const server = await startServer();
    const door = frontDoor(server, { auth: { method: "universal", ...CREDENTIALS.stagingOnly } });
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "staging", paths: ["/crossref"] }));
    const line = expectUserLine(
      error,
      `a secret in path "/crossref" in environment "staging" of project "${SHOP_ID}" references a secret the identity may not read (in another environment or folder): give the identity read access there, or turn off reference expansion`,
      door.tokens(),
    );
    expect(line).toContain("403 from GET /api/v4/secrets: Failed to expand one or more secret references");
    // With expansion off, the same identity reads the folder: the reference is the problem, not the folder.
    const raw = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "staging", paths: ["/crossref"], expandReferences: false });
    expect(asRecord(raw.secrets)).toEqual({ PROD_API: "${prod.API_URL}" });
  });
});

describe("OIDC: each way an ID token is refused", () => {
  const oidcLogin = async (jwt: string | (() => string), identityId = GHA_IDENTITY_ID) => {
    const server = await startServer();
    const door = frontDoor(server, {
      auth: { method: "oidc", identityId, getJwt: async () => (typeof jwt === "function" ? jwt() : jwt) },
    });
    return { server, door };
  };

  const cases: { name: string; mint: MintOptions; status: number; message: string; hint: string }[] = [
    {
      name: "the audience is not bound",
      mint: { preset: "github", audience: "https://github.com/someone-else" },
      status: 401,
      message: "Access denied: OIDC audience not allowed.",
      hint: "the token's audience is not one of the identity's bound audiences: set the audience option to one of them (GitHub's default audience is https://github.com/<owner>)",
    },
    {
      name: "the issuer differs",
      mint: { preset: "github", issuer: "https://token.actions.githubusercontent.com" },
      status: 401,
      message: "Access denied: jwt issuer invalid.",
      hint: "the token's issuer differs from the identity's bound issuer",
    },
    {
      name: "the token has expired",
      mint: { preset: "github", expired: true },
      status: 401,
      message: "Access denied: jwt expired",
      hint: "the CI's ID token had expired when it reached the server: request it just before the login, and check the runner's clock",
    },
    {
      name: "the subject is not bound",
      mint: { preset: "github", claims: { ref: "refs/tags/v1" } },
      status: 403,
      message: "Access denied: OIDC subject not allowed.",
      hint: "the job's subject claim does not match the identity's bound subject (GitHub: repo:<owner>/<repo>:ref:refs/heads/<branch>",
    },
    {
      name: "it is signed by a key the issuer does not publish (no kid)",
      mint: { preset: "github", signWithUnknownKey: true, kid: null },
      status: 401,
      message: "Access denied: Unable to verify JWT signature with any available signing key. invalid signature",
      hint: "the Infisical server could not check the token against the identity's discovery URL / JWKS: check the OIDC discovery URL configured on the identity",
    },
    {
      name: "its kid is not in the issuer's JWKS",
      mint: { preset: "github", kid: "rotated-away" },
      status: 401,
      message: "Access denied: Unable to verify JWT signature. The signing key 'rotated-away' was not found in the OIDC provider's JWKS endpoint.",
      hint: "the Infisical server could not check the token against the identity's discovery URL / JWKS",
    },
    {
      name: "its signature does not verify",
      mint: { preset: "github", signWithUnknownKey: true },
      status: 401,
      message: "Access denied: invalid signature",
      hint: `check the OIDC settings of identity "${GHA_IDENTITY_ID}" (issuer, audiences, subject, claims) against this job's ID token`,
    },
    {
      name: "it is not valid yet",
      mint: { preset: "github", notYetValid: true },
      status: 401,
      message: "Access denied: jwt not active",
      hint: `check the OIDC settings of identity "${GHA_IDENTITY_ID}" (issuer, audiences, subject, claims) against this job's ID token`,
    },
  ];

  for (const { name, mint, status, message, hint } of cases) {
    it(`${name}: ${status}, one login request, the JWT nowhere in the message`, async () => {
      const jwts: string[] = [];
      const { server, door } = await oidcLogin(() => {
        const jwt = server.oidc.mint(mint);
        jwts.push(jwt);
        return jwt;
      });
      const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
      const line = expectUserLine(error, hint, jwts);
      expect(line).toContain(`${status} from POST ${OIDC_LOGIN}: ${message}`);
      // One login request (the server's own discovery and JWKS fetches are the only other traffic).
      expect(server.requests.list({ path: OIDC_LOGIN }).map((record) => record.status)).toEqual([status]);
      expect(server.requests.list().every((record) => record.path === OIDC_LOGIN || record.path.startsWith("/__oidc/"))).toBe(true);
    });
  }

  it("a bound claim does not match (another repository under the same owner and subject pattern)", async () => {
    const { server, door } = await oidcLogin(() => server.oidc.mint({ preset: "github", claims: { repository: "octo-org/other" }, subject: "repo:octo-org/app:ref:refs/heads/main" }));
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
    const line = expectUserLine(error, "the token's claims do not match the identity's bound claims: compare them with this job's ID token");
    expect(line).toContain(`401 from POST ${OIDC_LOGIN}: Access denied: OIDC claim not allowed.`);
  });

  it("what was sent is not a JWT", async () => {
    const { server, door } = await oidcLogin("not-a-jwt");
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
    const line = expectUserLine(error, "what was sent as the ID token is not a JWT: check that the job requests an ID token (GitHub: `permissions: id-token: write`)");
    expect(line).toContain(`401 from POST ${OIDC_LOGIN}: Invalid JWT`);
    expect(server.requests.count({ path: OIDC_LOGIN })).toBe(1);
  });

  it("the identity's discovery URL cannot be fetched by the server", async () => {
    const server = await startServer();
    const door = frontDoor(server, { auth: { method: "oidc", identityId: BROKEN_DISCOVERY_IDENTITY_ID, getJwt: async () => server.oidc.mint({ preset: "github" }) } });
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
    const line = expectUserLine(error, "the Infisical server could not check the token against the identity's discovery URL / JWKS: check the OIDC discovery URL configured on the identity");
    expect(line).toContain(`401 from POST ${OIDC_LOGIN}: Access denied: Failed to fetch OIDC discovery document from http://127.0.0.1:9/oidc.`);
  });

  it("the identity has no OIDC auth (a universal-auth identity's id)", async () => {
    const { server, door } = await oidcLogin(() => server.oidc.mint({ preset: "github" }), CI_IDENTITY_ID);
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
    const line = expectUserLine(error, `the identity "${CI_IDENTITY_ID}" has no OIDC auth configured: add it to the identity, or check the identity id`);
    expect(line).toContain(`404 from POST ${OIDC_LOGIN}: OIDC auth method not found for identity, did you configure OIDC auth?`);
  });

  it("an identity id that is not a UUID: the server's 500 'Find one' is not retried and points at the id", async () => {
    const { server, door } = await oidcLogin(() => server.oidc.mint({ preset: "github" }), "gha-identity");
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
    const line = expectUserLine(error, `the server found no identity "gha-identity": check the identity id`);
    expect(line).toContain(`500 from POST ${OIDC_LOGIN}: Something went wrong`);
    expect(server.requests.list().map((record) => record.status)).toEqual([500]);
  });
});

describe("AWS IAM: the runner's principal is not allowed", () => {
  const awsLogin = async (credentials: { accessKeyId: string; secretAccessKey: string }) => {
    const server = await startServer();
    const door = frontDoor(server, { auth: { method: "aws-iam", identityId: AWS_IDENTITY_ID, region: "eu-west-1", credentials } });
    return { server, door, run: () => fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }) };
  };

  it("the allowed role logs in and reads", async () => {
    const { run } = await awsLogin(AWS_KEYS.allowed);
    expect(asRecord((await run()).secrets)).toEqual(DEV_ROOT);
  });

  it("another AWS account", async () => {
    const { server, run } = await awsLogin(AWS_KEYS.otherAccount);
    const error = await failure(run());
    const line = expectUserLine(error, "the AWS account of the runner's credentials is not in the identity's allowed account IDs");
    expect(line).toContain("401 from POST /api/v1/auth/aws-auth/login: Access denied: AWS account ID not allowed.");
    expect(server.requests.count()).toBe(1);
  });

  it("a wrong secret key: STS refuses the signature, the server answers 500, and the hint points at the credentials", async () => {
    const wrongKey = "aws-secret-mistyped-0000aa";
    const { server, run } = await awsLogin({ accessKeyId: AWS_KEYS.allowed.accessKeyId, secretAccessKey: wrongKey });
    const error = await failure(run());
    const line = expectUserLine(error, "the server could not verify the signed AWS request: STS refused it, or the server failed", [wrongKey]);
    expect(line).toContain("500 from POST /api/v1/auth/aws-auth/login: Something went wrong");
    expect(error.hint).toContain("check the runner's AWS credentials (secret key, session token) and its clock");
    // A 500 without Retry-After is not retried.
    expect(server.requests.list().map((record) => record.note)).toEqual(["STS would reject: SignatureDoesNotMatch (the signature does not match the request and the secret access key)"]);
  });

  it("a role outside the allowed principal ARNs", async () => {
    const { server, run } = await awsLogin(AWS_KEYS.wrongRole);
    const error = await failure(run());
    const line = expectUserLine(error, "the runner's AWS role or user is not in the identity's allowed principal ARNs");
    expect(line).toContain("Access denied: AWS principal ARN not allowed. [principal-arn=arn:aws:iam::123456789012:role/admin]");
    expect(server.requests.count()).toBe(1);
  });
});

describe("servers and domains that are not what the run expects", () => {
  it("a server without the v4 routes, when v4 is required", async () => {
    const server = await startServer({ v4: false });
    const door = frontDoor(server, { secrets: { apiVersion: "v4" } });
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
    const line = expectUserLine(error, `the server has no such endpoint: it may be older than this feature needs, or ${server.url} is not the Infisical API`);
    expect(line).toMatch(/^404 from GET \/api\/v4\/secrets: Route GET:\/api\/v4\/secrets\?projectId=.* not found — /);
    expect(server.requests.count({ path: "/api/v4/secrets" })).toBe(1);
  });

  it("a late-2024 server's 500 for an unknown project slug is not retried and suggests the project", async () => {
    const server = await startServer({ v4: false });
    const door = frontDoor(server);
    const error = await failure(fetchSecrets(door.secrets, { projectSlug: "shopp", environment: "dev" }));
    const line = expectUserLine(error, `some server versions answer 500 for an unknown project, so check the project "shopp" too`);
    expect(line).toMatch(/^500 from GET \/api\/v3\/secrets\/raw: Something went wrong — the server failed: try again later/);
    expect(server.requests.list({ path: V3_LIST }).map((record) => record.status)).toEqual([500]);
  });

  it("a plain 500 is not retried and gives the request id to quote", async () => {
    const server = await startServer();
    server.faults.add({ method: "GET", path: V3_LIST, status: 500 });
    const door = frontDoor(server);
    const error = await failure(fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev" }));
    const line = expectUserLine(error, /^the server failed \(request id req-[0-9a-f]+\): try again later; if it persists, give the request id and time to your Infisical administrator or support/);
    expect(line).toContain("500 from GET /api/v3/secrets/raw: Injected fault: Internal Server Error");
    expect(server.requests.count({ path: V3_LIST })).toBe(1);
  });

  it("a redirect (http:// to https://, or a moved server)", async () => {
    const server = await startServer();
    server.faults.add({ method: "POST", path: "/api/v1/auth/universal-auth/login", status: 301, headers: { location: "https://infisical.example.com/api/v1/auth/universal-auth/login" } });
    const door = frontDoor(server);
    const error = await failure(fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev" }));
    expectUserLine(error, "the server redirects to https://infisical.example.com/api/v1/auth/universal-auth/login: set the domain to that server (https:// rather than http://?)");
    expect(server.requests.count()).toBe(1);
  });

  it("an HTML error page instead of the API's JSON", async () => {
    const server = await startServer();
    server.faults.add({ method: "GET", path: V3_LIST, status: 404, action: "not-json" });
    const door = frontDoor(server);
    const error = await failure(fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev" }));
    expectUserLine(error, `the answer did not come from the Infisical API: check that the domain ${server.url} is the Infisical server`);
    expect(server.requests.count({ path: V3_LIST })).toBe(1);
  });

  it("a web page answering 200 where JSON was expected", async () => {
    const server = await startServer();
    server.faults.add({ method: "GET", path: V3_LIST, status: 200, action: "not-json" });
    const door = frontDoor(server);
    const error = await failure(fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev" }));
    expect(error.code).toBe("PROTOCOL");
    const line = expectUserLine(error, `the domain ${server.url} seems to point at a web page or a proxy, not the Infisical API`);
    expect(line).toContain("GET /api/v3/secrets/raw: 200 answer from");
    expect(line).toContain("is text/html, not JSON");
    expect(server.requests.count({ path: V3_LIST })).toBe(1);
  });

  it("an API key header left in the extra headers", async () => {
    const server = await startServer();
    const door = frontDoor(server, { http: { extraHeaders: { "X-Api-Key": "legacy-api-key-77aa" } } });
    const error = await failure(fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev" }));
    const line = expectUserLine(error, "API keys are gone: use a machine identity (universal auth, OIDC or AWS IAM)", ["legacy-api-key-77aa"]);
    expect(line).toContain("400 from GET /api/v3/secrets/raw: API key authentication is not supported anymore.");
  });

  it("a rate limit that does not lift within the attempts allowed", async () => {
    const clock = manualClock();
    const server = await startServer({ now: clock.now, rateLimit: { secrets: 1 } });
    // The waits are taken but the window never moves: every retry is refused again.
    const door = frontDoor(server, { http: { maxAttempts: 2 } });
    const error = await failure(fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev", paths: ["/", "/app"] }));
    const line = expectUserLine(
      error,
      "the server's rate limit was reached (it asked to wait 60 s); the budget is per client IP per minute, so runners behind one NAT share it: run fewer jobs at once or fetch less often; gave up after 2 attempts",
    );
    expect(line).toContain("429 from GET /api/v3/secrets/raw: Rate limit exceeded. Please try again in 60 seconds");
    expect(server.requests.list({ path: V3_LIST }).map((record) => record.status)).toEqual([200, 429, 429]);
  });
});

describe("TLS: a server with a private CA", () => {
  it("is refused without the CA, with a hint to pass it, and read with it", async () => {
    const certs = await makeTestCertificates();
    const server = await startServer({ tls: certs.server });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const untrusted = frontDoor(server, { http: { maxAttempts: 3 } });
    const error = await failure(fetchSecrets(untrusted.secrets, { projectSlug: "shop", environment: "dev" }));
    expect(error.code).toBe("NETWORK");
    const line = expectUserLine(error, "it is self-signed or signed by a private CA: pass that CA's PEM certificate in the CA option (or set NODE_EXTRA_CA_CERTS)");
    expect(line).toContain("the TLS certificate of 127.0.0.1");
    // Not retried: a certificate does not become trusted by asking again. The server never saw a request.
    expect(untrusted.http.stats.attempts).toBe(1);
    expect(server.requests.count()).toBe(0);

    const trusted = frontDoor(server, { http: { caCertPem: certs.caPem } });
    const result = await fetchSecrets(trusted.secrets, { projectSlug: "shop", environment: "dev" });
    expect(asRecord(result.secrets)).toEqual(DEV_ROOT);
  });

  it("a certificate for another name, with the CA trusted, names the mismatch", async () => {
    const certs = await makeTestCertificates();
    const server = await startServer({ tls: certs.wrongName });
    const door = frontDoor(server, { http: { caCertPem: certs.caPem } });
    const error = await failure(fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev" }));
    const line = expectUserLine(error, `use the domain the certificate was issued for, instead of ${server.url}`);
    expect(line).toContain("the TLS certificate of 127.0.0.1");
    expect(line).toContain("does not name that host (ERR_TLS_CERT_ALTNAME_INVALID)");
    expect(door.http.stats.attempts).toBe(1);
  });

  it("https:// to a plain-HTTP server suggests http://", async () => {
    const server = await startServer();
    const door = frontDoor({ ...server, url: server.url.replace("http:", "https:") });
    const error = await failure(fetchSecrets(door.secrets, { projectSlug: "shop", environment: "dev" }));
    const line = expectUserLine(error, `that port speaks plain HTTP: did you mean ${server.url}?`);
    expect(line).toContain("did not answer with TLS");
    expect(door.http.stats.attempts).toBe(1);
  });
});
