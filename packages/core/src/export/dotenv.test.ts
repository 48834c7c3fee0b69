import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import dotenv from "dotenv";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ExportError } from "./export-error.js";
import { parseDotenv, quoteDotenvValue, writeDotenv } from "./dotenv.js";
import { LONG_VALUES, trickyValue, variables } from "./values.test-util.js";

const dir = mkdtempSync(join(tmpdir(), "dotenv-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `node --env-file` reads from `text`, for the given names, in one child process. */
function readWithNode(text: string, names: readonly string[]): Record<string, string | undefined> {
  const file = join(dir, `n-${Math.random().toString(36).slice(2)}.env`);
  writeFileSync(file, text);
  const script = `process.stdout.write(JSON.stringify(Object.fromEntries(${JSON.stringify(names)}.map((n) => [n, process.env[n]]))))`;
  const child = spawnSync(process.execPath, [`--env-file=${file}`, "-e", script], { env: { PATH: process.env.PATH ?? "" }, encoding: "utf8" });
  rmSync(file);
  if (child.status !== 0) throw new Error(`node --env-file failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as Record<string, string | undefined>;
}

const asRecord = (vars: readonly { name: string; value: string }[]): Record<string, string> =>
  Object.fromEntries(vars.map((v) => [v.name, v.value]));

/** Values the dialect writes in single quotes: no ', no CR, not ending in a backslash. */
const singleQuotable = trickyValue().filter((v) => !v.includes("'") && !v.includes("\r") && !v.endsWith("\\"));
/** "Simple" values: nothing any reader could treat specially. */
const simple = fc.stringMatching(/^[A-Za-z0-9_\-.:/@%+,=~!^*?&|<>{}[\]]([A-Za-z0-9_\-.:/@%+,=~!^*?&|<>{}[\] \\]{0,30}[A-Za-z0-9_\-.:/@%+,=~!^*?&|<>{}[\]])?$/);

describe("writeDotenv", () => {
  it("writes simple values single-quoted, and switches to escaped double quotes only when it must", () => {
    expect(writeDotenv([{ name: "A", value: "plain" }, { name: "B", value: "" }])).toBe("A='plain'\nB=''\n");
    expect(quoteDotenvValue("$HOME #x \"q\" \\ `id`\nline")).toBe("'$HOME #x \"q\" \\ `id`\nline'");
    expect(quoteDotenvValue("it's")).toBe(`"it's"`);
    expect(quoteDotenvValue("it's $X \\ \"q\"\r\n")).toBe(`"it's \\$X \\\\ \\"q\\"\\r\\n"`);
    expect(quoteDotenvValue("ends\\")).toBe(`"ends\\\\"`);
  });

  it("round-trips every value exactly through parseDotenv", () => {
    fc.assert(
      fc.property(variables(trickyValue()), (vars) => {
        expect(parseDotenv(writeDotenv(vars))).toEqual(vars);
      }),
      { numRuns: 400 },
    );
  });

  it("round-trips 40 KB values", () => {
    const vars = LONG_VALUES.map((value, i) => ({ name: `LONG_${i}`, value }));
    expect(parseDotenv(writeDotenv(vars))).toEqual(vars);
  });

  it("is read identically by the dotenv package (both parsers) for simple and single-quotable values", () => {
    fc.assert(
      fc.property(variables(fc.oneof(simple, singleQuotable)), (vars) => {
        const text = writeDotenv(vars);
        expect(dotenv.parse(text)).toEqual(asRecord(vars));
        expect(dotenv.parse(text, { fast: true })).toEqual(asRecord(vars));
      }),
      { numRuns: 300 },
    );
  });

  it("is read identically by the dotenv package for double-quoted values without \\ \" $ or CR", () => {
    const value = trickyValue().filter((v) => v.includes("'") && !/[\\"$\r]/.test(v));
    fc.assert(
      fc.property(variables(value), (vars) => {
        expect(dotenv.parse(writeDotenv(vars))).toEqual(asRecord(vars));
      }),
      { numRuns: 200 },
    );
  });

  it("is read identically by node --env-file for simple and single-quotable values", () => {
    // One child process for many samples keeps this fast.
    const samples = fc.sample(variables(fc.oneof(simple, singleQuotable), 6), { numRuns: 60, seed: 42 });
    samples.push(LONG_VALUES.slice(0, 1).map((value) => ({ name: "X_LONG", value: value.replace(/['\r]/g, "") })));
    const merged = samples.flatMap((vars, i) => vars.map((v) => ({ name: `${v.name}_${i}`, value: v.value })));
    expect(readWithNode(writeDotenv(merged), merged.map((v) => v.name))).toEqual(asRecord(merged));
  });

  it("is read identically by node --env-file for double-quoted values without \\ \" $ or CR", () => {
    const value = trickyValue().filter((v) => v.includes("'") && !/[\\"$\r]/.test(v));
    const samples = fc.sample(variables(value, 6), { numRuns: 40, seed: 7 });
    const merged = samples.flatMap((vars, i) => vars.map((v) => ({ name: `${v.name}_${i}`, value: v.value })));
    expect(readWithNode(writeDotenv(merged), merged.map((v) => v.name))).toEqual(asRecord(merged));
  });

  it("documents what other readers get wrong: a ' together with \\, \" or $, and carriage returns", () => {
    const vars = [
      { name: "X_BACKSLASH", value: "it's a\\b" },
      { name: "X_DOLLAR", value: "it's $HOME" },
      { name: "X_CR", value: "a\r\nb" },
      { name: "X_TRAILING", value: "C:\\dir\\" },
    ];
    const text = writeDotenv(vars);
    expect(asRecord(parseDotenv(text))).toEqual(asRecord(vars));
    expect(dotenv.parse(text)).toEqual({ X_BACKSLASH: "it's a\\\\b", X_DOLLAR: "it's \\$HOME", X_CR: "a\r\nb", X_TRAILING: "C:\\\\dir\\\\" });
    expect(readWithNode(text, ["X_BACKSLASH", "X_DOLLAR", "X_CR", "X_TRAILING"])).toEqual({
      X_BACKSLASH: "it's a\\\\b",
      X_DOLLAR: "it's \\$HOME",
      X_CR: "a\\r\nb",
      X_TRAILING: "C:\\\\dir\\\\",
    });
  });

  it("refuses what the format cannot hold: invalid or repeated names, NUL", () => {
    expect(() => writeDotenv([{ name: "my-key", value: "x" }])).toThrow(ExportError);
    expect(() => writeDotenv([{ name: "A", value: "x" }, { name: "A", value: "y" }])).toThrow(/given twice/);
    expect(() => writeDotenv([{ name: "A", value: "a\0b" }])).toThrow(/NUL/);
  });
});

describe("parseDotenv", () => {
  it("reads common hand-written files", () => {
    const text = [
      "# comment",
      "",
      "export A=plain value  # trailing comment",
      "B = 'single # kept'",
      'C="double \\n escaped \\$HOME"',
      "D=",
      "E=#only a comment",
      "F='multi",
      "line'",
      "G=a#b",
      "H=\"unknown \\q kept\"",
      "I=x\r",
    ].join("\n");
    expect(asRecord(parseDotenv(text))).toEqual({
      A: "plain value",
      B: "single # kept",
      C: "double \n escaped $HOME",
      D: "",
      E: "",
      F: "multi\nline",
      G: "a#b",
      H: "unknown \\q kept",
      I: "x",
    });
  });

  it("names the line of a malformed file and never quotes its text", () => {
    expect(() => parseDotenv("A=1\nB='open\n")).toThrow("dotenv line 2: the single quote of B is never closed");
    expect(() => parseDotenv("A=1\n\nsecret-ish value here\n")).toThrow("dotenv line 3: expected = after the name");
    expect(() => parseDotenv("A='x' trailing")).toThrow("dotenv line 1: unexpected text after the value");
  });
});
