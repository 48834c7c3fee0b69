import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { DELIMITER_MARKER, randomDelimiter, writeBashEnv } from "./bash-env.js";

const dir = mkdtempSync(join(tmpdir(), "bash-env-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Sourced {
  /** Each name's value as bash holds it, byte for byte. */
  values: Buffer[];
  /** Names exported after sourcing that were not before. */
  added: string[];
  /** Shell variables (exported or not) that appeared. */
  addedShellVariables: string[];
  stderr: string;
  /** `$-` after sourcing. */
  flags: string;
  status: number | null;
}

/**
 * Starts `bash` as CircleCI does for a step — non-interactive, `$BASH_ENV` naming the file — and reports what the
 * step sees: each name's value (printf '%s\0', values cannot hold NUL), the environment before and after.
 */
function sourceAsStep(text: string, names: readonly string[], shellFlags: readonly string[] = ["-eo", "pipefail"]): Sourced {
  const file = join(dir, `env-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, text);
  // BASH_ENV is sourced before the script: the "before" snapshot is taken by a separate shell without it.
  const script = [
    // Whatever the shell's flags, the checks themselves must not trace the values they print.
    "__flags=$-; { set +xv; } 2>/dev/null",
    "env -0",
    "printf '%s\\0' --SEP--",
    "compgen -v | tr '\\n' '\\0'",
    "printf '%s\\0' --SEP--",
    "printf '%s\\0' \"$__flags\"",
    ...names.map((name) => `printf '%s\\0' "$${name}"`),
  ].join("\n");
  // stdin is /dev/null: on a socket (libuv's default for child stdio) bash believes rshd started it and reads ~/.bashrc.
  const stdio = ["ignore", "pipe", "pipe"] as const;
  const before = spawnSync("bash", ["-c", script], { env: { PATH: "/usr/bin:/bin" }, stdio: [...stdio] });
  const after = spawnSync("bash", [...shellFlags, "-c", script], { env: { PATH: "/usr/bin:/bin", BASH_ENV: file }, stdio: [...stdio], maxBuffer: 256 * 1024 * 1024 });
  rmSync(file);
  const split = (out: Buffer): Buffer[] => {
    const parts: Buffer[] = [];
    let start = 0;
    for (let index = out.indexOf(0); index >= 0; index = out.indexOf(0, start)) {
      parts.push(out.subarray(start, index));
      start = index + 1;
    }
    return parts;
  };
  const sections = (records: Buffer[]): { env: Set<string>; vars: Set<string>; rest: Buffer[] } => {
    const text = records.map((record) => record.toString("utf8"));
    const first = text.indexOf("--SEP--");
    const second = text.indexOf("--SEP--", first + 1);
    return {
      env: new Set(text.slice(0, first).map((record) => record.slice(0, record.indexOf("=")))),
      vars: new Set(text.slice(first + 1, second)),
      rest: records.slice(second + 1),
    };
  };
  const b = sections(split(before.stdout));
  const a = sections(split(after.stdout));
  const ignored = new Set(["_", "__flags", "BASH_ENV", "BASH_ARGC", "BASH_ARGV", "BASH_LINENO", "BASH_SOURCE", "FUNCNAME"]);
  return {
    values: a.rest.slice(1, 1 + names.length),
    added: [...a.env].filter((name) => !b.env.has(name) && !ignored.has(name)).sort(),
    addedShellVariables: [...a.vars].filter((name) => !b.vars.has(name) && !ignored.has(name)).sort(),
    stderr: after.stderr.toString("utf8"),
    flags: a.rest[0]?.toString("utf8") ?? "",
    status: after.status,
  };
}

/** Pieces that break naive BASH_ENV writers, glued together into values. */
const PIECES = [
  "'", '"', "`", "$", "${X}", "$(touch /tmp/x)", "`id`", "\\", "\\n", "'\\''", "\n", "\r\n", "\r", "\t", " ",
  "EOF", "'EOF'", "SECRETS_ACTION", "SECRETS_ACTION_EO", "<<", "<<'X'", ")", "\"$(", "export X=1", "; X=1", "|| :",
  "IFS=", "$'\\n'", "!", "!!", "*", "?", "~", "#", "%", "😀", "中文", "e\u0301", "\u00a0", "\u2028", "\u0085", "\u001b[31m",
];
const tricky = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: "grapheme", maxLength: 8 })), { maxLength: 12 }).map((parts) => parts.join(""));

describe("writeBashEnv", () => {
  it("writes one heredoc per value with its own delimiter, read exactly and exported", () => {
    let n = 0;
    const text = writeBashEnv([{ name: "A", value: "x" }, { name: "B", value: "" }], { delimiter: () => `${DELIMITER_MARKER}${++n}` });
    expect(text).toBe(
      [
        "case $- in *[xv]*) __secrets_action_shell_opts=$-; set +xv ;; *) __secrets_action_shell_opts= ;; esac",
        `IFS= read -r -d '' A <<'${DELIMITER_MARKER}1' || :`,
        "x",
        `${DELIMITER_MARKER}1`,
        "A=${A%$'\\n'}",
        "export A",
        `IFS= read -r -d '' B <<'${DELIMITER_MARKER}2' || :`,
        "",
        `${DELIMITER_MARKER}2`,
        "B=${B%$'\\n'}",
        "export B",
        "case $__secrets_action_shell_opts in *x*) set -x ;; esac; case $__secrets_action_shell_opts in *v*) set -v ;; esac; unset __secrets_action_shell_opts",
        "",
      ].join("\n"),
    );
  });

  it("uses a fresh 128-bit delimiter for every value", () => {
    const delimiters = new Set(Array.from({ length: 1000 }, randomDelimiter));
    expect(delimiters.size).toBe(1000);
    for (const delimiter of delimiters) expect(delimiter).toMatch(new RegExp(`^${DELIMITER_MARKER}[0-9a-f]{32}$`));
    const text = writeBashEnv([{ name: "A", value: "1" }, { name: "B", value: "2" }]);
    const used = [...text.matchAll(/<<'([^']+)'/g)].map((match) => match[1]);
    expect(new Set(used).size).toBe(2);
  });

  it("a later step sees exactly the value: trailing newlines, empty, CR, quotes, $, backticks, backslashes, unicode", () => {
    const values: Record<string, string> = {
      TRAILING_NEWLINE: "ends with a newline\n",
      TWO_TRAILING_NEWLINES: "two\n\n",
      ONLY_NEWLINES: "\n\n\n",
      EMPTY: "",
      CRLF: "line one\r\nline two\r\n",
      LONE_CR: "carriage\r",
      QUOTES: `it's "double" and 'single'`,
      DOLLARS: "cost $HOME ${PATH} $(whoami) `id` \\ backslash \\",
      LEADING_AND_TRAILING_BLANKS: "  \t padded \t  ",
      UNICODE: "ünïcødé ✓ 🔑 مرحبا 中文 e\u0301 \u2028",
      PEM: "-----BEGIN KEY-----\nMIIB\nAAAA==\n-----END KEY-----\n",
      LOOKS_LIKE_HEREDOC: "EOF\n'EOF'\nSECRETS_ACTION_EO\n<<'X'\nX",
      // Below Linux's 128 KiB limit for one variable (planExport refuses larger ones).
      LARGE: "0123456789abcdef".repeat(6000),
    };
    const names = Object.keys(values);
    const sourced = sourceAsStep(writeBashEnv(Object.entries(values).map(([name, value]) => ({ name, value }))), names);
    expect(sourced.status).toBe(0);
    expect(sourced.stderr).toBe("");
    expect(sourced.values.map((value) => value.toString("utf8"))).toEqual(Object.values(values));
    expect(sourced.added).toEqual([...names].sort());
    expect(sourced.addedShellVariables).toEqual([...names].sort());
  });

  it("round-trips any value exactly and sets nothing but the names (property, real bash)", () => {
    fc.assert(
      fc.property(fc.array(tricky, { minLength: 1, maxLength: 6 }), (raw) => {
        const values = raw.filter((value) => !value.includes("\0") && !/\p{Surrogate}/u.test(value));
        fc.pre(values.length > 0);
        const variables = values.map((value, index) => ({ name: `V_${index}`, value }));
        const sourced = sourceAsStep(writeBashEnv(variables), variables.map((variable) => variable.name));
        expect(sourced.status).toBe(0);
        expect(sourced.stderr).toBe("");
        expect(sourced.values.map((value) => value.toString("utf8"))).toEqual(values);
        expect(sourced.addedShellVariables).toEqual(variables.map((variable) => variable.name).sort());
      }),
      { numRuns: 60 },
    );
  });

  it("works under set -euo pipefail, and two blocks (two loads) apply in order", () => {
    const first = writeBashEnv([{ name: "A", value: "first" }, { name: "B", value: "b" }]);
    const second = writeBashEnv([{ name: "A", value: "second\n" }]);
    const sourced = sourceAsStep(first + second, ["A", "B"], ["-euo", "pipefail"]);
    expect(sourced.status).toBe(0);
    expect(sourced.values.map(String)).toEqual(["second\n", "b"]);
  });

  it("prints no value when the step's shell traces (-x) or echoes (-v), and leaves those options as they were", () => {
    const secret = "s3cr3t-value-\n-second-line";
    const text = writeBashEnv([{ name: "TOKEN", value: secret }]);
    for (const [flags, kept] of [[["-x"], "x"], [["-v"], "v"], [["-xv"], "xv"], [["-eox", "pipefail"], "ex"]] as const) {
      const sourced = sourceAsStep(text, ["TOKEN"], flags);
      expect(sourced.status).toBe(0);
      expect(sourced.values[0]?.toString("utf8")).toBe(secret);
      expect(sourced.stderr).not.toContain("s3cr3t");
      expect(sourced.stderr).not.toContain("second-line");
      for (const flag of kept) expect(sourced.flags).toContain(flag);
    }
  });

  it("refuses, before writing anything, a value that contains the delimiter or its marker, naming the key only", () => {
    const breakout = `harmless\n${DELIMITER_MARKER}0123456789abcdef0123456789abcdef\nexport PWNED=1\ntouch /tmp/pwned`;
    let error: unknown;
    try {
      writeBashEnv([{ name: "GOOD", value: "fine" }, { name: "EVIL", value: breakout }]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: "EXPORT" });
    const message = (error as Error).message;
    expect(message).toContain('"EVIL"');
    expect(message).not.toContain("PWNED");
    expect(message).not.toContain("harmless");
    // With a known delimiter, a value containing it exactly is refused too.
    expect(() => writeBashEnv([{ name: "X", value: "a\nFIXED\nb" }], { delimiter: () => "FIXED" })).toThrow(/"X"/);
  });

  it("refuses NUL, unpaired surrogates and invalid or repeated names, listing every problem", () => {
    expect(() => writeBashEnv([{ name: "N", value: "a\0b" }])).toThrow(/NUL/);
    expect(() => writeBashEnv([{ name: "S", value: "\ud800x" }])).toThrow(/surrogate/);
    expect(() => writeBashEnv([{ name: "1BAD", value: "x" }])).toThrow(/"1BAD"/);
    expect(() => writeBashEnv([{ name: "A", value: "x" }, { name: "A", value: "y" }])).toThrow(/twice/);
  });

  it("writes nothing for no variables", () => {
    expect(writeBashEnv([])).toBe("");
  });
});
