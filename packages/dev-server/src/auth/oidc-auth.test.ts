import { afterEach, describe, expect, it } from "vitest";

import { decodeJwt } from "../jwt.js";
import type { DevServer } from "../server.js";
import { client, manualClock, OIDC_IDENTITY_ID, PROJECT_ID, query, startTestServer, type ErrorJson, type ListJson, type TokenJson } from "../test-support.js";
import { startDevServer } from "../server.js";

const LOGIN = "/api/v1/auth/oidc-auth/login";
const GITHUB = { preset: "github" as const, claims: { repository: "octo-org/app", ref: "refs/heads/main" } };

describe("OIDC auth login", () => {
  let server: DevServer;
  const extra: DevServer[] = [];
  afterEach(async () => {
    await server.close();
    await Promise.all(extra.splice(0).map((other) => other.close()));
  });

  const login = (jwt: string, identityId = OIDC_IDENTITY_ID) => client(server).post<ErrorJson & TokenJson>(LOGIN, { identityId, jwt });

  it("logs in with a token of the built-in issuer, fetching discovery and JWKS over HTTP", async () => {
    server = await startTestServer();
    const { status, body } = await login(server.oidc.mint(GITHUB));
    expect(status).toBe(200);
    expect(body).toEqual({ accessToken: expect.any(String), expiresIn: 600, accessTokenMaxTTL: 1200, tokenType: "Bearer" });
    expect(server.requests.list().map((r) => r.path)).toEqual(["/__oidc/.well-known/openid-configuration", "/__oidc/jwks", LOGIN]);
    const list = await client(server).get<ListJson>(`/api/v4/secrets${query({ projectId: PROJECT_ID, environment: "dev" })}`, body.accessToken);
    expect(list.status).toBe(200);
    expect(decodeJwt(body.accessToken)?.payload).toMatchObject({ identityId: OIDC_IDENTITY_ID, identityAuth: { oidc: { claims: {} } } });
  });

  it("verifies a token without kid against every key", async () => {
    server = await startTestServer();
    expect((await login(server.oidc.mint({ ...GITHUB, kid: null }))).status).toBe(200);
  });

  it("answers 500 Find one for an id that is not a UUID, 404 for an identity without OIDC", async () => {
    server = await startTestServer();
    const unknown = await login(server.oidc.mint(GITHUB), "not-an-identity");
    expect(unknown.status).toBe(500);
    expect(unknown.body).toEqual({ statusCode: 500, message: "Something went wrong", error: "Find one" });
    const noConfig = await login(server.oidc.mint(GITHUB), server.store.identityByName("member")?.id ?? "");
    expect(noConfig.status).toBe(404);
    expect(noConfig.body.message).toBe("OIDC auth method not found for identity, did you configure OIDC auth?");
  });

  it("reports a discovery document that cannot be fetched", async () => {
    server = await startTestServer();
    server.faults.add({ path: "/__oidc/.well-known/openid-configuration", status: 503 });
    const { status, body } = await login(server.oidc.mint(GITHUB));
    expect(status).toBe(401);
    expect(body.message).toBe(`Access denied: Failed to fetch OIDC discovery document from ${server.url}/__oidc. Request failed with status code 503`);
  });

  it("reports a discovery document without jwks_uri", async () => {
    server = await startTestServer();
    server.faults.add({ path: "/__oidc/.well-known/openid-configuration", status: 200, body: { issuer: "x" } });
    const { body } = await login(server.oidc.mint(GITHUB));
    expect(body.message).toBe("Access denied: OIDC discovery document does not contain a jwks_uri. The identity provider may be misconfigured.");
  });

  it("can use another server's issuer as the discovery URL", async () => {
    const issuer = await startDevServer();
    extra.push(issuer);
    server = await startTestServer({
      seed: {
        projects: [{ slug: "p" }],
        identities: [{ id: OIDC_IDENTITY_ID, name: "ext", projects: { p: "viewer" }, oidcAuth: { oidcDiscoveryUrl: `${issuer.url}/__oidc`, boundIssuer: `${issuer.url}/__oidc` } }],
      },
    });
    expect((await login(issuer.oidc.mint({ subject: "anything" }))).status).toBe(200);
    expect((await login(server.oidc.mint({ subject: "anything", issuer: `${issuer.url}/__oidc` }))).body.message).toMatch(/^Access denied: Unable to verify JWT signature\. The signing key '.+' was not found/);
  });

  it.each([
    ["not a JWT at all", () => "nope", 401, "Invalid JWT"],
    ["an unknown kid", (s: DevServer) => s.oidc.mint({ ...GITHUB, kid: "rotated-away" }), 401, "Access denied: Unable to verify JWT signature. The signing key 'rotated-away' was not found in the OIDC provider's JWKS endpoint. This may indicate an invalid token or misconfigured OIDC provider."],
    ["a key the JWKS does not publish", (s: DevServer) => s.oidc.mint({ ...GITHUB, signWithUnknownKey: true }), 401, "Access denied: invalid signature"],
    ["an expired token", (s: DevServer) => s.oidc.mint({ ...GITHUB, expired: true }), 401, "Access denied: jwt expired"],
    ["a token not valid yet", (s: DevServer) => s.oidc.mint({ ...GITHUB, notYetValid: true }), 401, "Access denied: jwt not active"],
    ["another issuer", (s: DevServer) => s.oidc.mint({ ...GITHUB, issuer: "https://token.actions.githubusercontent.com" }), 401, "Access denied: jwt issuer invalid. expected: {{url}}/__oidc"],
    ["a subject outside boundSubject", (s: DevServer) => s.oidc.mint({ ...GITHUB, claims: { ...GITHUB.claims, ref: "refs/tags/v1" } }), 403, "Access denied: OIDC subject not allowed."],
    ["an audience outside boundAudiences", (s: DevServer) => s.oidc.mint({ ...GITHUB, audience: "https://github.com/evil-org" }), 401, "Access denied: OIDC audience not allowed."],
    ["a claim outside boundClaims", (s: DevServer) => s.oidc.mint({ ...GITHUB, claims: { ...GITHUB.claims, event_name: "pull_request_target" } }), 401, "Access denied: OIDC claim not allowed."],
  ])("refuses %s", async (_name, mint, status, message) => {
    server = await startTestServer();
    const response = await login(mint(server));
    expect(response.status).toBe(status);
    expect(response.body.message).toBe(message.replace("{{url}}", server.url));
  });

  it("refuses a token without a bound claim, and accepts an array audience or a glob", async () => {
    server = await startTestServer({
      seed: {
        projects: [{ slug: "p" }],
        identities: [
          {
            id: OIDC_IDENTITY_ID,
            name: "gl",
            projects: { p: "viewer" },
            oidcAuth: { oidcDiscoveryUrl: "{{self}}/__oidc", boundIssuer: "{{self}}/__oidc", boundAudiences: "aud-*", boundClaims: { "namespace_path": "group" } },
          },
        ],
      },
    });
    expect((await login(server.oidc.mint({ audience: ["other", "aud-1"], claims: {} }))).body.message).toBe("Access denied: token has no namespace_path field");
    expect((await login(server.oidc.mint({ preset: "gitlab", audience: ["other", "aud-1"] }))).status).toBe(200);
  });

  it("mints against the injected clock, so expiry is testable without waiting", async () => {
    const clock = manualClock();
    server = await startTestServer({ now: clock.now });
    const jwt = server.oidc.mint({ ...GITHUB, ttlSeconds: 60 });
    clock.advance(61_000);
    expect((await login(jwt)).body.message).toBe("Access denied: jwt expired");
  });

  it("serves a GitHub-shaped token endpoint like ACTIONS_ID_TOKEN_REQUEST_URL", async () => {
    server = await startTestServer();
    const api = client(server);
    // What @actions/core getIDToken(aud) requests: the URL with &audience= appended, the request token as Bearer.
    const url = `/__oidc/github/token?api-version=2.0&audience=${encodeURIComponent("sts.amazonaws.com")}`;
    const ok = await api.send<{ value: string }>("GET", url, { token: "dev-request-token" });
    expect(ok.status).toBe(200);
    expect(decodeJwt(ok.body.value)?.payload).toMatchObject({ aud: "sts.amazonaws.com", repository: "octo-org/app", sub: "repo:octo-org/app:ref:refs/heads/main" });
    expect((await login(ok.body.value)).status).toBe(200);
    const noAudience = await api.send<{ value: string }>("GET", "/__oidc/github/token?api-version=2.0", { token: "dev-request-token" });
    expect(decodeJwt(noAudience.body.value)?.payload["aud"]).toBe("https://github.com/octo-org");
    expect((await api.send("GET", url, { token: "wrong" })).status).toBe(401);
  });

  it("mints over HTTP for out-of-process tests, with CircleCI and GitLab presets", async () => {
    server = await startTestServer();
    const api = client(server);
    const circle = await api.post<{ token: string }>("/__dev/oidc/mint", { preset: "circleci", claims: { "oidc.circleci.com/org-id": "org-1" } });
    expect(decodeJwt(circle.body.token)?.payload).toMatchObject({
      iss: `${server.url}/__oidc/org/org-1`,
      aud: "org-1",
      sub: expect.stringMatching(/^org\/org-1\/project\/[^/]+\/user\/[^/]+$/),
    });
    const discovery = await api.get<{ issuer: string; jwks_uri: string }>("/__oidc/org/org-1/.well-known/openid-configuration");
    expect(discovery.body).toMatchObject({ issuer: `${server.url}/__oidc/org/org-1`, jwks_uri: `${server.url}/__oidc/jwks` });
    const gitlab = await api.post<{ token: string }>("/__dev/oidc/mint", { preset: "gitlab", claims: { project_path: "g/p", ref: "dev" } });
    expect(decodeJwt(gitlab.body.token)?.payload["sub"]).toBe("project_path:g/p:ref_type:branch:ref:dev");
    const bad = await api.post<ErrorJson>("/__dev/oidc/mint", { preset: "jenkins", ttlSeconds: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe("oidc mint: preset must be github, gitlab or circleci; ttlSeconds must be a number > 0.");
  });
});
