/**
 * The orb as committed: actions/circleci/orb.yml is a fresh pack of packages/circleci/orb/src, valid against
 * CircleCI's config schema, pins the committed CLI, and keeps parameters out of shell text.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { OPTIONS } from "@secrets-action/cli";
import { VERSION } from "../version.js";
import { packOrb } from "./pack-orb.js";
import { readPin, writePin } from "./pin-cli.js";

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const repoRoot = resolve(packageRoot, "../..");
const src = join(packageRoot, "orb/src");
const packedPath = join(repoRoot, "actions/circleci/orb.yml");
const cliPath = join(repoRoot, "actions/circleci/secrets-action-circleci.mjs");

interface Parameter {
  type: string;
  default?: unknown;
  enum?: string[];
  description?: string;
}
interface Definition {
  description?: string;
  parameters?: Record<string, Parameter>;
  steps: unknown[];
}
interface Orb {
  version: number;
  commands: Record<string, Definition>;
  jobs: Record<string, Definition>;
  executors: Record<string, Definition>;
  examples: Record<string, { description: string; usage: Record<string, unknown> }>;
}

const packed = readFileSync(packedPath, "utf8");
const orb = parse(packed) as Orb;

function schemaValidator(): (data: unknown) => boolean {
  const schema = JSON.parse(readFileSync(join(packageRoot, "orb/vendor/circleci-config.schema.json"), "utf8")) as object;
  // The schema carries editor keywords (markdownDescription) that strict mode would reject.
  const ajv = new Ajv({ strict: false, allErrors: true });
  return ajv.compile(schema);
}

/** Every `run` step in a definition's steps, with where it is. */
function runSteps(definition: Definition): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (steps: unknown[]): void => {
    for (const step of steps) {
      if (typeof step !== "object" || step === null) continue;
      for (const [name, body] of Object.entries(step)) {
        if (name === "run" && typeof body === "object" && body !== null) out.push(body as Record<string, unknown>);
        if ((name === "when" || name === "unless") && typeof body === "object" && body !== null) walk((body as { steps: unknown[] }).steps);
      }
    }
  };
  walk(definition.steps ?? []);
  return out;
}

const definitions = (): [string, Definition][] => [
  ...Object.entries(orb.commands).map(([name, definition]): [string, Definition] => [`commands.${name}`, definition]),
  ...Object.entries(orb.jobs).map(([name, definition]): [string, Definition] => [`jobs.${name}`, definition]),
  ...Object.entries(orb.executors).map(([name, definition]): [string, Definition] => [`executors.${name}`, definition]),
];

describe("the packed orb", () => {
  it("is exactly what packing the source gives (run `pnpm build` and commit actions/circleci)", () => {
    expect(packOrb(src)).toBe(packed);
  });

  it("is valid against CircleCI's config schema", () => {
    const validate = schemaValidator() as ((data: unknown) => boolean) & { errors?: unknown };
    const valid = validate(orb);
    expect(validate.errors ?? null).toBeNull();
    expect(valid).toBe(true);
  });

  it("would fail that schema if it were malformed (the check has teeth)", () => {
    const validate = schemaValidator();
    const broken = (change: (copy: Orb & Record<string, unknown>) => void): boolean => {
      const copy = structuredClone(orb) as Orb & Record<string, unknown>;
      change(copy);
      return validate(copy);
    };
    expect(broken((copy) => void (copy.version = 3))).toBe(false);
    expect(broken((copy) => void ((copy.commands["load"] as Definition).parameters!["domain"]!.type = "text"))).toBe(false);
    expect(broken((copy) => void ((copy.commands["exec"] as unknown as Record<string, unknown>)["steps"] = []))).toBe(false);
    expect(broken((copy) => void (copy.commands["Bad-Name"] = { steps: [{ run: "true" }] }))).toBe(false);
    expect(broken((copy) => void ((copy.examples["oidc"] as unknown as Record<string, unknown>)["usage"] = undefined))).toBe(false);
    expect(broken((copy) => void ((copy.commands["load"] as unknown as Record<string, unknown>)["bogus"] = 1))).toBe(false);
  });

  it("has the commands, job, executor and examples the README documents", () => {
    expect(Object.keys(orb.commands).sort()).toEqual(["exec", "install", "lease", "load", "revoke"]);
    expect(Object.keys(orb.jobs)).toEqual(["with-secrets"]);
    expect(Object.keys(orb.executors)).toEqual(["default"]);
    expect(Object.keys(orb.examples).sort()).toEqual(["dynamic-postgres-credentials", "oidc", "universal-auth"]);
  });

  it("pins the committed CLI: version and SHA-256 of actions/circleci/secrets-action-circleci.mjs", () => {
    const pin = readPin(readFileSync(join(src, "commands/install.yml"), "utf8"));
    const sha256 = createHash("sha256").update(readFileSync(cliPath)).digest("hex");
    expect(pin).toEqual({ version: VERSION, sha256 });
    expect(orb.commands["install"]?.parameters?.["sha256"]?.default).toBe(sha256);
    expect(orb.commands["install"]?.parameters?.["version"]?.default).toBe(VERSION);
    expect(readFileSync(`${cliPath}.sha256`, "utf8")).toBe(`${sha256}  secrets-action-circleci.mjs\n`);
    const packageJson = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string };
    expect(packageJson.version).toBe(VERSION);
  });

  it("writePin rewrites only the two defaults, quoted", () => {
    const text = readFileSync(join(src, "commands/install.yml"), "utf8");
    const pinned = writePin(text, { version: "9.8.7", sha256: "1".repeat(64) });
    expect(readPin(pinned)).toEqual({ version: "9.8.7", sha256: "1".repeat(64) });
    const before = text.split("\n");
    const changed = pinned.split("\n").filter((line, index) => line !== before[index]);
    expect(changed).toEqual(['    default: "9.8.7"', `    default: "${"1".repeat(64)}"`]);
    expect(() => writePin(text, { version: "1.0.0", sha256: "not-a-digest" })).toThrow();
  });
});

describe("parameters", () => {
  it("reach scripts only through environment: no run command holds a parameter, every environment value is one whole reference or a constant", () => {
    for (const [where, definition] of definitions()) {
      for (const run of runSteps(definition)) {
        expect(String(run["command"]), where).not.toMatch(/<<\s*parameters\./);
        for (const [name, value] of Object.entries((run["environment"] ?? {}) as Record<string, unknown>)) {
          expect(String(value), `${where} ${name}`).toMatch(/^(<< parameters\.[a-z0-9-]+ >>|[A-Za-z0-9_]+)$/);
        }
      }
    }
  });

  it("are all declared where referenced, and all used", () => {
    for (const [where, definition] of definitions()) {
      const text = JSON.stringify(definition.steps) + JSON.stringify((definition as unknown as Record<string, unknown>)["docker"] ?? "") + JSON.stringify((definition as unknown as Record<string, unknown>)["executor"] ?? "");
      const referenced = new Set([...text.matchAll(/<<\s*parameters\.([a-z0-9-]+)\s*>>/g)].map((match) => match[1]));
      const declared = new Set(Object.keys(definition.parameters ?? {}));
      expect([...referenced].filter((name) => !declared.has(name ?? "")), `${where}: undeclared`).toEqual([]);
      expect([...declared].filter((name) => !referenced.has(name)), `${where}: unused`).toEqual([]);
    }
  });

  it("have descriptions", () => {
    for (const [where, definition] of definitions()) {
      expect(definition.description, where).toBeTruthy();
      for (const [name, parameter] of Object.entries(definition.parameters ?? {})) expect(parameter.description, `${where}.${name}`).toBeTruthy();
    }
  });

  it("agree with the CLI's option table: same name, compatible type, same choices, the same default or empty (the CLI's default)", () => {
    const orbOnly = new Set(["oidc-audience", "step-name", "command", "shell", "no-output-timeout", "executor", "checkout", "cli-source", "version", "sha256", "base-url", "source", "tag"]);
    for (const [where, definition] of definitions()) {
      for (const [name, parameter] of Object.entries(definition.parameters ?? {})) {
        // command and shell are the orb's own: the command runs after `--` in CircleCI's shell, not through --shell.
        if (orbOnly.has(name)) continue;
        const option = OPTIONS.find((candidate) => candidate.name === name);
        expect(option, `${where}.${name} is neither a CLI option nor a known orb-only parameter`).toBeDefined();
        if (option === undefined) continue;
        if (parameter.type === "env_var_name") {
          // A credential: the parameter names the variable to read, by default the one the CLI itself reads.
          expect(option.secret === true || name === "client-id", `${where}.${name}`).toBe(true);
          expect(parameter.default, `${where}.${name}`).toBe(option.env?.[0]);
          continue;
        }
        const compatible: Record<string, string[]> = { string: ["string", "enum"], list: ["string"], boolean: ["boolean"], integer: ["integer"] };
        expect(compatible[option.type], `${where}.${name}: ${parameter.type} for a ${option.type} option`).toContain(parameter.type);
        if (option.choices) expect(parameter.enum, `${where}.${name}`).toEqual([...option.choices]);
        const shown = parameter.default === undefined ? undefined : String(parameter.default);
        expect([undefined, "", option.default], `${where}.${name} default`).toContain(shown);
      }
    }
  });

  it("lease and revoke take load's login parameters, lease its project and environment too; revoke runs when: always", () => {
    const load = orb.commands["load"]?.parameters ?? {};
    const login = ["domain", "method", "client-id", "client-secret", "token", "identity-id", "oidc-audience", "aws-region"];
    for (const name of [...login, "lease-file"]) {
      expect(orb.commands["lease"]?.parameters?.[name]?.type, `lease ${name}`).toBe(load[name]?.type);
      expect(orb.commands["revoke"]?.parameters?.[name]?.type, `revoke ${name}`).toBe(load[name]?.type);
    }
    for (const name of ["project-slug", "env-slug"]) expect(orb.commands["lease"]?.parameters?.[name]).toEqual(load[name]);
    // Required: a lease step that names nothing is a config error at compile time.
    expect(orb.commands["lease"]?.parameters?.["dynamic-secrets"]?.default).toBeUndefined();
    expect(runSteps(orb.commands["revoke"]!).map((run) => run["when"])).toEqual(["always"]);
    expect(runSteps(orb.commands["lease"]!).map((run) => run["when"])).toEqual([undefined]);
  });

  it("credentials are env_var_name parameters, never values", () => {
    for (const definition of [orb.commands["load"], orb.commands["exec"], orb.commands["lease"], orb.commands["revoke"], orb.jobs["with-secrets"]]) {
      for (const name of ["client-id", "client-secret", "token"]) expect(definition?.parameters?.[name]?.type).toBe("env_var_name");
    }
  });

  it("load, exec and with-secrets take the same login and fetch parameters, and run-cli.sh maps every one of them", () => {
    const load = Object.keys(orb.commands["load"]?.parameters ?? {}).filter((name) => name !== "step-name");
    const exec = Object.keys(orb.commands["exec"]?.parameters ?? {});
    const job = Object.keys(orb.jobs["with-secrets"]?.parameters ?? {});
    for (const name of load) {
      expect(exec, name).toContain(name);
      expect(job, name).toContain(name);
    }
    const script = readFileSync(join(src, "scripts/run-cli.sh"), "utf8");
    const mapped = new Set([...script.matchAll(/\b([A-Z][A-Z_]+)\b/g)].map((match) => match[1]));
    const environment = ["load", "exec", "lease", "revoke"].flatMap((name) => runSteps(orb.commands[name]!)).flatMap((run) => Object.keys((run["environment"] ?? {}) as Record<string, unknown>));
    for (const variable of environment) expect(mapped.has(variable.replace(/^PARAM_/, "")) || script.includes(variable), variable).toBe(true);
  });
});

describe("scripts", () => {
  it("parse as bash, and are included by the commands that use them", () => {
    const scripts = readdirSync(join(src, "scripts"));
    for (const script of scripts) execFileSync("bash", ["-n", join(src, "scripts", script)]);
    const sources = readdirSync(join(src, "commands")).map((file) => readFileSync(join(src, "commands", file), "utf8")).join("\n");
    for (const script of scripts) expect(sources).toContain(`<<include(scripts/${script})>>`);
  });
});
