import { afterEach, describe, expect, it } from "vitest";

import { signJwt } from "../jwt.js";
import type { DevServer } from "../server.js";
import { client, manualClock, MEMBER, PROJECT_ID, query, startTestServer, type ErrorJson, type TokenJson } from "../test-support.js";

const LIST = `/api/v4/secrets${query({ projectId: PROJECT_ID, environment: "dev" })}`;
const RENEW = "/api/v1/auth/token/renew";
const REVOKE = "/api/v1/auth/token/revoke";

describe("access tokens", () => {
  let server: DevServer;
  afterEach(async () => server.close());

  it("answers 401 Token missing without an Authorization header", async () => {
    server = await startTestServer();
    const { status, body } = await client(server).get<ErrorJson>(LIST);
    expect(status).toBe(401);
    expect(body).toMatchObject({ statusCode: 401, message: "Token missing", error: "UnauthorizedError" });
  });

  it("answers 403 TokenError for malformed, badly signed and wrongly signed tokens", async () => {
    server = await startTestServer();
    const api = client(server);
    expect((await api.get<ErrorJson>(LIST, "not-a-jwt")).body).toMatchObject({
      statusCode: 403,
      error: "TokenError",
      message: "The provided access token is malformed. Please use a valid token or generate a new one and try again.",
    });
    const forged = signJwt({ authTokenType: "identityAccessToken" }, "some-other-secret", { algorithm: "HS256", now: Date.now() });
    expect((await api.get<ErrorJson>(LIST, forged)).body).toMatchObject({ statusCode: 403, error: "TokenError", message: "invalid signature" });
  });

  it("refuses the x-api-key header with the real server's 400", async () => {
    server = await startTestServer();
    const { status, body } = await client(server).send<ErrorJson>("GET", LIST, { headers: { "x-api-key": "k" } });
    expect(status).toBe(400);
    expect(body.message).toBe("API key authentication is not supported anymore. Please switch to identity authentication.");
  });

  it("expires tokens after their TTL: 403 Your token has expired", async () => {
    const clock = manualClock();
    server = await startTestServer({ now: clock.now });
    const api = client(server);
    const token = await api.login(MEMBER);
    expect((await api.get(LIST, token)).status).toBe(200);
    clock.advance(3600 * 1000);
    const expired = await api.get<ErrorJson>(LIST, token);
    expect(expired.status).toBe(403);
    expect(expired.body).toMatchObject({ error: "TokenError", message: "Your token has expired. Please re-authenticate." });
  });

  it("renews into a NEW token, counted from now, and the new token works", async () => {
    const clock = manualClock();
    server = await startTestServer({ now: clock.now });
    const api = client(server);
    const token = await api.login(MEMBER);
    clock.advance(1800 * 1000);
    const renewed = await api.post<TokenJson>(RENEW, { accessToken: token });
    expect(renewed.status).toBe(200);
    expect(renewed.body).toEqual({ accessToken: expect.any(String), expiresIn: 3600, accessTokenMaxTTL: 7200, tokenType: "Bearer" });
    expect(renewed.body.accessToken).not.toBe(token);
    clock.advance(3000 * 1000); // the original would have expired; the renewed one has not
    expect((await api.get(LIST, renewed.body.accessToken)).status).toBe(200);
  });

  it("refuses to renew past the max TTL", async () => {
    const clock = manualClock();
    server = await startTestServer({ now: clock.now });
    const api = client(server);
    const token = await api.login(MEMBER);
    clock.advance(3599 * 1000);
    const renewed = await api.post<TokenJson>(RENEW, { accessToken: token });
    expect(renewed.status).toBe(200);
    clock.advance(3599 * 1000);
    const refused = await api.post<ErrorJson>(RENEW, { accessToken: renewed.body.accessToken });
    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe("Failed to renew MI access token past its Max TTL expiration");
  });

  it("revokes: the token then answers 401, and a second revoke too", async () => {
    server = await startTestServer();
    const api = client(server);
    const token = await api.login(MEMBER);
    const revoked = await api.post(REVOKE, { accessToken: token });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ message: "Successfully revoked access token" });
    const after = await api.get<ErrorJson>(LIST, token);
    expect(after.status).toBe(401);
    expect(after.body.message).toBe("No identity access token found");
    expect((await api.post<ErrorJson>(REVOKE, { accessToken: token })).status).toBe(401);
    expect((await api.post<ErrorJson>(RENEW, { accessToken: token })).body.message).toBe("No identity access token found");
  });

  it("answers 403 TokenError when revoking a malformed token (§9)", async () => {
    server = await startTestServer();
    const { status, body } = await client(server).post<ErrorJson>(REVOKE, { accessToken: "garbage" });
    expect(status).toBe(403);
    expect(body.message).toBe("The provided access token is malformed. Please use a valid token or generate a new one and try again.");
  });

  it("stops a token at its use limit", async () => {
    server = await startTestServer({
      seed: {
        projects: [{ slug: "p", id: PROJECT_ID }],
        identities: [{ name: "limited", projects: { p: "viewer" }, universalAuth: { clientId: "l", clientSecrets: ["limited-secret"], accessTokenNumUsesLimit: 2 } }],
      },
    });
    const api = client(server);
    const token = await api.login({ clientId: "l", clientSecret: "limited-secret" });
    expect((await api.get(LIST, token)).status).toBe(200);
    expect((await api.get(LIST, token)).status).toBe(200);
    const third = await api.get<ErrorJson>(LIST, token);
    expect(third.status).toBe(401);
    expect(third.body.message).toBe("Unable to renew because access token number of uses limit reached");
  });

  it("keeps issued tokens in the store for inspection", async () => {
    server = await startTestServer();
    const token = await client(server).login(MEMBER);
    expect(token).toBeTruthy();
    const [record] = [...server.store.tokens.values()];
    expect(record).toMatchObject({ authMethod: "universal-auth", ttl: 3600, maxTTL: 7200, revoked: false, numUses: 0 });
  });
});
