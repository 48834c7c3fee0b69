import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseJson, writeJson } from "./json.js";
import { LONG_VALUES, trickyValue, variables } from "./values.test-util.js";

/** Any JS string, lone surrogates and NUL included: JSON escapes them all. */
const anyString = fc.oneof(trickyValue(), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 20 }));

describe("writeJson", () => {
  it("writes an indented object in the given order, {} when empty", () => {
    expect(writeJson([{ name: "B", value: "1" }, { name: "A", value: "x\"y" }])).toBe('{\n  "B": "1",\n  "A": "x\\"y"\n}\n');
    expect(writeJson([])).toBe("{}\n");
  });

  it("round-trips every value exactly through JSON.parse", () => {
    fc.assert(
      fc.property(variables(anyString), (vars) => {
        const text = writeJson(vars);
        expect(parseJson(text)).toEqual(vars);
        expect(JSON.parse(text)).toEqual(Object.fromEntries(vars.map((v) => [v.name, v.value])));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps names that objects treat specially, in order", () => {
    const vars = [
      { name: "2", value: "two" },
      { name: "__proto__", value: "p" },
      { name: "1", value: "one" },
      { name: "constructor", value: "c" },
    ];
    const parsed = JSON.parse(writeJson(vars)) as Record<string, string>;
    expect(Object.getOwnPropertyDescriptor(parsed, "__proto__")?.value).toBe("p");
    expect(parseJson(writeJson(vars)).map((v) => v.name).sort()).toEqual(["1", "2", "__proto__", "constructor"]);
  });

  it("round-trips 40 KB values", () => {
    const vars = LONG_VALUES.map((value, i) => ({ name: `L${i}`, value }));
    expect(parseJson(writeJson(vars))).toEqual(vars);
  });

  it("refuses empty or repeated names; parseJson refuses what is not an object of strings, without quoting it", () => {
    expect(() => writeJson([{ name: "", value: "x" }])).toThrow(/empty/);
    expect(() => writeJson([{ name: "A", value: "1" }, { name: "A", value: "2" }])).toThrow(/twice/);
    expect(() => parseJson("[1]")).toThrow(/object/);
    expect(() => parseJson('{"A": 1}')).toThrow(/not a string/);
    expect(() => parseJson('{"A": "hunter2-secret')).toThrow("json: not valid JSON");
  });
});
