import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpClient, type HttpClientOptions } from "./client.js";
import { cleanupAfterEach, failure, makeTestCertificates, sendJson, startConnectProxy, startHttpsServer, startServer, type TestCertificates, type TestServer } from "./test-helpers.js";

let certs: TestCertificates;
let good: TestServer;
let wrongName: TestServer;
const cleanups = cleanupAfterEach();

beforeAll(async () => {
  certs = await makeTestCertificates();
  good = await startHttpsServer(certs.server, (_hit, res) => sendJson(res, 200, { ok: true }));
  wrongName = await startHttpsServer(certs.wrongName, (_hit, res) => sendJson(res, 200, { ok: true }));
});
afterAll(async () => {
  await good.close();
  await wrongName.close();
});

function client(options: HttpClientOptions): ReturnType<typeof createHttpClient> {
  const c = createHttpClient({ sleep: async () => {}, ...options });
  cleanups.push(() => c.close());
  return c;
}


describe("custom CA", () => {
  it("refuses a server signed by an unknown CA, once, with a hint about the CA option", async () => {
    const http = client({ baseUrl: good.url });
    const error = await failure(http.request({ method: "GET", path: "/api/status" }));
    expect(error.code).toBe("NETWORK");
    expect(error.message).toMatch(/^GET \/api\/status: the TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)$/);
    expect(error.hint).toContain("pass that CA's PEM certificate in the CA option (or set NODE_EXTRA_CA_CERTS)");
    expect(http.stats.attempts).toBe(1);
  });

  it("trusts the server when given the CA's PEM, on top of the default roots", async () => {
    const http = client({ baseUrl: good.url, caCertPem: certs.caPem });
    const response = await http.request<{ ok: boolean }>({ method: "GET", path: "/api/status" });
    expect(response.body).toEqual({ ok: true });
  });

  it("names a hostname mismatch", async () => {
    const http = client({ baseUrl: wrongName.url, caCertPem: certs.caPem });
    const error = await failure(http.request({ method: "GET", path: "/api/status" }));
    expect(error.code).toBe("NETWORK");
    expect(error.message).toContain("does not name that host (ERR_TLS_CERT_ALTNAME_INVALID)");
    expect(error.hint).toContain(`instead of ${wrongName.url}`);
  });

  it("suggests http:// when the port does not speak TLS", async () => {
    const plain = await startServer((_hit, res) => sendJson(res, 200, {}));
    cleanups.push(() => plain.close());
    const https = plain.url.replace("http:", "https:");
    const error = await failure(client({ baseUrl: https }).request({ method: "GET", path: "/x" }));
    expect(error.code).toBe("NETWORK");
    expect(error.hint).toBe(`that port speaks plain HTTP: did you mean ${plain.url}?`);
  });

  it("rejects a CA option that is not a PEM certificate before any request", () => {
    expect(() => createHttpClient({ baseUrl: good.url, caCertPem: "not a cert" })).toThrow(/no "-----BEGIN CERTIFICATE-----" block/);
    const broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
    expect(() => createHttpClient({ baseUrl: good.url, caCertPem: broken })).toThrow(/certificate 1 of 1 cannot be read/);
  });
});

describe("proxy", () => {
  it("tunnels https through the proxy with the custom CA", async () => {
    const proxy = await startConnectProxy();
    cleanups.push(() => proxy.close());
    const http = client({ baseUrl: good.url, caCertPem: certs.caPem, proxy: { httpsProxy: proxy.url } });
    const response = await http.request<{ ok: boolean }>({ method: "GET", path: "/api/status" });
    expect(response.body).toEqual({ ok: true });
    expect(proxy.tunnels).toEqual([`127.0.0.1:${good.port}`]);
  });

  it("tunnels plain http through httpProxy", async () => {
    const proxy = await startConnectProxy();
    cleanups.push(() => proxy.close());
    const target = await startServer((_hit, res) => sendJson(res, 200, { via: "proxy" }));
    cleanups.push(() => target.close());
    const http = client({ baseUrl: target.url, proxy: { httpProxy: proxy.url } });
    expect((await http.request({ method: "GET", path: "/x" })).body).toEqual({ via: "proxy" });
    expect(proxy.tunnels).toEqual([`127.0.0.1:${target.port}`]);
    expect(target.hits).toHaveLength(1);
  });

  it("goes direct for NO_PROXY hosts", async () => {
    const proxy = await startConnectProxy();
    cleanups.push(() => proxy.close());
    const http = client({ baseUrl: good.url, caCertPem: certs.caPem, proxy: { httpsProxy: proxy.url, noProxy: "example.com,127.0.0.1" } });
    await http.request({ method: "GET", path: "/api/status" });
    expect(proxy.tunnels).toEqual([]);
  });

  it("explains a proxy that wants credentials, and sends them from the proxy URL", async () => {
    const auth = `Basic ${Buffer.from("ci:s3cret").toString("base64")}`;
    const proxy = await startConnectProxy({ requireAuth: auth });
    cleanups.push(() => proxy.close());
    const anonymous = client({ baseUrl: good.url, caCertPem: certs.caPem, proxy: { httpsProxy: proxy.url } });
    const error = await failure(anonymous.request({ method: "GET", path: "/api/status" }));
    expect(error.code).toBe("NETWORK");
    expect(error.message).toContain("refused to open a tunnel");
    expect(error.message).toContain("(status 407)");
    expect(error.hint).toContain("the proxy wants credentials");
    expect(anonymous.stats.attempts).toBe(1);

    const withAuth = client({ baseUrl: good.url, caCertPem: certs.caPem, proxy: { httpsProxy: proxy.url.replace("http://", "http://ci:s3cret@") } });
    expect((await withAuth.request({ method: "GET", path: "/api/status" })).body).toEqual({ ok: true });
  });

  it("tunnels through an https:// proxy trusted with the CA option, and names a proxy whose certificate is not trusted", async () => {
    const proxy = await startConnectProxy({ tls: certs.server });
    cleanups.push(() => proxy.close());
    const trusted = client({ baseUrl: good.url, caCertPem: certs.caPem, proxy: { httpsProxy: proxy.url } });
    expect((await trusted.request({ method: "GET", path: "/api/status" })).body).toEqual({ ok: true });
    expect(proxy.tunnels).toEqual([`127.0.0.1:${new URL(good.url).port}`]);

    const untrusted = client({ baseUrl: good.url.replace("https:", "http:"), proxy: { httpProxy: proxy.url }, maxAttempts: 1 });
    const error = await failure(untrusted.request({ method: "GET", path: "/api/status" }));
    expect(error.toLine()).toBe(
      `GET /api/status: TLS to the proxy ${proxy.url} failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE) — the proxy's certificate is not trusted: pass its CA's PEM certificate in the CA option (or set NODE_EXTRA_CA_CERTS)`,
    );
    expect(proxy.tunnels).toHaveLength(1);
  });
});
