import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSecretsActionError } from "../errors.js";
import { DEFAULT_MASK_MIN_LENGTH, masksFor, masksForAll } from "./masks-for.js";

describe("masksFor", () => {
  it("masks a value as it is", () => {
    expect(masksFor("TOKEN", "hunter22")).toEqual({ masks: ["hunter22"], warnings: [] });
  });

  it("does not mask the common short words that over-masking hides everywhere, and says so by key only", () => {
    expect(DEFAULT_MASK_MIN_LENGTH).toBe(6);
    for (const value of ["1", "true", "test", "yes", "null", "false", "admin", "27017", " test  "]) {
      const result = masksFor("NODE_ENV", value);
      expect(result.masks, value).toEqual([]);
      expect(result.warnings, value).toHaveLength(1);
      expect(result.warnings[0]).toContain('"NODE_ENV"');
      expect(result.warnings[0]).toContain("shorter than 6 characters");
      expect(result.warnings[0]).not.toContain(value.trim());
    }
    expect(masksFor("PIN", "123456").masks).toEqual(["123456"]);
  });

  it("has nothing to mask, and nothing to say, for empty and blank values", () => {
    for (const value of ["", " ", "\n\t \r\n"]) expect(masksFor("K", value)).toEqual({ masks: [], warnings: [] });
  });

  it("counts characters, not UTF-16 units: five emoji are too short", () => {
    expect(masksFor("K", "😀😀😀😀😀").masks).toEqual([]);
    expect(masksFor("K", "😀😀😀😀😀😀").masks).toEqual(["😀😀😀😀😀😀"]);
    // Between n and 2n UTF-16 units the length alone cannot tell: 3 code points in 5 units, 4 in 6.
    expect(masksFor("K", "a😀😀", { minLength: 4 }).masks).toEqual([]);
    expect(masksFor("K", "ab😀😀", { minLength: 4 }).masks).toEqual(["ab😀😀"]);
  });

  it("masks a one-line value without surrounding space as itself alone, whatever its length in code points", () => {
    const line = fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }).filter((text) => text.trim() === text && !/[\r\n]/.test(text) && !/^[[{]/.test(text));
    fc.assert(
      fc.property(line, fc.integer({ min: 1, max: 12 }), (text, minLength) => {
        const long = [...text].length >= minLength;
        expect(masksFor("K", text, { minLength }).masks).toEqual(long ? [text] : []);
      }),
      { numRuns: 300 },
    );
  });

  it("masks the value and its trimmed form when it has surrounding whitespace", () => {
    expect(masksFor("K", "  hunter22\n").masks).toEqual(["  hunter22\n", "hunter22"]);
  });

  it("masks each line of a multi-line value, with CRLF, CR or LF, and warns about short lines", () => {
    const pem = "-----BEGIN KEY-----\r\nMIIBVwIBADANBgkq\r\n  hkiG9w0BAQEF  \rAB==\n-----END KEY-----\n";
    const { masks, warnings } = masksFor("KEY", pem);
    expect(masks).toContain(pem);
    expect(masks).toContain(pem.trim());
    for (const line of ["-----BEGIN KEY-----", "MIIBVwIBADANBgkq", "hkiG9w0BAQEF", "-----END KEY-----"]) expect(masks).toContain(line);
    expect(masks).not.toContain("AB==");
    expect(warnings).toEqual(['"KEY": 1 line or JSON field of its value is shorter than 6 characters, so it is masked only where the whole value is printed.']);
  });

  it("masks the string and long number leaves of a JSON value, not its keys, booleans or short fields", () => {
    // Written out by hand: the id must keep digits a JS number would round away.
    const value = '{"username": "deploy-bot", "password": "p\\"ss\\\\w0rd", "nested": [{"token": "tok-123456"}], "port": 5432, "id": 12345678901234567890, "on": true, "region": "eu"}';
    const { masks, warnings } = masksFor("DB", value);
    for (const leaf of ["deploy-bot", 'p"ss\\w0rd', "tok-123456", "12345678901234567890"]) expect(masks).toContain(leaf);
    for (const notLeaf of ["username", "password", "5432", "true", "eu"]) expect(masks).not.toContain(notLeaf);
    expect(warnings).toEqual(['"DB": 1 line or JSON field of its value is shorter than 6 characters, so it is masked only where the whole value is printed.']);
  });

  it("follows a multi-line string inside JSON, and JSON inside a JSON string", () => {
    const serviceAccount = JSON.stringify({ type: "service_account", private_key: "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG\n-----END PRIVATE KEY-----\n" });
    const { masks } = masksFor("GCP", serviceAccount);
    expect(masks).toContain("MIIEvQIBADANBgkqhkiG");
    expect(masks).not.toContain("type");
    const wrapped = JSON.stringify({ config: JSON.stringify({ password: "inner-secret" }) });
    expect(masksFor("W", wrapped).masks).toContain("inner-secret");
  });

  it("treats text that only looks like JSON as text", () => {
    expect(masksFor("K", "{not json at all}").masks).toEqual(["{not json at all}"]);
  });

  it("takes another minimum length, and refuses a nonsensical one", () => {
    expect(masksFor("K", "1", { minLength: 1 }).masks).toEqual(["1"]);
    expect(masksFor("K", "hunter22", { minLength: 9 }).masks).toEqual([]);
    for (const minLength of [0, -1, 1.5, Number.NaN]) {
      let error: unknown;
      try {
        masksFor("K", "x", { minLength });
      } catch (e) {
        error = e;
      }
      expect(isSecretsActionError(error) && error.code).toBe("CONFIG");
    }
  });

  it("returns distinct masks, longest first, each long enough, and never a value in a warning", () => {
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.array(fc.constantFrom("line-one", "ab", "\n", "\r\n", " ", "longer line here", "{", '"k": "value-1"', "}"), { maxLength: 8 }).map((parts) => parts.join("")),
      fc.jsonValue().map((json) => JSON.stringify(json)),
    );
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 10 }), (text, minLength) => {
        const { masks, warnings } = masksFor("KEY", text, { minLength });
        expect(new Set(masks).size).toBe(masks.length);
        for (let i = 1; i < masks.length; i++) expect(masks[i - 1]!.length).toBeGreaterThanOrEqual(masks[i]!.length);
        for (const mask of masks) {
          expect([...mask.trim()].length).toBeGreaterThanOrEqual(minLength);
        }
        if (text.trim().length > 0 && masks.length > 0) expect(masks).toContain(text);
        // Each warning is one of two fixed sentences in full, so it cannot carry any part of the value. (Checking
        // that the value is not a substring was flaky: a random value such as "val" occurs in the word "value".)
        for (const warning of warnings) {
          expect(warning).toMatch(
            /^"KEY": (its value is shorter than \d+ characters, so it is not masked in logs\. Masking text that short would hide every occurrence of it in the output; if it is a secret, make it longer\.|(1 line or JSON field|\d+ lines or JSON fields) of its value (is|are) shorter than \d+ characters, so (it is|they are) masked only where the whole value is printed\.)$/,
          );
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe("masksForAll", () => {
  it("is masksFor of each secret, in order, with the keys it warns about", () => {
    const value = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("hunter22", "  padded secret ", "a\nsecond line", '{"password":"swordfish"}', "😀😀😀😀😀"));
    fc.assert(
      fc.property(fc.array(fc.record({ key: fc.string({ minLength: 1, maxLength: 8 }), value }), { maxLength: 12 }), fc.integer({ min: 1, max: 8 }), (secrets, minLength) => {
        const each = secrets.map((secret) => masksFor(secret.key, secret.value, { minLength }));
        expect(masksForAll(secrets, { minLength })).toEqual({
          masks: each.flatMap((result) => result.masks),
          short: secrets.filter((_, index) => (each[index]?.warnings.length ?? 0) > 0).map((secret) => secret.key),
        });
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a nonsensical minimum length even with nothing to mask", () => {
    expect(() => masksForAll([], { minLength: 0 })).toThrow(/minLength: 0 is not a whole number of at least 1/);
  });
});
