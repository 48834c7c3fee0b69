import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ExportError } from "./export-error.js";
import { parseGithubEnv, writeGithubEnv } from "./github-env.js";
import { LONG_VALUES, trickyValue, variables } from "./values.test-util.js";

describe("writeGithubEnv", () => {
  it("writes one heredoc per variable under a random ghadelimiter_<32 hex digits>, fresh for each call, all in one string", () => {
    const variables = [{ name: "A", value: "1" }, { name: "B", value: "two\nlines" }];
    const text = writeGithubEnv(variables);
    const match = /^A<<(ghadelimiter_[0-9a-f]{32})\n1\n\1\nB<<\1\ntwo\nlines\n\1\n$/.exec(text);
    expect(match).not.toBeNull();
    expect(writeGithubEnv(variables)).not.toBe(text);
  });

  it("makes the delimiter once per call, after seeing every value", () => {
    let made = 0;
    const delimiter = (): string => `D${++made}`;
    expect(writeGithubEnv([{ name: "A", value: "1" }, { name: "B", value: "2" }, { name: "C", value: "3" }], { delimiter })).toBe("A<<D1\n1\nD1\nB<<D1\n2\nD1\nC<<D1\n3\nD1\n");
    expect(made).toBe(1);
  });

  it("round-trips every value exactly through the runner's parser, on Linux and on Windows", () => {
    fc.assert(
      fc.property(variables(trickyValue()), (vars) => {
        expect(parseGithubEnv(writeGithubEnv(vars))).toEqual(vars);
        const windowsSafe = vars.map((v) => ({ name: v.name, value: v.value.endsWith("\r") ? `${v.value}x` : v.value }));
        expect(parseGithubEnv(writeGithubEnv(windowsSafe, { platform: "win32" }), { platform: "win32" })).toEqual(windowsSafe);
      }),
      { numRuns: 400 },
    );
  });

  it("round-trips empty values, lone newlines and 40 KB values", () => {
    const vars = [
      { name: "EMPTY", value: "" },
      { name: "NL", value: "\n" },
      { name: "NLNL", value: "\n\n" },
      { name: "CR", value: "x\r" },
      ...LONG_VALUES.map((value, i) => ({ name: `L${i}`, value })),
    ];
    expect(parseGithubEnv(writeGithubEnv(vars))).toEqual(vars);
  });

  it("refuses a value or name holding its delimiter, so a value cannot smuggle in another variable", () => {
    const delimiter = () => "ghadelimiter_fixed";
    const smuggle = "x\nghadelimiter_fixed\nPATH<<E\n/evil\nE";
    expect(() => writeGithubEnv([{ name: "A", value: smuggle }], { delimiter })).toThrow(ExportError);
    expect(() => writeGithubEnv([{ name: "A", value: smuggle }], { delimiter })).toThrow(/value of "A" contains its heredoc delimiter/);
    expect(() => writeGithubEnv([{ name: "Aghadelimiter_fixed", value: "v" }], { delimiter })).toThrow(/name .* contains its heredoc delimiter/);
    // With the real random delimiter the same value is harmless: it stays one value.
    expect(parseGithubEnv(writeGithubEnv([{ name: "A", value: smuggle }]))).toEqual([{ name: "A", value: smuggle }]);
  });

  it("refuses names the runner would misread, NUL, and on Windows a trailing CR", () => {
    for (const name of ["A=B", "A<<B", "A\nB", ""]) expect(() => writeGithubEnv([{ name, value: "v" }])).toThrow(ExportError);
    expect(writeGithubEnv([{ name: "db-url", value: "v" }])).toContain("db-url<<");
    expect(() => writeGithubEnv([{ name: "A", value: "\0" }])).toThrow(/NUL/);
    expect(() => writeGithubEnv([{ name: "A", value: "x\r" }], { platform: "win32" })).toThrow(/carriage return/);
  });
});

describe("parseGithubEnv", () => {
  it("reads NAME=value lines and heredocs, whichever of = and << comes first", () => {
    const text = "A=1\n\nB<<EOF\nx=y\nEOF\nC=a<<b\nD<<E=F\nv\nE=F\nE=\n";
    expect(parseGithubEnv(text)).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "x=y" },
      { name: "C", value: "a<<b" },
      { name: "D", value: "v" },
      { name: "E", value: "" },
    ]);
  });

  it("ends lines at CR LF only on Windows, as the runner does", () => {
    const text = "A<<EOF\r\nv\r\nEOF\r\n";
    expect(parseGithubEnv(text, { platform: "win32" })).toEqual([{ name: "A", value: "v" }]);
    // On Linux the CR belongs to the line: the delimiter is "EOF\r" and so is the line that closes it.
    expect(parseGithubEnv(text)).toEqual([{ name: "A", value: "v\r" }]);
  });

  it("fails as the runner fails, without quoting the file", () => {
    expect(() => parseGithubEnv("=secret-value\n")).toThrow("GITHUB_ENV line 1: the name before = is empty");
    expect(() => parseGithubEnv("A\nsecret-value\n")).toThrow("GITHUB_ENV line 1: neither NAME=value nor NAME<<DELIMITER");
    expect(() => parseGithubEnv("A<<EOF\nsecret")).toThrow(/closing delimiter is missing/);
    expect(() => parseGithubEnv("A<<\nx\n")).toThrow(/must not be empty/);
  });
});
