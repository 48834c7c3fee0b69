import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { OPTIONS } from "@secrets-action/cli";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { CLI_FILE, componentInputs, renderComponent } from "./component.js";
import { ID_TOKEN_VARIABLE } from "./conventions.js";
import { VERSION } from "./version.js";

const project = join(import.meta.dirname, "../../../actions/gitlab");
const bundle = readFileSync(join(project, "bin", CLI_FILE));
const sha256 = createHash("sha256").update(bundle).digest("hex");
const committed = readFileSync(join(project, "templates/secrets.yml"), "utf8");

interface SpecInput {
  type?: string;
  default?: unknown;
  description?: string;
  options?: unknown[];
  regex?: string;
}
interface Job {
  stage: string;
  image: string;
  id_tokens: Record<string, { aud: string }>;
  variables: Record<string, string>;
  before_script: string[];
  script: string[];
  after_script: string[];
}

const [header, body] = parseAllDocuments(committed).map((document) => document.toJS() as unknown);
const inputs = (header as { spec: { inputs: Record<string, SpecInput> } }).spec.inputs;
const jobs = body as Record<string, Job>;

describe("the component template", () => {
  it("is what the build renders for the committed bundle (run pnpm build after editing the inputs or the CLI)", () => {
    expect(readFileSync(join(project, "bin", `${CLI_FILE}.sha256`), "utf8")).toBe(`${sha256}  ${CLI_FILE}\n`);
    expect(committed).toBe(renderComponent(sha256));
  });

  it("pins the CLI version and the bundle's checksum", () => {
    expect(inputs["cli-version"]?.default).toBe(VERSION);
    expect(inputs["cli-sha256"]?.default).toBe(sha256);
  });

  it("gives every input a type, a default and a sentence, and uses each one in the job", () => {
    const used = new Set([...committed.matchAll(/\$\[\[ inputs\.([\w-]+) \]\]/g)].map((match) => match[1]));
    for (const [name, input] of Object.entries(inputs)) {
      expect(["string", "boolean", "number"], name).toContain(input.type);
      expect(input.default, name).toBeDefined();
      expect(input.description?.length ?? 0, name).toBeGreaterThan(15);
      expect(used.has(name), `${name} is declared but not used`).toBe(true);
    }
    for (const name of used) expect(inputs[name ?? ""], `${name} is used but not declared`).toBeDefined();
  });

  it("passes each CLI input through the variable the CLI reads, agreeing with the option's type, default and choices", () => {
    const job = jobs["$[[ inputs.job-name ]]"];
    expect(job).toBeDefined();
    let checked = 0;
    for (const [variable, value] of Object.entries(job?.variables ?? {})) {
      const name = /^\$\[\[ inputs\.([\w-]+) \]\]$/.exec(value)?.[1];
      if (name === undefined || !variable.startsWith("INFISICAL_")) continue;
      const option = OPTIONS.find((candidate) => candidate.env?.includes(variable));
      expect(option, `${variable} is not read by any CLI option`).toBeDefined();
      if (option === undefined) continue;
      const input = inputs[name];
      expect(input?.type, name).toBe(option.type === "boolean" ? "boolean" : option.type === "integer" ? "number" : "string");
      expect(String(input?.default), name).toBe(option.default ?? "");
      expect(input?.options, name).toEqual(option.choices === undefined ? undefined : [...option.choices]);
      if (input?.regex !== undefined && typeof input.default === "string" && input.default !== "") {
        expect(new RegExp(input.regex).test(input.default), `${name}'s default matches its regex`).toBe(true);
      }
      checked++;
    }
    expect(checked).toBe(componentInputs(sha256).filter((input) => input.option !== undefined).length);
    expect(checked).toBeGreaterThanOrEqual(14);
  });

  it("wires the ID token to the audience input, installs before the script and cleans up after it", () => {
    const job = jobs["$[[ inputs.job-name ]]"];
    expect(job?.id_tokens).toEqual({ [ID_TOKEN_VARIABLE]: { aud: "$[[ inputs.audience ]]" } });
    expect(job?.before_script.join("\n")).toContain('"$got" != "$SECRETS_ACTION_CLI_SHA256"');
    expect(job?.script).toEqual(["secrets-action run"]);
    // after_script runs in a new shell: the CLI by its full path, revoke before the folder (and lease file) goes.
    expect(job?.after_script).toHaveLength(2);
    expect(job?.after_script[0]).toContain('"$SECRETS_ACTION_HOME/bin/secrets-action" revoke ||');
    expect(job?.after_script[1]).toBe('rm -rf "$SECRETS_ACTION_HOME"');
    // Inputs reach shell text only through variables: nothing in the scripts is interpolated at include time.
    for (const line of [...(job?.before_script ?? []), ...(job?.script ?? []), ...(job?.after_script ?? [])]) expect(line).not.toContain("$[[");
  });

  it("is documented: the README's input table lists every input with its default", () => {
    const readme = readFileSync(join(project, "README.md"), "utf8");
    for (const [name, input] of Object.entries(inputs)) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));
      expect(row, `README row for ${name}`).toBeDefined();
      const shown = name === "cli-sha256" ? "the pinned file's" : typeof input.default === "string" ? `\`${input.default === "" ? '""' : input.default}\`` : `\`${String(input.default)}\``;
      expect(row?.split(" | ")[1], name).toBe(shown);
    }
  });
});

