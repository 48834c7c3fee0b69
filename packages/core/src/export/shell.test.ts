import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ExportError } from "./export-error.js";
import { parseShell, quoteShellValue, writeShell } from "./shell.js";
import { LONG_VALUES, trickyValue, variables } from "./values.test-util.js";

const dir = mkdtempSync(join(tmpdir(), "shell-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const shells = ["bash", "dash"].filter((shell) => spawnSync(shell, ["-c", "true"]).status === 0);

interface Sourced {
  /** The values of the given names after sourcing, as the shell sees them. */
  values: string[];
  /** Names in the environment after sourcing that were not there before. */
  added: string[];
}

/**
 * Source `text` in `shell` with an empty environment and report what it set: `env -0` before and after, then each
 * name's value with printf '%s\0' (values cannot hold NUL), all NUL-separated on stdout.
 */
function source(shell: string, text: string, names: readonly string[]): Sourced {
  const file = join(dir, `s-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, text);
  const script = [
    "env -0",
    "printf '%s\\0' --SEP--",
    `. '${file}'`,
    "env -0",
    "printf '%s\\0' --SEP--",
    ...names.map((name) => `printf '%s\\0' "$${name}"`),
  ].join("\n");
  const child = spawnSync(shell, ["-c", script], { env: { PATH: "/usr/bin:/bin" }, maxBuffer: 64 * 1024 * 1024 });
  rmSync(file);
  if (child.status !== 0) throw new Error(`${shell} failed: ${child.stderr.toString()}`);
  const records = child.stdout.toString("utf8").split("\0");
  const first = records.indexOf("--SEP--");
  const second = records.indexOf("--SEP--", first + 1);
  const namesOf = (list: string[]): Set<string> => new Set(list.map((record) => record.slice(0, record.indexOf("="))));
  const before = namesOf(records.slice(0, first));
  const after = namesOf(records.slice(first + 1, second));
  return {
    values: records.slice(second + 1, second + 1 + names.length),
    added: [...after].filter((name) => !before.has(name) && name !== "_").sort(),
  };
}

describe("writeShell", () => {
  it("found a shell to test with", () => {
    expect(shells).toContain("bash");
  });

  it("single-quotes every value and writes ' as '\\''", () => {
    expect(writeShell([{ name: "A", value: "it's $(x)\n" }])).toBe("export A='it'\\''s $(x)\n'\n");
    expect(quoteShellValue("")).toBe("''");
  });

  it("round-trips every value exactly through parseShell", () => {
    fc.assert(
      fc.property(variables(trickyValue()), (vars) => {
        expect(parseShell(writeShell(vars))).toEqual(vars);
      }),
      { numRuns: 400 },
    );
  });

  for (const shell of shells) {
    it(`round-trips every value exactly when sourced by ${shell}, setting nothing else`, () => {
      // Many samples per child process keeps the property test fast.
      const batches = fc.sample(fc.array(variables(trickyValue(), 6), { minLength: 10, maxLength: 10 }), { numRuns: 12, seed: 1 });
      batches.push([LONG_VALUES.map((value, i) => ({ name: `X_LONG${i}`, value }))]);
      for (const batch of batches) {
        const merged = batch.flatMap((vars, i) => vars.map((v) => ({ name: `${v.name}_${i}`, value: v.value })));
        const names = merged.map((v) => v.name);
        const result = source(shell, writeShell(merged), names);
        expect(result.values).toEqual(merged.map((v) => v.value));
        expect(result.added).toEqual([...names].sort());
      }
    });

    it(`runs nothing when ${shell} sources values made to inject commands`, () => {
      const marker = join(dir, `pwned-${Math.random().toString(36).slice(2)}`);
      const payloads = [
        `$(touch ${marker})`,
        `\`touch ${marker}\``,
        `'; touch ${marker}; '`,
        `'\ntouch ${marker}\n'`,
        `"; touch ${marker}; "`,
        `\\'; touch ${marker} #`,
        `\ntouch ${marker}\n`,
        `x'$(touch ${marker})'`,
        `'"'"'; touch ${marker}; echo '`,
        `\${IFS}; touch ${marker}`,
        `'\\''; touch ${marker}; '\\''`,
        `\nexport INJECTED=1\n`,
        `'\nexport INJECTED=1\n'`,
      ];
      const vars = payloads.map((value, i) => ({ name: `P${i}`, value }));
      const result = source(shell, writeShell(vars), vars.map((v) => v.name));
      expect(existsSync(marker)).toBe(false);
      expect(result.values).toEqual(payloads);
      expect(result.added).toEqual(vars.map((v) => v.name).sort());
    });
  }

  it("refuses invalid names, which would be shell syntax, and NUL", () => {
    expect(() => writeShell([{ name: "A;touch x", value: "v" }])).toThrow(ExportError);
    expect(() => writeShell([{ name: "A", value: "\0" }])).toThrow(/NUL/);
  });
});

describe("parseShell", () => {
  it("reads simple hand-written lines and refuses anything a shell would expand", () => {
    expect(parseShell("# c\nA=plain\nexport B='x'\\''y' ; # c\nC=a\\ b\n")).toEqual([
      { name: "A", value: "plain" },
      { name: "B", value: "x'y" },
      { name: "C", value: "a b" },
    ]);
    expect(() => parseShell("A=$HOME")).toThrow("shell line 1");
    expect(() => parseShell('A="x"')).toThrow(/would expand/);
    expect(() => parseShell("A=`id`")).toThrow(/would expand/);
  });
});
