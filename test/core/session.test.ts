/**
 * Sessions against the dev server: one login per run however many requests share it, a token renewed before it
 * expires during a long run, a max TTL outlived by logging in again, revoke, a ready token, and the OIDC login end to
 * end with a JWT signed by the server's own issuer (minted directly, and fetched as GitHub's runner fetches it).
 */
import { describe, expect, it } from "vitest";
import { fetchSecrets } from "@secrets-action/core";
import { CREDENTIALS, DEV_ROOT, GHA_IDENTITY_ID, SHOP_ID, asRecord, expectUserLine, failure, frontDoor, manualClock, startServer } from "./harness.js";

const LOGIN = "/api/v1/auth/universal-auth/login";
const RENEW = "/api/v1/auth/token/renew";
const REVOKE = "/api/v1/auth/token/revoke";
const OIDC_LOGIN = "/api/v1/auth/oidc-auth/login";
const V4_LIST = "/api/v4/secrets";

describe("one login per session", () => {
  it("concurrent fetches, gets and writes share a single login", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    const where = { projectId: SHOP_ID, environment: "dev" };
    const [root, app, queue, created] = await Promise.all([
      fetchSecrets(door.secrets, where),
      fetchSecrets(door.secrets, { ...where, paths: ["/app"] }),
      door.secrets.get({ ...where, path: "/app/worker", name: "QUEUE" }),
      door.secrets.create({ ...where, path: "/app/web", name: "CDN", value: "cdn.shop.test" }),
    ]);
    expect(asRecord(root.secrets)).toEqual(DEV_ROOT);
    expect(asRecord(app.secrets)).toEqual({ API_URL: "https://app-api.shop.test", LOG_LEVEL: "debug", SHARED_KEY: "from-app" });
    expect(queue.value).toBe("jobs");
    expect(created.value).toBe("cdn.shop.test");
    expect(server.requests.count({ path: LOGIN })).toBe(1);
    expect(door.tokens()).toHaveLength(1);
    expect(door.http.stats).toMatchObject({ requests: 5, attempts: 5 });
  });
});

describe("token lifetime during a long run", () => {
  it("renews the token shortly before it expires and keeps reading, with no second login", async () => {
    // The server and the session read one clock; the identity's tokens live 120 s.
    const clock = manualClock();
    const server = await startServer({ now: clock.now });
    const door = frontDoor(server, { auth: { method: "universal", ...CREDENTIALS.renewing }, session: { now: clock.now } });
    const read = async () => asRecord((await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" })).secrets);

    expect(await read()).toEqual(DEV_ROOT);
    const first = door.session.current();
    expect(first?.expiresIn).toBe(120);
    clock.advance(70_000); // inside the 60 s renewal margin
    expect(await read()).toEqual(DEV_ROOT);
    const renewed = door.session.current();
    expect(renewed?.accessToken).not.toBe(first?.accessToken);
    clock.advance(55_000); // 125 s after login: the first token is dead, the renewed one is not
    expect(await read()).toEqual(DEV_ROOT);
    expect(door.session.current()?.accessToken).toBe(renewed?.accessToken);

    expect(server.requests.list().map((record) => `${record.path} ${record.status}`)).toEqual([
      `${LOGIN} 200`,
      `${V4_LIST} 200`,
      `${RENEW} 200`,
      `${V4_LIST} 200`,
      `${V4_LIST} 200`,
    ]);
    // Proof the renewal mattered: the first token is refused by the server now…
    const firstToken = first?.accessToken ?? "";
    const refused = await failure(door.http.request({ method: "GET", path: V4_LIST, token: firstToken, query: { projectId: SHOP_ID, environment: "dev" } }));
    expectUserLine(refused, "the access token has expired: log in again", door.tokens());
    // …and handed in as a ready token, core itself refuses it before sending anything.
    const requestsBefore = server.requests.count();
    const stale = frontDoor(server, { auth: { method: "token", accessToken: firstToken }, session: { now: clock.now } });
    const error = await failure(fetchSecrets(stale.secrets, { projectId: SHOP_ID, environment: "dev" }));
    expectUserLine(error, "get a new access token, or use a login method so each run gets its own", door.tokens());
    expect(server.requests.count()).toBe(requestsBefore);
  });

  it("outlives the token's max TTL by logging in again once renewing is refused", async () => {
    const clock = manualClock();
    const server = await startServer({ now: clock.now });
    // Tokens live 100 s and may not be renewed past 150 s after the login: renewing at 50 s is allowed (it ends at
    // 150 s), renewing at 110 s is not (it would end at 210 s), so the session logs in again.
    const door = frontDoor(server, { auth: { method: "universal", ...CREDENTIALS.capped }, session: { now: clock.now } });
    const read = async () => asRecord((await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" })).secrets);
    for (const step of [0, 50_000, 60_000]) {
      clock.advance(step);
      expect(await read()).toEqual(DEV_ROOT);
    }
    expect(server.requests.list().map((record) => `${record.path} ${record.status}`)).toEqual([
      `${LOGIN} 200`,
      `${V4_LIST} 200`,
      `${RENEW} 200`,
      `${V4_LIST} 200`,
      `${RENEW} 401`,
      `${LOGIN} 200`,
      `${V4_LIST} 200`,
    ]);
    expect(door.tokens()).toHaveLength(3);
  });
});

describe("revoke and ready tokens", () => {
  it("revoke ends the token on the server, and the session refuses further use with a hint", async () => {
    const server = await startServer();
    const door = frontDoor(server);
    await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" });
    const token = door.session.current()?.accessToken ?? "";
    await door.session.revoke();
    await door.session.revoke(); // idempotent: the post step may run twice
    expect(server.requests.list({ path: REVOKE }).map((record) => record.status)).toEqual([200]);
    const after = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
    expectUserLine(after, "revoke() ends the session: create a new session to make more requests", [token]);
    // The server agrees: the token is dead.
    const reuse = frontDoor(server, { auth: { method: "token", accessToken: token } });
    const refused = await failure(fetchSecrets(reuse.secrets, { projectId: SHOP_ID, environment: "dev" }));
    expect(refused.toLine()).toContain("401 from GET /api/v4/secrets: No identity access token found");
  });

  it("a ready access token is used as is: no login, and not revoked by default", async () => {
    const server = await startServer();
    const owner = frontDoor(server);
    const token = await owner.session.token();
    const door = frontDoor(server, { auth: { method: "token", accessToken: token } });
    expect(asRecord((await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" })).secrets)).toEqual(DEV_ROOT);
    await door.session.revoke();
    expect(server.requests.count({ path: REVOKE })).toBe(0);
    expect(server.requests.count({ path: LOGIN })).toBe(1);
    // Its owner can still use it.
    expect(asRecord((await fetchSecrets(owner.secrets, { projectSlug: "shop", environment: "dev" })).secrets)).toEqual(DEV_ROOT);
  });
});

describe("OIDC login end to end", () => {
  it("a GitHub-shaped ID token from the built-in issuer logs in once and reads the secrets", async () => {
    const server = await startServer();
    let minted = 0;
    const door = frontDoor(server, {
      auth: {
        method: "oidc",
        identityId: GHA_IDENTITY_ID,
        getJwt: async () => {
          minted += 1;
          return server.oidc.mint({ preset: "github", claims: { repository: "octo-org/app", ref: "refs/heads/release" } });
        },
      },
    });
    const result = await fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev", paths: ["/", "/app"] });
    expect(asRecord(result.secrets)).toEqual({ ...DEV_ROOT, API_URL: "https://app-api.shop.test", LOG_LEVEL: "debug", SHARED_KEY: "from-app" });
    expect(minted).toBe(1);
    expect(server.requests.list({ path: OIDC_LOGIN }).map((record) => record.status)).toEqual([200]);
    // The server verified the signature against its issuer's published keys.
    expect(server.requests.count({ path: "/__oidc/jwks" })).toBeGreaterThanOrEqual(1);
    // The identity is a viewer: it reads but cannot write.
    const error = await failure(door.secrets.create({ projectId: SHOP_ID, environment: "dev", name: "NOPE", value: "x" }));
    expect(error.toLine()).toContain("You are not allowed to create on secrets");
  });

  it("the token fetched the way a GitHub runner fetches it (ACTIONS_ID_TOKEN_REQUEST_URL)", async () => {
    const server = await startServer();
    const getJwt = async (audience: string): Promise<string> => {
      const response = await fetch(`${server.url}/__oidc/github/token?api-version=2.0&audience=${encodeURIComponent(audience)}`, {
        headers: { authorization: `Bearer ${server.oidc.requestToken}` },
      });
      const body = (await response.json()) as { value: string };
      return body.value;
    };
    const good = frontDoor(server, { auth: { method: "oidc", identityId: GHA_IDENTITY_ID, getJwt: () => getJwt("https://github.com/octo-org") } });
    expect(asRecord((await fetchSecrets(good.secrets, { projectId: SHOP_ID, environment: "dev" })).secrets)).toEqual(DEV_ROOT);

    // The audience option set to something the identity does not bind: the OIDC audience hint.
    const jwts: string[] = [];
    const bad = frontDoor(server, {
      auth: {
        method: "oidc",
        identityId: GHA_IDENTITY_ID,
        getJwt: async () => {
          const jwt = await getJwt("sts.amazonaws.com");
          jwts.push(jwt);
          return jwt;
        },
      },
    });
    const error = await failure(fetchSecrets(bad.secrets, { projectId: SHOP_ID, environment: "dev" }));
    const line = expectUserLine(
      error,
      "the token's audience is not one of the identity's bound audiences: set the audience option to one of them (GitHub's default audience is https://github.com/<owner>)",
      jwts,
    );
    expect(line).toContain(`401 from POST ${OIDC_LOGIN}: Access denied: OIDC audience not allowed.`);
    expect(jwts).toHaveLength(1);
    expect(server.requests.list({ path: OIDC_LOGIN }).map((record) => record.status)).toEqual([200, 401]);
  });

  it("a failure to get the ID token is reported before any login request", async () => {
    const server = await startServer();
    const door = frontDoor(server, {
      auth: {
        method: "oidc",
        identityId: GHA_IDENTITY_ID,
        getJwt: async () => {
          throw new Error("ACTIONS_ID_TOKEN_REQUEST_URL is not set");
        },
      },
    });
    const error = await failure(fetchSecrets(door.secrets, { projectId: SHOP_ID, environment: "dev" }));
    expect(error.code).toBe("AUTH");
    const line = expectUserLine(error, "on GitHub the job needs `permissions: id-token: write`");
    expect(line).toContain("OIDC auth: could not get the CI's ID token: ACTIONS_ID_TOKEN_REQUEST_URL is not set");
    expect(server.requests.count()).toBe(0);
  });
});
