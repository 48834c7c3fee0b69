import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodedForms } from "./encoded-forms.js";

describe("encodedForms", () => {
  it("includes base64 of the value, URL encodings and JSON escapes, never the value itself", () => {
    const secret = 'a b!"é/+';
    const forms = encodedForms(secret);
    expect(forms).toContain(Buffer.from(secret).toString("base64"));
    expect(forms).toContain(encodeURIComponent(secret));
    expect(forms).toContain(encodeURIComponent(secret).replace(/%20/g, "+"));
    expect(forms).toContain(new URLSearchParams({ x: secret }).toString().slice(2));
    expect(forms).toContain(JSON.stringify(secret).slice(1, -1));
    expect(forms).toContain('a b!\\"\\u00e9/+');
    expect(forms).not.toContain(secret);
    expect(new Set(forms).size).toBe(forms.length);
  });

  it("leaves out forms equal to the value: a plain alphanumeric secret only has its base64 forms", () => {
    const forms = encodedForms("hunter22");
    expect(forms.every((form) => /^[A-Za-z0-9+/_=-]+$/.test(form))).toBe(true);
    expect(forms).toContain("aHVudGVyMjI=");
  });

  it("covers the secret wherever it falls inside a longer base64-encoded text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 6, maxLength: 30 }), fc.uint8Array({ maxLength: 7 }), fc.uint8Array({ maxLength: 7 }), (secret, before, after) => {
        const encoded = Buffer.concat([before, Buffer.from(secret), after]).toString("base64");
        const urlEncoded = encoded.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
        const forms = encodedForms(secret);
        expect(forms.some((form) => encoded.includes(form))).toBe(true);
        expect(forms.some((form) => urlEncoded.includes(form))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("drops forms shorter than the minimum length, and copes with a lone surrogate", () => {
    expect(encodedForms("ab", { minLength: 6 })).toEqual([]);
    expect(encodedForms("ab", { minLength: 1 })).toContain("YWI=");
    expect(() => encodedForms("abc\ud800def")).not.toThrow();
  });
});
