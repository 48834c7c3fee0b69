import { describe, expect, it } from "vitest";

import { encryptWithHexKey } from "./aes-gcm.js";
import { parseServiceToken, projectKeyOf, singleScope, type ServiceTokenInfo } from "./service-token.js";

const info = (extra: Partial<ServiceTokenInfo> = {}): ServiceTokenInfo => ({
  id: "t1", name: "ci", projectId: "p1", scopes: [{ environment: "dev", secretPath: "/" }], permissions: ["read"], expiresAt: undefined,
  encryptedKey: "", iv: "", tag: "", ...extra,
});

describe("service tokens", () => {
  it("sends only st.<id>.<secret> and keeps the key", () => {
    expect(parseServiceToken(" st.abc.def.0123456789abcdef0123456789abcdef\n")).toEqual({ bearer: "st.abc.def", id: "abc", key: "0123456789abcdef0123456789abcdef" });
    expect(parseServiceToken("st.abc.def")).toEqual({ bearer: "st.abc.def", id: "abc", key: undefined });
  });

  it("refuses what is not a service token without repeating it", () => {
    for (const bad of ["eyJhbGciOi.x.y", "st.only", "st.a..c", "st.a.b.c.d"]) {
      expect(() => parseServiceToken(bad)).toThrowError(expect.objectContaining({ code: "AUTH" }));
      try {
        parseServiceToken(bad);
      } catch (error) {
        expect(String(error)).not.toContain(bad);
      }
    }
  });

  it("decrypts the project key with the token's key, and names the token when it cannot", () => {
    const tokenKey = "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb";
    const projectKey = "0123456789abcdef0123456789abcdef";
    const sealed = encryptWithHexKey(projectKey, tokenKey);
    const withKey = info({ encryptedKey: sealed.ciphertext, iv: sealed.iv, tag: sealed.tag });
    expect(projectKeyOf(withKey, tokenKey)).toBe(projectKey);
    expect(() => projectKeyOf(withKey, "ccccccccccccccccdddddddddddddddd")).toThrowError(/service token ci \(project key\): decryption failed/);
    expect(() => projectKeyOf(withKey, undefined)).toThrowError(/service token ci: the token has no key/);
  });

  it("takes the environment and folder from a single, non-glob scope only", () => {
    expect(singleScope(info())).toEqual({ environment: "dev", secretPath: "/" });
    expect(singleScope(info({ scopes: [{ environment: "dev", secretPath: "/**" }] }))).toBeUndefined();
    expect(singleScope(info({ scopes: [{ environment: "dev", secretPath: "/" }, { environment: "prod", secretPath: "/" }] }))).toBeUndefined();
  });
});
