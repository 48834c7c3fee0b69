import { describe, expect, it } from "vitest";
import { jsonLeaves } from "./json-leaves.js";

describe("jsonLeaves", () => {
  it("returns decoded string leaves and number leaves as written, skipping keys and literals", () => {
    const text = '{ "a" : "x\\"y\\u00e9", "b": [1, -2.5e+3, "z", true, null, {"c"\n:"d"}], "n": 12345678901234567890 }';
    expect(jsonLeaves(text)).toEqual({ strings: ['x"yé', "z", "d"], numbers: ["1", "-2.5e+3", "12345678901234567890"] });
  });

  it("reads only objects and arrays, and only valid JSON", () => {
    expect(jsonLeaves('"just a string"')).toBeUndefined();
    expect(jsonLeaves("123456")).toBeUndefined();
    expect(jsonLeaves("{broken")).toBeUndefined();
    expect(jsonLeaves("  [\"a\"]  ")).toEqual({ strings: ["a"], numbers: [] });
  });
});
