import { describe, expect, it } from "vitest";
import { normaliseDomain } from "./domain.js";

describe("normaliseDomain", () => {
  it("keeps a clean https domain and trims trailing slashes and spaces", () => {
    expect(normaliseDomain("https://app.infisical.com")).toEqual({ url: "https://app.infisical.com", warnings: [] });
    expect(normaliseDomain("  https://eu.infisical.com///  ")).toEqual({ url: "https://eu.infisical.com", warnings: [] });
    expect(normaliseDomain("HTTPS://App.Infisical.com:443/")).toEqual({ url: "https://app.infisical.com", warnings: [] });
  });

  it("keeps a path for servers behind a reverse proxy", () => {
    expect(normaliseDomain("https://tools.example.com/infisical/")).toEqual({ url: "https://tools.example.com/infisical", warnings: [] });
  });

  it("asks for a scheme, suggesting https", () => {
    expect(() => normaliseDomain("app.infisical.com")).toThrow('domain: "app.infisical.com" has no scheme. Did you mean "https://app.infisical.com"?');
    expect(() => normaliseDomain("secrets.internal:8080/")).toThrow('Did you mean "https://secrets.internal:8080"?');
  });

  it("rejects other schemes, credentials, queries and an empty input", () => {
    expect(() => normaliseDomain("ftp://x.example")).toThrow(/only https:\/\//);
    expect(() => normaliseDomain("https://user:hunter2@x.example")).toThrow(/must not contain a user name or password/);
    try {
      normaliseDomain("https://user:hunter2@x.example");
    } catch (error: unknown) {
      expect(String(error)).not.toContain("hunter2");
    }
    expect(() => normaliseDomain("https://x.example/?a=1")).toThrow(/must not have a query/);
    expect(() => normaliseDomain("   ")).toThrow(/domain: empty/);
    expect(() => normaliseDomain("https://")).toThrow(/not a valid URL|no host/);
  });

  it("warns about plain http to a remote host, not to loopback", () => {
    expect(normaliseDomain("http://secrets.corp.example").warnings).toEqual([
      expect.stringContaining("plain http; the access token and the secrets would cross the network unencrypted"),
    ]);
    for (const local of ["http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080", "http://dev.localhost"]) {
      expect(normaliseDomain(local).warnings).toEqual([]);
    }
  });

  it("warns when the path ends in /api, since request paths already start with it", () => {
    const { url, warnings } = normaliseDomain("https://app.infisical.com/api/");
    expect(url).toBe("https://app.infisical.com/api");
    expect(warnings).toEqual([expect.stringContaining('Did you mean "https://app.infisical.com"?')]);
  });

  it("names the input it checks", () => {
    expect(() => normaliseDomain("x.example", "infisical-url")).toThrow(/^infisical-url: /);
  });
});
