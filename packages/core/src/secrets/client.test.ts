import { describe, expect, it } from "vitest";
import { createHttpClient } from "../http/client.js";
import { cleanupAfterEach, failure, fakeClock, sendJson, startServer } from "../http/test-helpers.js";
import { createSecretsClient } from "./client.js";

const cleanups = cleanupAfterEach();

const EXPIRED = { statusCode: 403, message: "Your token has expired. Please re-authenticate.", error: "TokenError" };
const LISTING = { secrets: [{ id: "s1", secretKey: "API_KEY", secretValue: "value-1", version: 1, type: "shared", environment: "dev", workspace: "p1" }], imports: [] };

/**
 * A list endpoint that refuses `at-1` as expired after a 429 asking to wait, the way a token outlives its TTL while the
 * client waits out a rate limit; `tokens` are what the session hands out, in turn.
 */
async function setup(tokens: string[]) {
  let lists = 0;
  const server = await startServer((hit, res) => {
    lists += 1;
    if (lists === 1) return sendJson(res, 429, { statusCode: 429, message: "Rate limit exceeded. Please try again in 30 seconds", error: "RateLimitExceeded" }, { "retry-after": "30" });
    if (hit.headers.authorization === "Bearer at-1") return sendJson(res, 403, EXPIRED);
    return sendJson(res, 200, LISTING);
  });
  const clock = fakeClock();
  const http = createHttpClient({ baseUrl: server.url, now: clock.now, sleep: clock.sleep, deadlineMs: 120_000 });
  cleanups.push(() => server.close(), () => http.close());
  const handedOut: string[] = [];
  const auth = {
    http,
    token: async () => {
      const token = tokens.length > 1 ? tokens.shift()! : tokens[0]!;
      handedOut.push(token);
      return token;
    },
  };
  return { server, clock, auth, handedOut };
}

describe("createSecretsClient", () => {
  it("sends a request once more with the session's new token when the token expired during a retry wait", async () => {
    const { server, clock, auth, handedOut } = await setup(["at-1", "at-2"]);
    const listing = await createSecretsClient(auth).list({ projectSlug: "shop", environment: "dev" });
    expect(listing.secrets.map((secret) => [secret.key, secret.value])).toEqual([["API_KEY", "value-1"]]);
    expect(clock.sleeps).toEqual([30_000]);
    expect(handedOut).toEqual(["at-1", "at-2"]);
    expect(server.hits.map((hit) => hit.headers.authorization)).toEqual(["Bearer at-1", "Bearer at-1", "Bearer at-2"]);
  });

  it("fails with the server's answer when the session has no other token to offer", async () => {
    const { server, auth } = await setup(["at-1"]);
    const error = await failure(createSecretsClient(auth).list({ projectSlug: "shop", environment: "dev" }));
    expect(error.toLine()).toMatch(/^403 from GET \/api\/v3\/secrets\/raw: Your token has expired/);
    expect(server.hits).toHaveLength(2);
  });
});
