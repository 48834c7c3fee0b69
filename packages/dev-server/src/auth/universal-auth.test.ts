import { afterEach, describe, expect, it } from "vitest";

import type { DevServer } from "../server.js";
import { client, manualClock, MEMBER, startTestServer, type ErrorJson, type TokenJson } from "../test-support.js";
import { decodeJwt } from "../jwt.js";

const LOGIN = "/api/v1/auth/universal-auth/login";

describe("universal auth login", () => {
  let server: DevServer;
  afterEach(async () => server.close());

  it("accepts JSON and returns an HS256 identity token with the configured TTLs", async () => {
    server = await startTestServer();
    const api = client(server);
    const { status, body } = await api.post<TokenJson>(LOGIN, MEMBER);
    expect(status).toBe(200);
    expect(body).toEqual({ accessToken: expect.any(String), expiresIn: 3600, accessTokenMaxTTL: 7200, tokenType: "Bearer" });
    const decoded = decodeJwt(body.accessToken);
    expect(decoded?.header.alg).toBe("HS256");
    expect(decoded?.payload).toMatchObject({
      identityId: server.store.identityByName("member")?.id,
      clientSecretId: expect.any(String),
      identityAccessTokenId: expect.any(String),
      authTokenType: "identityAccessToken",
    });
    expect((decoded?.payload["exp"] as number) - (decoded?.payload["iat"] as number)).toBe(3600);
  });

  it("accepts application/x-www-form-urlencoded, as the official action posts", async () => {
    server = await startTestServer();
    const { status, body } = await client(server).send<TokenJson>("POST", LOGIN, { form: MEMBER });
    expect(status).toBe(200);
    expect(body.tokenType).toBe("Bearer");
  });

  it("answers 401 Invalid credentials for an unknown client id or a wrong secret", async () => {
    server = await startTestServer();
    const api = client(server);
    const unknown = await api.post<ErrorJson>(LOGIN, { clientId: "nope", clientSecret: "x" });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ reqId: expect.stringMatching(/^req-/), statusCode: 401, message: "Invalid credentials", error: "UnauthorizedError" });
    const wrong = await api.post<ErrorJson>(LOGIN, { clientId: MEMBER.clientId, clientSecret: "wrong" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toBe("Invalid credentials");
  });

  it("answers 422 with zod issues when a field is missing", async () => {
    server = await startTestServer();
    const { status, body } = await client(server).post<ErrorJson>(LOGIN, { clientId: MEMBER.clientId });
    expect(status).toBe(422);
    expect(body.error).toBe("ValidationFailure");
    expect(body.message).toEqual([{ code: "invalid_type", expected: "string", received: "undefined", path: ["clientSecret"], message: "Required" }]);
  });

  it("locks the client id for 300 s after 3 failures within 30 s, even for the right secret", async () => {
    const clock = manualClock();
    server = await startTestServer({ now: clock.now });
    const api = client(server);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const failed = await api.post<ErrorJson>(LOGIN, { clientId: MEMBER.clientId, clientSecret: "wrong" });
      expect(failed.body.message).toBe("Invalid credentials");
      clock.advance(5_000);
    }
    const locked = await api.post<ErrorJson>(LOGIN, MEMBER);
    expect(locked.status).toBe(401);
    expect(locked.body.message).toBe("This identity auth method is temporarily locked, please try again later");
    clock.advance(290_000); // 295 s after the lock began
    expect((await api.post<ErrorJson>(LOGIN, MEMBER)).body.message).toBe("This identity auth method is temporarily locked, please try again later");
    clock.advance(10_000);
    expect((await api.post(LOGIN, MEMBER)).status).toBe(200);
    expect(server.requests.list({ path: LOGIN, status: 401 })[0]?.note).toBe("wrong client secret (1 of 3)");
  });

  it("forgets failures older than 30 s and resets the counter on success", async () => {
    const clock = manualClock();
    server = await startTestServer({ now: clock.now });
    const api = client(server);
    await api.post(LOGIN, { clientId: MEMBER.clientId, clientSecret: "wrong" });
    await api.post(LOGIN, { clientId: MEMBER.clientId, clientSecret: "wrong" });
    clock.advance(31_000);
    await api.post(LOGIN, { clientId: MEMBER.clientId, clientSecret: "wrong" });
    await api.post(LOGIN, { clientId: MEMBER.clientId, clientSecret: "wrong" });
    expect((await api.post(LOGIN, MEMBER)).status).toBe(200);
    await api.post(LOGIN, { clientId: MEMBER.clientId, clientSecret: "wrong" });
    await api.post(LOGIN, { clientId: MEMBER.clientId, clientSecret: "wrong" });
    expect((await api.post(LOGIN, MEMBER)).status).toBe(200);
  });

  it("refuses an expired client secret, then no longer knows it", async () => {
    const clock = manualClock();
    server = await startTestServer({
      now: clock.now,
      seed: { identities: [{ name: "ttl", universalAuth: { clientId: "ttl-client", clientSecrets: [{ secret: "ttl-secret", ttl: 60 }] } }] },
    });
    const api = client(server);
    const credentials = { clientId: "ttl-client", clientSecret: "ttl-secret" };
    expect((await api.post(LOGIN, credentials)).status).toBe(200);
    clock.advance(61_000);
    expect((await api.post<ErrorJson>(LOGIN, credentials)).body.message).toBe("Access denied due to expired client secret");
    expect((await api.post<ErrorJson>(LOGIN, credentials)).body.message).toBe("Invalid credentials");
  });

  it("refuses a client secret past its use limit", async () => {
    server = await startTestServer({
      seed: { identities: [{ name: "uses", universalAuth: { clientId: "uses-client", clientSecrets: [{ secret: "uses-secret", numUsesLimit: 2 }] } }] },
    });
    const api = client(server);
    const credentials = { clientId: "uses-client", clientSecret: "uses-secret" };
    expect((await api.post(LOGIN, credentials)).status).toBe(200);
    expect((await api.post(LOGIN, credentials)).status).toBe(200);
    const third = await api.post<ErrorJson>(LOGIN, credentials);
    expect(third.status).toBe(401);
    expect(third.body.message).toBe("Access denied due to client secret usage limit reached");
  });

  it("gives periodic tokens the period as expiresIn and a huge max TTL", async () => {
    server = await startTestServer({
      seed: { identities: [{ name: "periodic", universalAuth: { clientId: "p-client", clientSecrets: ["p-secret"], accessTokenPeriod: 900 } }] },
    });
    const { body } = await client(server).post<TokenJson>(LOGIN, { clientId: "p-client", clientSecret: "p-secret" });
    expect(body.expiresIn).toBe(900);
    expect(body.accessTokenMaxTTL).toBe(1000000000);
  });
});
