import { describe, expect, it } from "vitest";
import { normaliseSecretPath, pathDepth } from "./paths.js";

describe("normaliseSecretPath", () => {
  it.each([
    ["/", "/"],
    ["", "/"],
    ["app", "/app"],
    ["/app/", "/app"],
    ["//app//db/", "/app/db"],
    ["  /app  ", "/app"],
  ])("%j → %j", (input, expected) => {
    expect(normaliseSecretPath(input)).toBe(expected);
  });

  it("refuses relative segments with a message naming the input", () => {
    expect(() => normaliseSecretPath("/app/../prod")).toThrowError(/secret path "\/app\/\.\.\/prod": "\.\." segments are not allowed/);
  });

  it("counts depth by segments", () => {
    expect([pathDepth("/"), pathDepth("/app"), pathDepth("/app/db")]).toEqual([0, 1, 2]);
  });
});
