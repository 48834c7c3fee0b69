import { describe, expect, it } from "vitest";
import { OPTIONS } from "./options.js";
import { parseArgs } from "./parse-args.js";

const parse = (argv: string[]) => parseArgs(argv, { options: OPTIONS, takesCommand: (name) => name === "run" });
const values = (parsed: ReturnType<typeof parse>, name: string) => parsed.flags.get(name)?.map((flag) => flag.value);

describe("parseArgs", () => {
  it("reads --name value, --name=value, short flags, and options before the command", () => {
    const parsed = parse(["--domain", "https://a", "export", "--env=dev", "-o", "out.env", "-q", "--secret-path", "/a", "--path=/b"]);
    expect(parsed.command).toBe("export");
    expect(values(parsed, "domain")).toEqual(["https://a"]);
    expect(values(parsed, "env-slug")).toEqual(["dev"]);
    expect(values(parsed, "output")).toEqual(["out.env"]);
    expect(values(parsed, "quiet")).toEqual(["true"]);
    expect(values(parsed, "secret-path")).toEqual(["/a", "/b"]);
    expect(parsed.flags.get("env-slug")?.[0]?.spelled).toBe("--env");
    expect(parsed.problems).toEqual([]);
  });

  it("reads booleans as switches, with =false and --no-", () => {
    const parsed = parse(["run", "--recursive", "--include-imports=false", "--no-quiet", "--", "x"]);
    expect(values(parsed, "recursive")).toEqual(["true"]);
    expect(values(parsed, "include-imports")).toEqual(["false"]);
    expect(values(parsed, "quiet")).toEqual(["false"]);
  });

  it("ends run's options at the first word of the command, or at --, and keeps the command's own flags", () => {
    expect(parse(["run", "--env", "dev", "./deploy.sh", "--env", "prod"]).rest).toEqual(["./deploy.sh", "--env", "prod"]);
    expect(parse(["run", "--", "--weird-name", "-x"]).rest).toEqual(["--weird-name", "-x"]);
    expect(parse(["run", "--env", "dev"]).rest).toBeUndefined();
  });

  it("keeps extra words of commands that run nothing, for the CLI to refuse", () => {
    expect(parse(["export", "file.env"]).extra).toEqual(["file.env"]);
  });

  it("collects every syntax problem, with a did-you-mean for a typo", () => {
    const parsed = parse(["export", "--domian", "x", "--recursive=yes", "--no-domain", "-z", "--secret-path"]);
    expect(parsed.extra).toEqual(["x"]);
    expect(parsed.problems).toEqual([
      "--domian: unknown option. Did you mean --domain?",
      "--no-domain: --domain is not a switch. Leave it out for its default, or give it a value.",
      "-z: unknown option. See --help for the options.",
      "--secret-path: needs a value (PATH).",
    ]);
    // A boolean's value is checked later, where it is read, naming the flag.
    expect(values(parsed, "recursive")).toEqual(["yes"]);
  });

  it("does not take the next option as a value", () => {
    expect(parse(["export", "--output", "--quiet"]).problems).toEqual(["--output: needs a value (FILE)."]);
  });
});
