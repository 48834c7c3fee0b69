import { describe, expect, it } from "vitest";
import { bypassesProxy, describeProxy, parseProxyUrl, proxyFor, proxyFromEnvironment } from "./proxy.js";

const url = (text: string): URL => new URL(text);

describe("bypassesProxy (NO_PROXY)", () => {
  it.each([
    ["*", "https://app.infisical.com", true],
    ["app.infisical.com", "https://app.infisical.com", true],
    ["infisical.com", "https://app.infisical.com", true],
    [".infisical.com", "https://app.infisical.com", true],
    [".infisical.com", "https://infisical.com", true],
    ["*.infisical.com", "https://eu.infisical.com", true],
    ["notinfisical.com", "https://infisical.com", false],
    ["infisical.com", "https://notinfisical.com", false],
    ["APP.Infisical.COM", "https://app.infisical.com", true],
    ["app.infisical.com:443", "https://app.infisical.com", true],
    ["app.infisical.com:8443", "https://app.infisical.com", false],
    ["localhost:8080", "http://localhost:8080", true],
    ["10.1.2.3", "http://10.1.2.3:8080", true],
    ["10.0.0.0/8", "http://10.1.2.3", true],
    ["10.0.0.0/8", "http://11.1.2.3", false],
    ["::1", "http://[::1]:8080", true],
    ["[::1]:8080", "http://[::1]:8080", true],
    ["fd00::/8", "http://[fd12::1]", true],
    ["example.com, internal.corp  other", "https://vault.internal.corp", true],
    ["", "https://app.infisical.com", false],
  ])("%j for %s → %s", (noProxy, target, expected) => {
    expect(bypassesProxy(url(target), noProxy)).toBe(expected);
  });

  it("does not bypass loopback unless it is listed", () => {
    expect(bypassesProxy(url("http://127.0.0.1:8080"), "example.com")).toBe(false);
    expect(bypassesProxy(url("http://localhost:8080"), undefined)).toBe(false);
  });
});

describe("proxyFor", () => {
  it("uses httpsProxy for https, falling back to httpProxy, and httpProxy for http", () => {
    expect(proxyFor(url("https://a.example"), { httpsProxy: "http://s:3128", httpProxy: "http://p:3128" })?.host).toBe("s:3128");
    expect(proxyFor(url("https://a.example"), { httpProxy: "http://p:3128" })?.host).toBe("p:3128");
    expect(proxyFor(url("http://a.example"), { httpsProxy: "http://s:3128" })).toBeUndefined();
    expect(proxyFor(url("http://a.example"), { httpProxy: "p:3128" })?.href).toBe("http://p:3128/");
    expect(proxyFor(url("https://a.example"), { httpsProxy: "http://s:3128", noProxy: "a.example" })).toBeUndefined();
    expect(proxyFor(url("https://a.example"), { httpsProxy: "  " })).toBeUndefined();
    expect(proxyFor(url("https://a.example"), undefined)).toBeUndefined();
  });

  it("rejects unsupported proxies and never shows proxy credentials", () => {
    expect(() => parseProxyUrl("socks5://p:1080", "https proxy")).toThrow(/socks5:\/\/ proxies are not supported/);
    expect(describeProxy(parseProxyUrl("http://user:pa55@proxy.corp:3128", "x"))).toBe("http://proxy.corp:3128");
  });
});

describe("proxyFromEnvironment", () => {
  it("reads the proxy variables in upper or lower case, upper case first, leaving out empty ones", () => {
    expect(proxyFromEnvironment({ HTTPS_PROXY: "http://a:3128", http_proxy: "http://b:3128", NO_PROXY: "", no_proxy: "internal" })).toEqual({
      httpsProxy: "http://a:3128",
      httpProxy: "http://b:3128",
      noProxy: "internal",
    });
    expect(proxyFromEnvironment({})).toEqual({});
  });
});
