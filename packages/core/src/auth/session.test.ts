import { describe, expect, it } from "vitest";
import { isSecretsActionError } from "../errors.js";
import { createHttpClient, type InfisicalHttpClient } from "../http/client.js";
import { cleanupAfterEach, fakeClock, sendJson, startServer, type Hit, type TestServer } from "../http/test-helpers.js";
import { createSession, renewMargin } from "./session.js";

const cleanups = cleanupAfterEach();

/** A small stand-in for the server's auth routes: numbered tokens, scripted renew answers, revocation. */
interface AuthServer {
  server: TestServer;
  http: InfisicalHttpClient;
  clock: ReturnType<typeof fakeClock>;
  logins: () => Hit[];
  renews: () => Hit[];
  revokes: () => Hit[];
  /** Answer of the next renew, when set. */
  renewAnswer: { status: number; body: unknown } | undefined;
  revoked: Set<string>;
}

async function authServer(expiresIn = 600): Promise<AuthServer> {
  let issued = 0;
  const state = { renewAnswer: undefined as { status: number; body: unknown } | undefined, revoked: new Set<string>() };
  const token = (): object => ({ accessToken: `at-${++issued}`, expiresIn, accessTokenMaxTTL: expiresIn * 2, tokenType: "Bearer" });
  const server = await startServer((hit, res) => {
    if (hit.url.endsWith("-auth/login")) return sendJson(res, 200, token());
    if (hit.url === "/api/v1/auth/token/renew") {
      const scripted = state.renewAnswer;
      if (scripted) return sendJson(res, scripted.status, scripted.body);
      return sendJson(res, 200, token());
    }
    if (hit.url === "/api/v1/auth/token/revoke") {
      const { accessToken } = JSON.parse(hit.body) as { accessToken: string };
      if (state.revoked.has(accessToken)) return sendJson(res, 401, { statusCode: 401, message: "No identity access token found", error: "UnauthorizedError" });
      state.revoked.add(accessToken);
      return sendJson(res, 200, { message: "Successfully revoked access token" });
    }
    return sendJson(res, 404, { message: `Route ${hit.method}:${hit.url} not found`, error: "Not Found" });
  });
  const clock = fakeClock();
  const http = createHttpClient({ baseUrl: server.url, now: clock.now, sleep: clock.sleep, deadlineMs: Number.POSITIVE_INFINITY });
  cleanups.push(() => server.close(), () => http.close());
  const result: AuthServer = {
    server,
    http,
    clock,
    logins: () => server.hits.filter((hit) => hit.url.endsWith("-auth/login")),
    renews: () => server.hits.filter((hit) => hit.url.endsWith("/token/renew")),
    revokes: () => server.hits.filter((hit) => hit.url.endsWith("/token/revoke")),
    get renewAnswer() {
      return state.renewAnswer;
    },
    set renewAnswer(value) {
      state.renewAnswer = value;
    },
    revoked: state.revoked,
  };
  return result;
}

const universal = { method: "universal", clientId: "cid", clientSecret: "csecret" } as const;

describe("createSession", () => {
  it("logs in exactly once, however many callers ask at the same time", async () => {
    const s = await authServer();
    const session = createSession(s.http, universal, { now: s.clock.now });
    expect(s.logins()).toHaveLength(0);
    const tokens = await Promise.all([session.token(), session.token(), session.token()]);
    expect(tokens).toEqual(["at-1", "at-1", "at-1"]);
    expect(await session.token()).toBe("at-1");
    expect(s.logins()).toHaveLength(1);
    expect(session.method).toBe("universal");
    expect(session.current()).toMatchObject({ accessToken: "at-1", expiresIn: 600, obtainedAt: s.clock.now() });
  });

  it("does not repeat a failed login (failures count towards the lockout)", async () => {
    const server = await startServer((_hit, res) => sendJson(res, 401, { message: "Invalid credentials", error: "UnauthorizedError" }));
    const http = createHttpClient({ baseUrl: server.url });
    cleanups.push(() => server.close(), () => http.close());
    const session = createSession(http, universal);
    const first = await session.token().catch((error: unknown) => error);
    const second = await session.token().catch((error: unknown) => error);
    expect(isSecretsActionError(first) && first.code).toBe("API");
    expect(second).toBe(first);
    expect(server.hits).toHaveLength(1);
  });

  it("renews near expiry and uses the new token the server returns", async () => {
    const s = await authServer(600);
    const session = createSession(s.http, universal, { now: s.clock.now });
    expect(await session.token()).toBe("at-1");
    s.clock.advance(500_000); // 100 s left: more than the 60 s margin
    expect(await session.token()).toBe("at-1");
    expect(s.renews()).toHaveLength(0);
    s.clock.advance(45_000); // 55 s left
    expect(await session.token()).toBe("at-2");
    const renew = s.renews()[0];
    expect(JSON.parse(renew?.body ?? "")).toEqual({ accessToken: "at-1" });
    expect(renew?.headers.authorization).toBeUndefined();
    expect(await session.token()).toBe("at-2");
    expect(session.current()).toMatchObject({ accessToken: "at-2", obtainedAt: s.clock.now() });
    expect(s.logins()).toHaveLength(1);
    expect(s.renews()).toHaveLength(1);
  });

  it("logs in again when the token is past its max TTL", async () => {
    const s = await authServer(600);
    const session = createSession(s.http, universal, { now: s.clock.now });
    await session.token();
    s.renewAnswer = { status: 401, body: { statusCode: 401, message: "Failed to renew MI access token due to Max TTL expiration", error: "UnauthorizedError" } };
    s.clock.advance(590_000);
    expect(await session.token()).toBe("at-2");
    expect(s.renews()).toHaveLength(1);
    expect(s.logins()).toHaveLength(2);
  });

  it("logs in again when the token expired before it could be renewed (403 TokenError, e.g. after a long retry wait)", async () => {
    const s = await authServer(600);
    const session = createSession(s.http, universal, { now: s.clock.now });
    await session.token();
    s.renewAnswer = { status: 403, body: { statusCode: 403, message: "Your token has expired. Please re-authenticate.", error: "TokenError" } };
    s.clock.advance(700_000);
    expect(await session.token()).toBe("at-2");
    expect(s.renews()).toHaveLength(1);
    expect(s.logins()).toHaveLength(2);
  });

  it("mints a new OIDC JWT for a second login", async () => {
    const s = await authServer(600);
    let jwts = 0;
    const session = createSession(s.http, { method: "oidc", identityId: "id", getJwt: async () => `jwt-${++jwts}` }, { now: s.clock.now });
    await session.token();
    s.renewAnswer = { status: 401, body: { message: "Failed to renew MI access token past its Max TTL expiration" } };
    await session.renew();
    expect(jwts).toBe(2);
    expect(s.logins().map((hit) => JSON.parse(hit.body).jwt)).toEqual(["jwt-1", "jwt-2"]);
  });

  it("keeps the token when a renewal fails for another reason, and says why", async () => {
    const s = await authServer(600);
    const session = createSession(s.http, universal, { now: s.clock.now });
    await session.token();
    s.renewAnswer = { status: 400, body: { message: "Only identity access tokens can be renewed", error: "BadRequest" } };
    await expect(session.renew()).rejects.toMatchObject({ code: "API", status: 400 });
    expect(session.current()?.accessToken).toBe("at-1");
    expect(s.logins()).toHaveLength(1);
  });

  it("never renews a token that does not expire", async () => {
    const s = await authServer(0);
    const session = createSession(s.http, universal, { now: s.clock.now });
    await session.token();
    s.clock.advance(365 * 86_400_000);
    await session.token();
    expect(s.renews()).toHaveLength(0);
  });

  it("revokes the token, tolerating one already revoked, and refuses to be used after", async () => {
    const s = await authServer();
    const session = createSession(s.http, universal, { now: s.clock.now });
    const token = await session.token();
    s.revoked.add(token); // revoked elsewhere (e.g. an earlier post step)
    await session.revoke();
    await session.revoke();
    expect(s.revokes()).toHaveLength(1);
    expect(JSON.parse(s.revokes()[0]?.body ?? "")).toEqual({ accessToken: "at-1" });
    await expect(session.token()).rejects.toMatchObject({ code: "AUTH", message: "the session's access token was revoked" });

    const fresh = createSession(s.http, universal, { now: s.clock.now });
    await fresh.token();
    await fresh.revoke();
    expect(s.revoked.has("at-2")).toBe(true);
  });

  it("does not log in or revoke before it has a token", async () => {
    const s = await authServer();
    const session = createSession(s.http, universal, { now: s.clock.now });
    await session.revoke();
    expect(s.server.hits).toHaveLength(0);
  });

  it("uses a given token without logging in, and revokes it only when told to", async () => {
    const s = await authServer();
    const session = createSession(s.http, { method: "token", accessToken: "given" }, { now: s.clock.now });
    expect(await session.token()).toBe("given");
    await session.revoke();
    expect(s.server.hits).toHaveLength(0);
    const owned = createSession(s.http, { method: "token", accessToken: "given", revoke: true }, { now: s.clock.now });
    await owned.token();
    await owned.revoke();
    expect(s.revokes()).toHaveLength(1);
  });
});

describe("renewMargin", () => {
  it("is 10% of the lifetime, at least 60 s, at most half", () => {
    expect(renewMargin(2_592_000_000, undefined)).toBe(259_200_000);
    expect(renewMargin(600_000, undefined)).toBe(60_000);
    expect(renewMargin(3_600_000, undefined)).toBe(360_000);
    expect(renewMargin(60_000, undefined)).toBe(30_000);
    expect(renewMargin(600_000, 5_000)).toBe(5_000);
  });
});
