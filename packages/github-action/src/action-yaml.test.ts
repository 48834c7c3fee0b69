import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderActionYaml } from "./action-yaml.js";
import { INPUTS, OUTPUTS } from "./inputs.js";

const root = join(import.meta.dirname, "../../..");

describe("action.yml", () => {
  it("is what the input list renders (run pnpm build after editing inputs.ts)", () => {
    expect(readFileSync(join(root, "action.yml"), "utf8")).toBe(renderActionYaml());
  });

  it("declares every input of the official action with its default", () => {
    const action = parse(renderActionYaml()) as { inputs: Record<string, { default?: string }>; runs: Record<string, string> };
    const official: Record<string, string | undefined> = {
      method: "universal",
      "client-id": undefined,
      "client-secret": undefined,
      "identity-id": undefined,
      "oidc-audience": undefined,
      "project-slug": undefined,
      "env-slug": undefined,
      domain: "https://app.infisical.com",
      "export-type": "env",
      "secret-path": "/",
      "include-imports": "true",
      recursive: "false",
      "extra-headers": undefined,
      "project-id": undefined,
      "secret-name": undefined,
      "env-prefix": undefined,
      "env-suffix": undefined,
    };
    for (const [name, value] of Object.entries(official)) {
      expect(action.inputs[name], name).toBeDefined();
      expect(action.inputs[name]?.default, name).toBe(value);
    }
    expect(action.runs).toMatchObject({ using: "node24", main: "actions/github/main.js", post: "actions/github/post.js", "post-if": "always()" });
  });

  it("describes every input in a sentence", () => {
    for (const input of INPUTS) expect(input.description.length, input.name).toBeGreaterThan(20);
  });
});

describe("README.md", () => {
  it("documents every input with its default and every output", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    for (const input of INPUTS) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${input.name}\` |`));
      expect(row, input.name).toBeDefined();
      if (input.default !== undefined) expect(row, input.name).toContain(`\`${input.default}\``);
    }
    for (const output of OUTPUTS) expect(readme, output.name).toContain(`| \`${output.name}\` |`);
  });
});
