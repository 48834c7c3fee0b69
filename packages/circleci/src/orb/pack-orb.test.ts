import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packOrb } from "./pack-orb.js";
import { compareGoKeys, formatGoFloat, resolvePlain } from "./go-yaml-resolve.js";

const root = mkdtempSync(join(tmpdir(), "pack-orb-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes `files` (path → text) under a fresh folder and returns its `src`. */
function orb(files: Record<string, string>): string {
  const dir = mkdtempSync(join(root, "orb-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return join(dir, "src");
}

describe("packOrb, against the CircleCI CLI's own acceptance scenarios (integration_tests/features/orb_pack.feature)", () => {
  it("Basic orb pack: inlines <<include(script.sh)>> and re-indents by 4", () => {
    const src = orb({
      "src/@orb.yml": "commands:\n    test:\n      steps:\n        - run:\n            command: <<include(script.sh)>>\n",
      "src/script.sh": "echo Hello, world!",
    });
    expect(packOrb(src)).toContain("commands:\n    test:\n        steps:\n            - run:\n                command: echo Hello, world!\n");
  });

  it("Missing @orb.yml for orb packing", () => {
    expect(() => packOrb(orb({ "src/commands/x.yml": "steps: []\n" }))).toThrow("@orb.yml file not found, are you sure this is the Orb root?");
  });

  it("Missing script for inclusion", () => {
    const src = orb({ "src/@orb.yml": "commands:\n    test:\n      steps:\n        - run:\n            command: <<include(script.sh)>>\n" });
    const shown = relative(process.cwd(), src);
    let message = "";
    try {
      packOrb(shown);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(`An unexpected error occurred: could not open ${join(shown, "script.sh")} for inclusion`);
  });

  it("refuses two includes in one value, and an include inside other text, as the CLI does", () => {
    const twice = orb({ "src/@orb.yml": "commands:\n  t:\n    steps:\n      - run: <<include(a.sh)>><<include(b.sh)>>\n" });
    expect(() => packOrb(twice)).toThrow(/multiple include statements/);
    const partial = orb({ "src/@orb.yml": "commands:\n  t:\n    steps:\n      - run: echo <<include(a.sh)>>\n" });
    expect(() => packOrb(partial)).toThrow(/entire string must be include statement/);
  });
});

describe("packOrb, the layout and format of `circleci orb pack`", () => {
  // The Orb Development Kit's template orb (CircleCI-Public/Orb-Template), as the CLI packs it.
  const template = {
    "src/@orb.yml": [
      "version: 2.1",
      "",
      "description: >",
      "  Sample orb description",
      "",
      "display:",
      '  home_url: "https://www.website.com/docs"',
      '  source_url: "https://www.github.com/EXAMPLE_ORG/EXAMPLE_PROJECT"',
      "",
    ].join("\n"),
    "src/commands/greet.yml": [
      "description: >",
      '  This command echos "Hello World" using file inclusion.',
      "parameters:",
      "  to:",
      "    type: string",
      '    default: "World"',
      '    description: "Hello to whom?"',
      "steps:",
      "  - run:",
      "      environment:",
      "        PARAM_TO: <<parameters.to>>",
      "      name: Hello Greeting",
      "      command: <<include(scripts/greet.sh)>>",
      "",
    ].join("\n"),
    "src/scripts/greet.sh": '#!/bin/sh\nTo=$(circleci env subst "${PARAM_TO}")\n# If for any reason the TO variable is not set, default to "World"\necho "Hello ${To:-World}!"\n',
    "src/executors/default.yml": [
      "description: >",
      "  This is a sample executor using Docker and Node.",
      "docker:",
      "  - image: 'cimg/node:<<parameters.tag>>'",
      "parameters:",
      "  tag:",
      "    default: lts",
      "    description: >",
      "      Pick a specific cimg/node image variant: https://hub.docker.com/r/cimg/node/tags",
      "    type: string",
      "",
    ].join("\n"),
    "src/examples/example.yml": [
      "description: >",
      "  Sample example description.",
      "usage:",
      "  version: 2.1",
      "  orbs:",
      "    <orb-name>: <namespace>/<orb-name>@1.2.3",
      "  workflows:",
      "    use-my-orb:",
      "      jobs:",
      "        - <orb-name>/hello",
      "",
    ].join("\n"),
    "src/README.md": "# not YAML: ignored\n",
    "src/.hidden/x.yml": "ignored: true\n",
  };

  it("packs the template orb exactly", () => {
    expect(packOrb(orb(template))).toBe(
      [
        "version: 2.1",
        "description: |",
        "    Sample orb description",
        "display:",
        "    home_url: https://www.website.com/docs",
        "    source_url: https://www.github.com/EXAMPLE_ORG/EXAMPLE_PROJECT",
        "commands:",
        "    greet:",
        "        description: |",
        '            This command echos "Hello World" using file inclusion.',
        "        parameters:",
        "            to:",
        "                default: World",
        "                description: Hello to whom?",
        "                type: string",
        "        steps:",
        "            - run:",
        "                command: |",
        "                    #!/bin/sh",
        '                    To=$(circleci env subst "${PARAM_TO}")',
        '                    # If for any reason the TO variable is not set, default to "World"',
        '                    echo "Hello ${To:-World}!"',
        "                environment:",
        "                    PARAM_TO: <<parameters.to>>",
        "                name: Hello Greeting",
        "executors:",
        "    default:",
        "        description: |",
        "            This is a sample executor using Docker and Node.",
        "        docker:",
        "            - image: cimg/node:<<parameters.tag>>",
        "        parameters:",
        "            tag:",
        "                default: lts",
        "                description: |",
        "                    Pick a specific cimg/node image variant: https://hub.docker.com/r/cimg/node/tags",
        "                type: string",
        "examples:",
        "    example:",
        "        description: |",
        "            Sample example description.",
        "        usage:",
        '            version: "2.1"',
        "            orbs:",
        "                <orb-name>: <namespace>/<orb-name>@1.2.3",
        "            workflows:",
        "                use-my-orb:",
        "                    jobs:",
        "                        - <orb-name>/hello",
        "",
        "",
      ].join("\n"),
    );
  });

  it("escapes << in included scripts as \\<< so CircleCI does not read parameters in them", () => {
    const src = orb({
      "src/@orb.yml": "version: 2.1\n",
      "src/commands/c.yml": "steps:\n  - run:\n      command: <<include(scripts/c.sh)>>\n",
      "src/scripts/c.sh": "cat <<'EOF'\n<< parameters.x >>\nEOF\n",
    });
    expect(packOrb(src)).toContain("                command: |\n                    cat \\<<'EOF'\n                    \\<< parameters.x >>\n                    EOF\n");
  });

  it("quotes what yaml.v3 quotes and keeps what it keeps plain", () => {
    const src = orb({
      "src/@orb.yml": "version: 2.1\n",
      "src/commands/c.yml": [
        "parameters:",
        "  a: {type: boolean, default: false}",
        "  b: {type: integer, default: 0777}",
        "  c: {type: string, default: ''}",
        "  d: {type: string, default: 'yes'}",
        "  e: {type: string, default: '2.1'}",
        "  f: {type: string, default: 'a: b'}",
        "  g: {type: string, default: \"it's\"}",
        "  h: {type: string, default: \"tab\\there\"}",
        "  i: {type: string, default: '*.sh'}",
        "  j: {type: string, default: '2024-01-02'}",
        "  k: {type: enum, enum: [universal, oidc], default: universal}",
        '  l: {type: string, default: "trailing\\n"}',
        "steps: []",
        "",
      ].join("\n"),
    });
    const packed = packOrb(src);
    for (const line of [
      "                default: false",
      "                default: 511",
      '                default: ""',
      '                default: "yes"',
      '                default: "2.1"',
      "                default: 'a: b'",
      "                default: it's",
      '                default: "tab\\there"',
      "                default: '*.sh'",
      '                default: "2024-01-02"',
      "                enum:\n                    - universal\n                    - oidc",
      "                default: |\n                    trailing\n                type: string",
      "        steps: []",
    ]) {
      expect(packed).toContain(line);
    }
    // Whatever the styles, the packed YAML reads back to the same values.
    const commands = (parse(packed) as { commands: { c: { parameters: Record<string, { default: unknown }> } } }).commands;
    expect(commands.c.parameters["d"]?.default).toBe("yes");
    expect(commands.c.parameters["h"]?.default).toBe("tab\there");
  });

  it("sorts keys as yaml.v3 does: non-letters before letters, digit runs by value", () => {
    expect(["b", "a10", "a2", "a-b", "aB", "ab", "a_b", "A"].sort(compareGoKeys)).toEqual(["A", "a-b", "a_b", "a2", "a10", "aB", "ab", "b"]);
  });

  it("resolves plain scalars as yaml.v3: octal 0777, 1_000, yes as a string, base-10 floats in Go's form", () => {
    expect(resolvePlain("0777")).toEqual({ tag: "int", text: "511" });
    expect(resolvePlain("1_000")).toEqual({ tag: "int", text: "1000" });
    expect(resolvePlain("0x1F")).toEqual({ tag: "int", text: "31" });
    expect(resolvePlain("yes").tag).toBe("str");
    expect(resolvePlain("~").tag).toBe("null");
    expect(resolvePlain("2.10")).toEqual({ tag: "float", text: "2.1" });
    expect(formatGoFloat(1234567)).toBe("1.234567e+06");
    expect(formatGoFloat(0.00001)).toBe("1e-05");
    expect(formatGoFloat(100000)).toBe("100000");
  });
});
