import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSecretsActionError } from "../errors.js";
import { ExportError } from "./export-error.js";
import { isValidEnvName } from "./names.js";
import { invalidNameOptions, planExport, type ExportSecret } from "./plan.js";
import { reservedNameReason } from "./reserved.js";

const secret = (key: string, value = "v-" + key): ExportSecret => ({ key, value });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("planExport", () => {
  it("exports valid names as they are, in order", () => {
    const plan = planExport([secret("B"), secret("a"), secret("DB_URL")]);
    expect(plan.entries).toEqual([
      { name: "B", value: "v-B", key: "B" },
      { name: "a", value: "v-a", key: "a" },
      { name: "DB_URL", value: "v-DB_URL", key: "DB_URL" },
    ]);
    expect(plan.skipped).toEqual([]);
    expect(plan.refused).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });

  it("skips invalid names with one warning naming each key and how to opt in, never a value", () => {
    const plan = planExport([secret("my-key", "s3cr3t-1"), secret("dotted.key", "s3cr3t-2"), secret("1LEADING"), secret("with space"), secret(""), secret("OK")]);
    expect(plan.entries.map((entry) => entry.name)).toEqual(["OK"]);
    expect(plan.skipped.map((problem) => problem.key)).toEqual(["my-key", "dotted.key", "1LEADING", "with space", ""]);
    expect(plan.warnings).toHaveLength(1);
    const warning = plan.warnings[0] ?? "";
    for (const key of ['"my-key"', '"dotted.key"', '"1LEADING"', '"with space"']) expect(warning).toContain(key);
    expect(warning).toContain("normalise: true");
    expect(warning).toContain("my_key, dotted_key, _1LEADING, with_space");
    expect(warning).not.toContain("s3cr3t");
  });

  it("names the adapter's inputs in its messages", () => {
    const plan = planExport([secret("my-key"), secret("PATH")], { inputNames: { normalise: "invalid-names: normalise", allowReserved: "allow-reserved", prefix: "env-prefix" } });
    expect(plan.warnings.join("\n")).toContain("Set invalid-names: normalise to export them");
    expect(plan.warnings.join("\n")).toContain("allow-reserved");
    expect(plan.warnings.join("\n")).toContain("env-prefix");
  });

  it("normalises invalid names on request and says which were renamed", () => {
    const plan = planExport([secret("my-key"), secret("1X"), secret("ok")], { normalise: true });
    expect(plan.entries.map((entry) => [entry.key, entry.name])).toEqual([
      ["my-key", "my_key"],
      ["1X", "_1X"],
      ["ok", "ok"],
    ]);
    expect(plan.warnings).toEqual(['Exported 2 secrets under a normalised name: "my-key" → my_key, "1X" → _1X.']);
    expect(planExport([secret("")], { normalise: true }).skipped).toEqual([{ key: "", reason: "the key is empty" }]);
  });

  it("fails on a collision created by normalisation, listing both keys", () => {
    const error = thrown(() => planExport([secret("a-b"), secret("a.b"), secret("fine")], { normalise: true }));
    expect(error).toBeInstanceOf(ExportError);
    expect(isSecretsActionError(error) && error.code).toBe("EXPORT");
    expect((error as ExportError).problems).toEqual(['"a-b" and "a.b" would both be exported as a_b']);
    expect((error as ExportError).toLine()).toContain("Rename one secret");
  });

  it("collects every collision at once, and tells a repeated key from a renamed one", () => {
    const error = thrown(() =>
      planExport([secret("a-b"), secret("a_b"), secret("K", "1"), secret("K", "2"), secret("x.y"), secret("x-y"), secret("x_y")], { normalise: true }),
    ) as ExportError;
    expect(error.problems).toEqual([
      '"a-b" and "a_b" would both be exported as a_b',
      '"K" appears 2 times with different values',
      '"x.y" and "x-y" and "x_y" would all be exported as x_y',
    ]);
  });

  it("collapses a key repeated with the same value", () => {
    expect(planExport([secret("K", "1"), secret("K", "1")]).entries).toEqual([{ name: "K", value: "1", key: "K" }]);
  });

  it("applies prefix and suffix before the name rules, so TF_VAR_ rescues a leading digit", () => {
    const plan = planExport([secret("1x"), secret("db"), secret("PATH")], { prefix: "TF_VAR_", suffix: "_V1" });
    expect(plan.entries.map((entry) => entry.name)).toEqual(["TF_VAR_1x_V1", "TF_VAR_db_V1", "TF_VAR_PATH_V1"]);
    expect(plan.refused).toEqual([]);
  });

  it("checks the reserved list after the prefix, so a prefix can create a reserved name", () => {
    const plan = planExport([secret("TOKEN")], { prefix: "GITHUB_" });
    expect(plan.refused).toEqual([{ key: "TOKEN", reason: "GITHUB_TOKEN is reserved: GitHub Actions sets it (GITHUB_ENV, GITHUB_OUTPUT and GITHUB_PATH decide what later steps get)" }]);
  });

  it("changes case on request, before the prefix", () => {
    const plan = planExport([secret("db_url"), secret("Api-Key")], { nameCase: "upper", prefix: "tf_", normalise: true });
    expect(plan.entries.map((entry) => entry.name)).toEqual(["tf_DB_URL", "tf_API_KEY"]);
    expect(planExport([secret("DB_URL")], { nameCase: "lower" }).entries[0]?.name).toBe("db_url");
  });

  it("refuses a malformed prefix, suffix or allow-list before looking at any secret, all at once", () => {
    const error = thrown(() => planExport([secret("A")], { prefix: "TF-VAR-", suffix: "-x", allowReserved: ["not valid"] }));
    expect(isSecretsActionError(error) && error.code).toBe("CONFIG");
    const message = (error as Error).message;
    expect(message).toContain("3 problems");
    expect(message).toContain("Did you mean TF_VAR_?");
    expect(message).toContain("Did you mean _x?");
    expect(planExport([secret("A")], { prefix: "_" }).entries[0]?.name).toBe("_A");
    expect(() => planExport([secret("A")], { prefix: "1X_" })).toThrow(/cannot start/);
  });

  it("refuses reserved names with a warning saying how to allow each", () => {
    const plan = planExport([secret("PATH", "/evil"), secret("GITHUB_TOKEN", "ghp_x"), secret("LD_PRELOAD"), secret("OK")]);
    expect(plan.entries.map((entry) => entry.name)).toEqual(["OK"]);
    expect(plan.refused.map((problem) => problem.key)).toEqual(["PATH", "GITHUB_TOKEN", "LD_PRELOAD"]);
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toContain("allowReserved");
    expect(plan.warnings[0]).not.toContain("/evil");
    expect(plan.warnings[0]).not.toContain("ghp_x");
  });

  it("exports a reserved name listed in allowReserved, and warns about entries that are not reserved", () => {
    const plan = planExport([secret("GITHUB_TOKEN"), secret("PATH")], { allowReserved: ["GITHUB_TOKEN", "DATABASE_URL"] });
    expect(plan.entries.map((entry) => entry.name)).toEqual(["GITHUB_TOKEN"]);
    expect(plan.refused.map((problem) => problem.key)).toEqual(["PATH"]);
    expect(plan.warnings[0]).toBe('allowReserved: "DATABASE_URL" is not a reserved name, so listing it changes nothing. Remove it.');
  });

  it("refuses a value with a NUL, which no environment can hold", () => {
    const plan = planExport([secret("BIN", "a\0b")]);
    expect(plan.refused).toEqual([{ key: "BIN", reason: "its value contains a NUL character, which no environment variable can hold" }]);
    expect(plan.warnings[0]).toContain("Export them to a file instead");
  });

  it("refuses a value over Linux's 128 KiB per-variable limit, which would break every later program", () => {
    const plan = planExport([secret("BIG", "x".repeat(131_072)), secret("FITS", "x".repeat(130_000))]);
    expect(plan.refused.map((problem) => problem.key)).toEqual(["BIG"]);
    expect(plan.refused[0]?.reason).toContain("128 KiB");
    expect(planExport([secret("BIG", "x".repeat(131_072))], { platform: "darwin" }).refused).toEqual([]);
    expect(planExport([secret("BIG", "x".repeat(40_000))], { platform: "win32" }).refused[0]?.reason).toContain("32767");
  });

  it("keeps a large value or a NUL for a file, where the environment's limits do not apply", () => {
    const values = [secret("BIG", "x".repeat(1 << 20)), secret("BIN", "a\0b")];
    expect(planExport(values, { destination: "file" }).entries.map((entry) => entry.key)).toEqual(["BIG", "BIN"]);
    const text = planExport(values, { destination: "text-file" });
    expect(text.entries.map((entry) => entry.key)).toEqual(["BIG"]);
    expect(text.refused).toEqual([{ key: "BIN", reason: "its value contains a NUL character, which a dotenv or shell file cannot hold" }]);
    expect(text.warnings[0]).toContain("Use the json or yaml format for them.");
  });

  it("on Windows, fails on names that differ only in case, and matches reserved names ignoring case", () => {
    expect(planExport([secret("db_url"), secret("DB_URL")]).entries).toHaveLength(2);
    const error = thrown(() => planExport([secret("db_url"), secret("DB_URL")], { platform: "win32" })) as ExportError;
    expect(error.problems).toEqual(['"db_url" and "DB_URL" would be exported as db_url and DB_URL, which are one variable on Windows']);
    const plan = planExport([secret("Path"), secret("Github_Token")], { platform: "win32", allowReserved: ["GITHUB_TOKEN"] });
    expect(plan.refused.map((problem) => problem.key)).toEqual(["Path"]);
    expect(plan.entries.map((entry) => entry.name)).toEqual(["Github_Token"]);
  });

  it("with strict, fails with every skipped and refused secret listed instead of skipping", () => {
    const error = thrown(() => planExport([secret("my-key"), secret("PATH"), secret("BIN", "\0"), secret("OK")], { strict: true })) as ExportError;
    expect(error.code).toBe("EXPORT");
    expect(error.problems).toHaveLength(3);
    expect(error.problems[0]).toContain('"my-key": not a valid environment variable name');
    expect(error.problems[1]).toContain('"PATH": PATH is reserved');
    expect(error.problems[2]).toContain('"BIN": its value contains a NUL');
    expect(error.hint).toContain("With strict: true, nothing is exported");
    expect(planExport([secret("OK")], { strict: true }).entries).toHaveLength(1);
  });

  it("never puts a value into a warning or an error, whatever the keys and values", () => {
    const keys = fc.constantFrom("A", "my-key", "PATH", "1X", "GITHUB_TOKEN", "a.b", "", "Path", "db_url", "DB_URL");
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: keys, value: fc.constantFrom("zq-secret-1", "zq-secret-2\0", "zq-secret-3") }), { maxLength: 8 }),
        fc.record({ normalise: fc.boolean(), strict: fc.boolean(), platform: fc.constantFrom("linux", "win32") }),
        (secrets, options) => {
          let text: string;
          try {
            const plan = planExport(secrets, options);
            text = plan.warnings.join("\n") + JSON.stringify(plan.skipped) + JSON.stringify(plan.refused);
            for (const entry of plan.entries) {
              expect(isValidEnvName(entry.name)).toBe(true);
              expect(reservedNameReason(entry.name, { platform: options.platform })).toBeUndefined();
            }
            const names = plan.entries.map((entry) => (options.platform === "win32" ? entry.name.toUpperCase() : entry.name));
            expect(new Set(names).size).toBe(names.length);
          } catch (error) {
            expect(isSecretsActionError(error)).toBe(true);
            text = (error as ExportError).toLine();
          }
          expect(text).not.toContain("zq-secret");
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("invalidNameOptions", () => {
  it("maps the front doors' invalid-names setting to the planner's options", () => {
    expect(invalidNameOptions("skip")).toEqual({ normalise: false, strict: false });
    expect(invalidNameOptions("normalise")).toEqual({ normalise: true, strict: false });
    expect(invalidNameOptions("fail")).toEqual({ normalise: false, strict: true });
    expect(planExport([{ key: "my-key", value: "v" }], invalidNameOptions("normalise")).entries.map((e) => e.name)).toEqual(["my_key"]);
  });
});
