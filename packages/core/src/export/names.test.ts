import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ENV_NAME_PATTERN, invalidEnvNameReason, isValidEnvName, normaliseEnvName } from "./names.js";

describe("environment names", () => {
  it("accepts POSIX names and rejects the ones users trip over", () => {
    for (const name of ["A", "_", "_1", "DB_URL", "tf_var_x", "A1_b2"]) expect(isValidEnvName(name)).toBe(true);
    for (const name of ["my-key", "dotted.key", "1LEADING", "with space", "", "é", "A=B", "line\nbreak"]) {
      expect(isValidEnvName(name)).toBe(false);
    }
  });

  it("decides exactly as ENV_NAME_PATTERN does", () => {
    const name = fc.oneof(fc.string({ maxLength: 12 }), fc.stringMatching(/^[A-Za-z0-9_]{0,8}$/), fc.string({ unit: "binary", maxLength: 6 }));
    fc.assert(
      fc.property(name, (text) => {
        expect(isValidEnvName(text)).toBe(ENV_NAME_PATTERN.test(text));
      }),
      { numRuns: 1000 },
    );
    for (const edge of ["@", "[", "`", "{", "/", ":", "0", "9", "Z", "a", "z", "_"]) expect(isValidEnvName(edge)).toBe(ENV_NAME_PATTERN.test(edge));
  });

  it("says what is wrong with a name, showing the offending characters", () => {
    expect(invalidEnvNameReason("my-key")).toBe("contains '-'");
    expect(invalidEnvNameReason("1LEADING")).toBe("starts with a digit");
    expect(invalidEnvNameReason("1a.b-c")).toBe("starts with a digit and contains '.' and '-'");
    expect(invalidEnvNameReason("with space")).toBe("contains a space");
    expect(invalidEnvNameReason("")).toBe("is empty");
    expect(invalidEnvNameReason("a\tb")).toBe("contains U+0009");
    expect(invalidEnvNameReason("OK")).toBeUndefined();
  });

  it("normalises by replacing each invalid character with _ and guarding a leading digit, keeping case", () => {
    expect(normaliseEnvName("my-key")).toBe("my_key");
    expect(normaliseEnvName("dotted.key")).toBe("dotted_key");
    expect(normaliseEnvName("1LEADING")).toBe("_1LEADING");
    expect(normaliseEnvName("with space")).toBe("with_space");
    expect(normaliseEnvName("café😀")).toBe("caf__");
    expect(normaliseEnvName("")).toBe("");
  });

  it("always normalises a non-empty name into a valid one, and leaves valid names alone", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", minLength: 1, maxLength: 20 }), (name) => {
        const normalised = normaliseEnvName(name);
        expect(isValidEnvName(normalised)).toBe(true);
        if (isValidEnvName(name)) expect(normalised).toBe(name);
      }),
      { numRuns: 300 },
    );
  });
});
