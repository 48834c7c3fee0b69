import { describe, expect, it } from "vitest";
import { closest, editDistance } from "./suggest.js";

describe("closest", () => {
  it("suggests the likely intended word for a typo, ignoring case", () => {
    expect(closest("odic", ["universal", "oidc", "aws-iam", "token"])).toBe("oidc");
    expect(closest("evn", ["env", "output", "file", "none"])).toBe("env");
    expect(closest("--domian", ["--domain", "--method"])).toBe("--domain");
    expect(closest("ENV", ["env", "file"])).toBe("env");
  });

  it("suggests nothing for a word unlike every candidate", () => {
    expect(closest("kubernetes", ["universal", "oidc", "aws-iam", "token"])).toBeUndefined();
    expect(closest("x", [])).toBeUndefined();
  });

  it("measures insertions, deletions and substitutions", () => {
    expect([editDistance("", "abc"), editDistance("abc", "abc"), editDistance("kitten", "sitting")]).toEqual([3, 0, 3]);
  });
});
