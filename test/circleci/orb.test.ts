/**
 * The packed orb (actions/circleci/orb.yml) and the committed CLI it installs, run as CircleCI runs a job — each step
 * a new bash that sources $BASH_ENV first, CIRCLE_* variables, parameters reaching the scripts through `environment:`
 * only — against the dev server. Every step's log goes through the leak scanner.
 */
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "@secrets-action/dev-server";
import { assertNoLeaks } from "../support/leak-scanner.js";
import { CLI_PATH, type JobResult, type StepConfig, compileJob, compileSteps, createJob, readOrb, runJob, runOrbSteps } from "./support/circleci-runner.js";
import {
  ALL_SECRETS,
  AUDIENCE_IDENTITY,
  CIRCLE_PROJECT_ID,
  CLIENT,
  CUSTOM_AUDIENCE,
  OIDC_IDENTITY,
  ORG_ID,
  PROJECT,
  RAW_VALUES,
  SECRETS,
  startFixtureServer,
  storeRawValues,
  universalContext,
} from "./fixture.js";

let server: DevServer;
beforeAll(async () => {
  server = await startFixtureServer();
  storeRawValues(server);
});
afterAll(async () => server?.close());

const install: StepConfig = { "infisical/install": { source: CLI_PATH } };
const dev = { "project-slug": PROJECT.slug, "env-slug": "dev" };
const NAMES = Object.keys(SECRETS);

/** A later step that writes each variable's exact bytes (or marks it unset) to ~/out, printing nothing. */
function dumpStep(names: readonly string[]): StepConfig {
  const list = names.join(" ");
  return {
    run: {
      name: "A later step reads the variables",
      command: `mkdir -p "$HOME/out"; for name in ${list}; do if [ -n "\${!name+set}" ]; then printf '%s' "\${!name}" > "$HOME/out/$name"; fi; done; env | cut -d= -f1 | sort > "$HOME/out/.names"`,
    },
  };
}

/** What the dump step saw: each name's value, undefined when unset. */
function dumped(home: string, names: readonly string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((name) => [name, existsSync(join(home, "out", name)) ? readFileSync(join(home, "out", name), "utf8") : undefined]));
}

function expectSteps(result: JobResult, codes: (number | null)[]): void {
  expect(result.steps.map((step) => step.exitCode), result.log).toEqual(codes);
}

describe("install", () => {
  it("installs the pinned CLI after checking its SHA-256, puts it on PATH for later steps, and skips the download next time", async () => {
    const orb = readOrb();
    const pinned = String(orb.commands["install"]?.parameters?.["sha256"]?.default);
    expect(pinned).toBe(createHash("sha256").update(readFileSync(CLI_PATH)).digest("hex"));
    const result = await runOrbSteps([install, install, { run: { name: "version", command: "secrets-action-circleci --version" } }]);
    expectSteps(result, [0, 0, 0]);
    expect(result.steps[0]?.log).toContain(`(SHA-256 ${pinned})`);
    expect(result.steps[1]?.log).toContain("already installed");
    expect(result.steps[2]?.log).toBe("secrets-action-circleci 0.1.0\n");
    // The PATH line is added once, however often install runs.
    expect(readFileSync(result.job.bashEnv, "utf8").split("\n").filter((line) => line.startsWith("export PATH="))).toHaveLength(1);
    assertNoLeaks(result.log, ALL_SECRETS);
  });

  it("refuses a file whose SHA-256 differs from the pinned one, and installs nothing", async () => {
    const job = createJob();
    const tampered = join(job.dir, "tampered.mjs");
    writeFileSync(tampered, `${readFileSync(CLI_PATH, "utf8")}\n// one more line\n`);
    const result = await runOrbSteps([{ "infisical/install": { source: tampered } }, { "infisical/load": dev }], { job });
    expectSteps(result, [1, null]);
    expect(result.steps[0]?.log).toMatch(/install: the file from .*tampered\.mjs has SHA-256 [0-9a-f]{64}, not the pinned [0-9a-f]{64}\. Nothing was installed\./);
    expect(existsSync(join(job.home, ".secrets-action", "bin", "secrets-action-circleci"))).toBe(false);
    expect(readdirSync(join(job.home, ".secrets-action", "0.1.0"))).toEqual([]);
    expect(readFileSync(job.bashEnv, "utf8")).toBe("");
    assertNoLeaks(result.log, ALL_SECRETS);
  });

  it("downloads <base-url>/v<version>/secrets-action-circleci.mjs from a mirror (or takes a file:// source) and checks it", async () => {
    const served: string[] = [];
    const mirror = createServer((request, response) => {
      served.push(request.url ?? "");
      if (request.url === "/releases/v0.1.0/secrets-action-circleci.mjs") response.end(readFileSync(CLI_PATH));
      else response.writeHead(404).end("not found");
    });
    await new Promise<void>((resolveListen) => mirror.listen(0, "127.0.0.1", resolveListen));
    try {
      const base = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/releases`;
      const result = await runOrbSteps([{ "infisical/install": { "base-url": base } }, { run: { name: "version", command: "secrets-action-circleci --version" } }]);
      expectSteps(result, [0, 0]);
      expect(served).toEqual(["/releases/v0.1.0/secrets-action-circleci.mjs"]);
      expect(result.steps[0]?.log).toContain(`downloading secrets-action-circleci 0.1.0 from ${base}/v0.1.0/secrets-action-circleci.mjs`);
      const missing = await runOrbSteps([{ "infisical/install": { "base-url": base, version: "9.9.9" } }]);
      expectSteps(missing, [1]);
      expect(missing.steps[0]?.log).toContain(`install: could not download ${base}/v9.9.9/secrets-action-circleci.mjs (curl exit 22)`);
      assertNoLeaks(result.log + missing.log, ALL_SECRETS);
    } finally {
      await new Promise((resolveClose) => mirror.close(resolveClose));
    }
    const fromFile = await runOrbSteps([{ "infisical/install": { source: `file://${CLI_PATH}` } }]);
    expectSteps(fromFile, [0]);
    assertNoLeaks(fromFile.log, ALL_SECRETS);
  });

  it("says what to do when load runs before install", async () => {
    const result = await runOrbSteps([{ "infisical/load": dev }], { env: universalContext(server) });
    expectSteps(result, [1]);
    expect(result.steps[0]?.log).toBe("load: the secrets-action CLI is not installed in this job. Run the orb's install command in an earlier step.\n");
    assertNoLeaks(result.log, ALL_SECRETS);
  });
});

describe("load", () => {
  it("gives later steps every value exactly — multi-line, quotes, $, unicode, trailing newlines, CRLF, blanks, empty — and warns that CircleCI will not mask them", async () => {
    const names = [...NAMES, ...Object.keys(RAW_VALUES)];
    const result = await runOrbSteps([install, { "infisical/load": { ...dev, "secret-path": "/, /raw" } }, dumpStep(names)], { env: universalContext(server) });
    expectSteps(result, [0, 0, 0]);
    expect(dumped(result.job.home, names)).toEqual({ ...SECRETS, ...RAW_VALUES });
    const loadLog = result.steps[1]?.log ?? "";
    expect(loadLog).toContain(`appended ${names.length} to $BASH_ENV for the later steps of this job: ${names.join(", ")}.`);
    expect(loadLog).toContain("warning: CircleCI does not mask values set while a job runs");
    expect(loadLog).toContain("run the command with exec");
    // The file holds secrets: private to the job's user.
    expect(statSync(result.job.bashEnv).mode & 0o777).toBe(0o600);
    // Nothing a value contains ran: the $(touch …) in DOLLARS stayed text.
    expect(existsSync("/tmp/orb-pwned")).toBe(false);
    assertNoLeaks(result.log, ALL_SECRETS);
  });

  it("takes parameters only through environment: a parameter full of shell syntax is data, not code", async () => {
    const hostile = "dev'; touch \"$HOME/param-pwned\"; echo '$(touch $HOME/param-pwned2)`touch $HOME/param-pwned3`";
    const result = await runOrbSteps([install, { "infisical/load": { "project-slug": PROJECT.slug, "env-slug": hostile } }], { env: universalContext(server) });
    expectSteps(result, [0, 1]);
    for (const file of ["param-pwned", "param-pwned2", "param-pwned3"]) expect(existsSync(join(result.job.home, file))).toBe(false);
    expect(readFileSync(result.job.bashEnv, "utf8")).not.toContain("IFS=");
    assertNoLeaks(result.log, ALL_SECRETS);
  });

  it("refuses a value crafted to break out of its heredoc, naming the key, and exports nothing — BASH_ENV unchanged", async () => {
    const job = createJob(universalContext(server));
    const before = readFileSync(job.bashEnv, "utf8");
    const first = await runOrbSteps([install], { job });
    expectSteps(first, [0]);
    const afterInstall = readFileSync(job.bashEnv);
    const result = await runOrbSteps(
      [{ "infisical/load": { ...dev, "secret-path": "/evil" } }, { run: { name: "after", when: "always", command: `printf '%s' "\${PWNED-unset} \${FIRST-unset}" > "$HOME/after"` } }],
      { job },
    );
    expectSteps(result, [1, 0]);
    expect(before).toBe("");
    expect(readFileSync(job.bashEnv).equals(afterInstall)).toBe(true);
    expect(readFileSync(join(job.home, "after"), "utf8")).toBe("unset unset");
    expect(existsSync(join(job.home, "pwned"))).toBe(false);
    const log = result.steps[0]?.log ?? "";
    expect(log).toContain('the value of "BREAKOUT" contains SECRETS_ACTION_EOF_');
    expect(log).toContain("Nothing was written to BASH_ENV");
    expect(log.split("\n").filter((line) => line.includes("error:"))).toHaveLength(1);
    assertNoLeaks(result.log, ALL_SECRETS);
    expect(result.log).not.toContain("export PWNED");
  });

  it("leaves out names bash keeps for itself (RANDOM, PWD) with a warning, and loads the rest", async () => {
    const result = await runOrbSteps([install, { "infisical/load": { ...dev, "secret-path": "/bash" } }, dumpStep(["OK_NAME"])], { env: universalContext(server) });
    expectSteps(result, [0, 0, 0]);
    expect(dumped(result.job.home, ["OK_NAME"])).toEqual({ OK_NAME: "ok-value-8842" });
    expect(result.steps[1]?.log).toMatch(/warning: Left out 2 secrets that bash keeps for itself: (RANDOM|PWD) \(bash sets it itself/);
    expect(readFileSync(result.job.bashEnv, "utf8")).not.toMatch(/\b(RANDOM|PWD)=/);
    assertNoLeaks(result.log, ALL_SECRETS);
  });

  it("keeps values out of the log when a later step's shell traces (-x) or echoes (-v)", async () => {
    const traced = { run: { name: "traced", shell: "/bin/bash -eox pipefail", command: "true" } };
    const verbose = { run: { name: "verbose", shell: "/bin/bash -veo pipefail", command: "true" } };
    const result = await runOrbSteps([install, { "infisical/load": dev }, traced, verbose], { env: universalContext(server) });
    expectSteps(result, [0, 0, 0, 0]);
    assertNoLeaks(result.log, ALL_SECRETS);
  });

  it("appends two loads in order: a later load's value of the same name wins", async () => {
    const job = createJob(universalContext(server));
    const result = await runOrbSteps(
      [install, { "infisical/load": dev }, { "infisical/load": { "project-slug": PROJECT.slug, "env-slug": "prod" } }, dumpStep(["PLAIN", "PROD_ONLY"])],
      { job },
    );
    expectSteps(result, [0, 0, 0, 0]);
    expect(dumped(job.home, ["PLAIN", "PROD_ONLY"])).toEqual({ PLAIN: SECRETS["PLAIN"], PROD_ONLY: "prod-value-9931" });
    assertNoLeaks(result.log, ALL_SECRETS);
  });
});

describe("exec", () => {
  it("runs the command with the secrets in its environment and redacts them from its output", async () => {
    const command = [
      'printf "%s\\n" "plain: $PLAIN"',
      'printf "%s\\n" "$SSH_KEY"',
      'printf "%s" "$PLAIN" | base64',
      'node -e "process.stdout.write(encodeURIComponent(process.env.QUOTES) + String.fromCharCode(10))"',
      'node -e "process.stdout.write(JSON.stringify(process.env.DOLLARS) + String.fromCharCode(10))"',
      // One value split across two writes, and a JSON leaf.
      'printf "%s" "${PLAIN:0:7}"; sleep 0.2; printf "%s\\n" "${PLAIN:7}"',
      'echo "password is json-leaf-pw-5519"',
      'printf "%s" "$UNICODE" > "$HOME/unicode"',
      'echo "visible: not a secret"',
    ].join("\n");
    const result = await runOrbSteps([install, { "infisical/exec": { ...dev, command } }], { env: universalContext(server) });
    expectSteps(result, [0, 0]);
    const log = result.steps[1]?.log ?? "";
    // The command's own output, line by line: every form of every secret is ********, the rest untouched.
    const output = log.split("\n").filter((line) => !line.startsWith("secrets-action-circleci: "));
    expect(output).toEqual(["plain: ********", "********", "********", "********", '"********"', "********", "password is ********", "visible: not a secret", ""]);
    expect(readFileSync(join(result.job.home, "unicode"), "utf8")).toBe(SECRETS["UNICODE"]);
    // exec never touches BASH_ENV beyond install's PATH line.
    expect(readFileSync(result.job.bashEnv, "utf8")).not.toContain("SECRETS_ACTION_EOF_");
    assertNoLeaks(result.log, ALL_SECRETS);
  });

  it("fails the step with the command's exit code, and runs it in bash -eo pipefail like CircleCI's own steps", async () => {
    const result = await runOrbSteps(
      [install, { "infisical/exec": { ...dev, command: "echo first\nexit 7" } }, { "infisical/exec": { ...dev, command: "false | true\necho reached" } }],
      { env: universalContext(server) },
    );
    expectSteps(result, [0, 7, null]);
    expect(result.steps[1]?.log).toContain("first\n");
    expect(result.steps[1]?.log).toContain("exited with 7");
    const pipefail = await runOrbSteps([install, { "infisical/exec": { ...dev, command: "false | true\necho reached" } }], { env: universalContext(server) });
    expectSteps(pipefail, [0, 1]);
    expect(pipefail.steps[1]?.log).not.toContain("reached");
    assertNoLeaks(result.log + pipefail.log, ALL_SECRETS);
  });

  it("the with-secrets job: install and exec in one job", async () => {
    const job = createJob(universalContext(server));
    const steps = compileJob("with-secrets", { ...dev, checkout: false, "cli-source": CLI_PATH, command: 'test "$PLAIN" = plain-value-4821 && echo "ok $PLAIN"' }, readOrb());
    const result = await runJob(job, steps);
    expectSteps(result, [0, 0]);
    expect(result.steps[1]?.log).toContain("ok ********");
    assertNoLeaks(result.log, ALL_SECRETS);
  });
});

describe("OIDC", () => {
  const circleToken = (audience?: string): string =>
    server.oidc.mint({
      preset: "circleci",
      claims: { "oidc.circleci.com/org-id": ORG_ID, "oidc.circleci.com/project-id": CIRCLE_PROJECT_ID, "oidc.circleci.com/context-ids": ["c0c0c0c0-0000-4000-8000-0000000000cc"] },
      ...(audience ? { audience } : {}),
    });
  const oidc = { ...dev, method: "oidc", "identity-id": OIDC_IDENTITY };

  it("logs in with $CIRCLE_OIDC_TOKEN_V2 minted by CircleCI's issuer, for load and for exec", async () => {
    const token = circleToken();
    const env = { INFISICAL_DOMAIN: server.url, CIRCLE_OIDC_TOKEN_V2: token, CIRCLE_OIDC_TOKEN: "not.the.one" };
    const result = await runOrbSteps([install, { "infisical/load": oidc }, dumpStep(["PLAIN", "SSH_KEY"]), { "infisical/exec": { ...oidc, command: 'echo "token: $CIRCLE_OIDC_TOKEN_V2 plain: $PLAIN"' } }], { env });
    expectSteps(result, [0, 0, 0, 0]);
    expect(dumped(result.job.home, ["PLAIN", "SSH_KEY"])).toEqual({ PLAIN: SECRETS["PLAIN"], SSH_KEY: SECRETS["SSH_KEY"] });
    // The ID token is a credential: exec redacts it too.
    expect(result.steps[3]?.log).toContain("token: ******** plain: ********");
    assertNoLeaks(result.log, { ...ALL_SECRETS, OIDC_TOKEN: token });
  });

  it("falls back to $CIRCLE_OIDC_TOKEN when the V2 token is absent", async () => {
    const token = circleToken();
    const result = await runOrbSteps([install, { "infisical/load": oidc }, dumpStep(["PLAIN"])], { env: { INFISICAL_DOMAIN: server.url, CIRCLE_OIDC_TOKEN: token } });
    expectSteps(result, [0, 0, 0]);
    expect(dumped(result.job.home, ["PLAIN"])).toEqual({ PLAIN: SECRETS["PLAIN"] });
    assertNoLeaks(result.log, { ...ALL_SECRETS, OIDC_TOKEN: token });
  });

  it("mints a token with another audience through `circleci run oidc get --claims` when oidc-audience is set", async () => {
    const job = createJob({ INFISICAL_DOMAIN: server.url, CIRCLE_OIDC_TOKEN_V2: circleToken() });
    const token = circleToken(CUSTOM_AUDIENCE);
    // A stand-in for the circleci CLI on PATH: it answers only the exact call the orb must make.
    const bin = join(job.dir, "bin");
    const expected = JSON.stringify({ aud: CUSTOM_AUDIENCE });
    writeFileSync(join(job.dir, "token"), token);
    const { mkdirSync, chmodSync } = await import("node:fs");
    mkdirSync(bin);
    writeFileSync(
      join(bin, "circleci"),
      `#!/bin/bash\nif [ "$1 $2 $3 $4" = "run oidc get --claims" ] && [ "$5" = '${expected}' ]; then cat '${join(job.dir, "token")}'; else echo "unexpected: $*" >&2; exit 3; fi\n`,
    );
    chmodSync(join(bin, "circleci"), 0o755);
    job.env["PATH"] = `${bin}:${job.env["PATH"] ?? ""}`;
    const result = await runOrbSteps([install, { "infisical/load": { ...dev, method: "oidc", "identity-id": AUDIENCE_IDENTITY, "oidc-audience": CUSTOM_AUDIENCE } }, dumpStep(["PLAIN"])], { job });
    expectSteps(result, [0, 0, 0]);
    expect(dumped(job.home, ["PLAIN"])).toEqual({ PLAIN: SECRETS["PLAIN"] });
    assertNoLeaks(result.log, { ...ALL_SECRETS, OIDC_TOKEN: token });
  });

  it("without a token (a job with no context), fails with one error that says to add a context, and sends and writes nothing", async () => {
    server.requests.clear();
    const result = await runOrbSteps([install, { "infisical/load": oidc }], { env: { INFISICAL_DOMAIN: server.url } });
    expectSteps(result, [0, 2]);
    const errors = (result.steps[1]?.log ?? "").split("\n").filter((line) => line.includes("error:"));
    expect(errors[0]).toContain("no ID token in $CIRCLE_OIDC_TOKEN_V2 or $CIRCLE_OIDC_TOKEN");
    expect(errors[0]).toContain("add `context: <any context>` to this job");
    expect(errors[1]).toContain("nothing was sent to the server");
    expect(server.requests.count()).toBe(0);
    expect(readFileSync(result.job.bashEnv, "utf8")).not.toContain("SECRETS_ACTION_EOF_");
    assertNoLeaks(result.log, ALL_SECRETS);
  });
});

describe("failures", () => {
  it("a wrong client secret fails with one line and a hint, and BASH_ENV stays as it was", async () => {
    const job = createJob({ ...universalContext(server), INFISICAL_CLIENT_SECRET: "wrong-secret-0000" });
    await runOrbSteps([install], { job });
    const before = readFileSync(job.bashEnv);
    const result = await runOrbSteps([{ "infisical/load": dev }, dumpStep(["PLAIN"])], { job });
    expectSteps(result, [1, null]);
    const lines = (result.steps[0]?.log ?? "").split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^secrets-action-circleci: error: .*401/);
    expect(readFileSync(job.bashEnv).equals(before)).toBe(true);
    assertNoLeaks(result.log, { ...ALL_SECRETS, WRONG: "wrong-secret-0000" });
  });

  it("credentials come from the variable a parameter names, never from the parameter itself", async () => {
    const env = { INFISICAL_DOMAIN: server.url, MY_ID: CLIENT.clientId, MY_SECRET: CLIENT.clientSecret };
    const result = await runOrbSteps([install, { "infisical/load": { ...dev, "client-id": "MY_ID", "client-secret": "MY_SECRET" } }, dumpStep(["PLAIN"])], { env });
    expectSteps(result, [0, 0, 0]);
    expect(dumped(result.job.home, ["PLAIN"])).toEqual({ PLAIN: SECRETS["PLAIN"] });
    assertNoLeaks(result.log, ALL_SECRETS);
  });
});

describe("the orb's examples", () => {
  it("compile against the orb: every command, job and parameter they use exists and has the right type", () => {
    const orb = readOrb();
    const workflowOnly = new Set(["context", "requires", "name", "filters", "matrix", "pre-steps", "post-steps"]);
    let compiled = 0;
    for (const [name, example] of Object.entries((orb as unknown as { examples: Record<string, { usage: { jobs?: Record<string, { steps: StepConfig[] }>; workflows: Record<string, { jobs: (string | Record<string, Record<string, unknown>>)[] }> } }> }).examples)) {
      for (const job of Object.values(example.usage.jobs ?? {})) compiled += compileSteps(job.steps, orb).length;
      for (const workflow of Object.values(example.usage.workflows)) {
        for (const entry of workflow.jobs) {
          const [jobName, args] = typeof entry === "string" ? [entry, {}] : (Object.entries(entry)[0] ?? ["", {}]);
          if (!jobName.startsWith("infisical/")) continue;
          const params = Object.fromEntries(Object.entries(args).filter(([key]) => !workflowOnly.has(key))) as Parameters<typeof compileJob>[1];
          compiled += compileJob(jobName.slice("infisical/".length), params, orb).length;
        }
      }
      expect(compiled, name).toBeGreaterThan(0);
    }
  });
});
