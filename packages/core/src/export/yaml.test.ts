import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse as parseWithYamlPackage } from "yaml";
import { parseYaml, quoteYamlString, writeYaml } from "./yaml.js";
import { LONG_VALUES, trickyValue, variables } from "./values.test-util.js";

/** Every UTF-16 code unit, lone surrogates and controls included. */
const anyString = fc.oneof(
  trickyValue(),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
);

const WORDS_YAML_COERCES = ["on", "off", "yes", "no", "y", "n", "true", "False", "null", "Null", "~", "", "1e3", "0x10", "0o17", "012", "1_000", ".inf", "-.Inf", ".NaN", "2001-12-14", "12:30:00", "<<", "=", "&a", "*a", "!!str", "- x", "? x", "[1]", "{a: 1}", "|", ">", "'", '"', "#", " x", "x ", "%YAML"];

describe("writeYaml", () => {
  it("writes one double-quoted line per variable", () => {
    expect(writeYaml([{ name: "A", value: "line\nbreak \"q\" \\" }])).toBe('"A": "line\\nbreak \\"q\\" \\\\"\n');
    expect(writeYaml([])).toBe("{}\n");
    expect(quoteYamlString("\u0000\u0085\u2028\ufeff\ud800")).toBe('"\\0\\u0085\\u2028\\uFEFF\\uD800"');
  });

  it("keeps words YAML would turn into booleans, nulls, numbers, dates or aliases as strings, names too", () => {
    const vars = WORDS_YAML_COERCES.map((word, i) => ({ name: word === "" ? `E${i}` : word, value: word }));
    const unique = vars.filter((v, i) => vars.findIndex((w) => w.name === v.name) === i);
    const text = writeYaml(unique);
    expect(parseWithYamlPackage(text)).toEqual(Object.fromEntries(unique.map((v) => [v.name, v.value])));
    expect(parseWithYamlPackage(text, { version: "1.1" })).toEqual(Object.fromEntries(unique.map((v) => [v.name, v.value])));
    expect(parseYaml(text)).toEqual(unique);
  });

  it("round-trips every value exactly through the yaml package (YAML 1.2 and 1.1) and through parseYaml", () => {
    fc.assert(
      fc.property(variables(anyString), (vars) => {
        const text = writeYaml(vars);
        const expected = Object.fromEntries(vars.map((v) => [v.name, v.value]));
        expect(parseWithYamlPackage(text)).toEqual(expected);
        expect(parseWithYamlPackage(text, { version: "1.1" })).toEqual(expected);
        expect(parseYaml(text)).toEqual(vars);
      }),
      { numRuns: 300 },
    );
  });

  it("round-trips any name, not only environment names", () => {
    fc.assert(
      fc.property(fc.uniqueArray(anyString.filter((s) => s !== ""), { minLength: 1, maxLength: 6 }), (names) => {
        const vars = names.map((name) => ({ name, value: name }));
        const parsed = parseWithYamlPackage(writeYaml(vars)) as Record<string, string>;
        expect(Object.keys(parsed).sort()).toEqual([...names].sort());
        expect(parseYaml(writeYaml(vars))).toEqual(vars);
      }),
      { numRuns: 200 },
    );
  });

  it("round-trips 40 KB values", () => {
    const vars = LONG_VALUES.map((value, i) => ({ name: `L${i}`, value }));
    expect(parseWithYamlPackage(writeYaml(vars), { maxAliasCount: -1 })).toEqual(Object.fromEntries(vars.map((v) => [v.name, v.value])));
    expect(parseYaml(writeYaml(vars))).toEqual(vars);
  });

  it("parseYaml reads every YAML escape and refuses other YAML", () => {
    expect(parseYaml('---\n# c\n"a\\x41\\U0001F600\\N\\_\\L\\P\\/\\ \\e": "\\t\\a"  # c\n')).toEqual([{ name: "aA😀\u0085\u00a0\u2028\u2029/ \x1b", value: "\t\x07" }]);
    expect(() => parseYaml("a: b")).toThrow("yaml line 1");
    expect(() => parseYaml('"a": "open')).toThrow(/not closed/);
    expect(() => parseYaml('"a": "\\q"')).toThrow(/unknown escape/);
  });
});
