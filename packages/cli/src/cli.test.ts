import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDotenv, parseJson } from "@secrets-action/core";
import { type DevServer, startDevServer } from "@secrets-action/dev-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli.js";
import { Capture, CLIENT, FakeSignals, PEM, SECRETS, cliSeed, testConventions, universalEnv } from "./test-helpers.js";

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer({ seed: cliSeed() });
});
afterAll(async () => {
  await server.close();
});

async function cli(argv: string[], env: Record<string, string>, cwd = process.cwd()) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(argv, { conventions: testConventions, env, io: { stdout, stderr, signals: new FakeSignals() }, cwd });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Every secret and credential of the seed, for the leak checks. */
const SENSITIVE = [...Object.values(SECRETS).filter((value) => value.length >= 6), CLIENT.clientSecret, "json-leaf-pw-77"];
function expectNoSecrets(text: string): void {
  for (const value of SENSITIVE) {
    expect(text).not.toContain(value);
    for (const line of value.split("\n")) if (line.trim().length >= 6) expect(text).not.toContain(line.trim());
  }
}

describe("run", () => {
  it("starts the command with the secrets in its environment and redacts them, their lines and encoded forms", async () => {
    const script = [
      "const e = process.env;",
      "console.log('password=' + e.DB_PASSWORD);",
      "console.log('b64=' + Buffer.from(e.API_TOKEN).toString('base64'));",
      "console.log('url=' + encodeURIComponent(e.DB_PASSWORD + '&x'));",
      "console.log('json=' + JSON.stringify({ pem: e.TLS_KEY }));",
      "console.log(e.TLS_KEY);",
      "console.log('leaf=' + JSON.parse(e.JSON_CONFIG).password);",
      "console.error('stderr ' + e.DB_PASSWORD);",
      "console.log('port=' + e.PORT + ' app=' + (e.APP_ONLY ?? 'none'));",
      "console.log('lengths=' + [e.DB_PASSWORD.length, e.TLS_KEY.length].join(','));",
    ].join("\n");
    const result = await cli(["run", "--", process.execPath, "-e", script], universalEnv(server.url));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("password=[MASKED]");
    expect(result.stdout).toContain("b64=[MASKED]");
    expect(result.stdout).toContain("url=[MASKED]");
    expect(result.stdout).toContain("json={\"pem\":\"[MASKED]\"}");
    expect(result.stdout).toContain("leaf=[MASKED]");
    // Short values are not redacted (documented, with a warning naming the key); the /app folder was not asked for.
    expect(result.stdout).toContain("port=5432 app=none");
    expect(result.stdout).toContain(`lengths=${SECRETS["DB_PASSWORD"]?.length},${PEM.length}`);
    expect(result.stderr).toContain("stderr [MASKED]");
    expect(result.stderr).toMatch(/warning: 2 secrets are .* shorter than --mask-min-length 6 and not redacted: JSON_CONFIG, PORT\./);
    expect(result.stderr).toContain("fetched 5 secrets from demo/dev at / (API v3)");
    expectNoSecrets(result.stdout + result.stderr);
  });

  it("returns the command's exit code and runs a --command script in the shell", async () => {
    const failing = await cli(["run", "--", process.execPath, "-e", "process.exit(7)"], universalEnv(server.url));
    expect(failing.code).toBe(7);
    expect(failing.stderr).toContain("exited with 7");
    const scripted = await cli(["run", "--secret-path", "/app"], universalEnv(server.url, { INFISICAL_COMMAND: 'echo "app=$APP_ONLY"; exit 3' }));
    expect(scripted.code).toBe(3);
    expect(scripted.stdout).toBe("app=[MASKED]\n");
  });

  it("takes the command after -- over INFISICAL_COMMAND, and refuses it with --command", async () => {
    const env = universalEnv(server.url, { INFISICAL_COMMAND: "echo from-variable" });
    const result = await cli(["run", "--", "sh", "-c", "echo from-arguments"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("from-arguments\n");
    const both = await cli(["run", "--command", "echo x", "--", "echo", "y"], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--command: give the command either after -- or with --command, not both.");
  });

  it("reports a command that does not exist with 127, after fetching", async () => {
    const result = await cli(["run", "--", "definitely-not-a-command-4821"], universalEnv(server.url));
    expect(result.code).toBe(127);
    expect(result.stderr).toContain("definitely-not-a-command-4821: not found");
  });

  it("revokes its access token once the secrets are fetched", async () => {
    server.requests.clear();
    const result = await cli(["run", "--", process.execPath, "-e", ""], universalEnv(server.url));
    expect(result.code).toBe(0);
    const paths = server.requests.list().map((request) => request.path);
    expect(paths.filter((path) => path.endsWith("/login"))).toHaveLength(1);
    expect(paths.filter((path) => path === "/api/v1/auth/token/revoke")).toHaveLength(1);
    expect(paths.indexOf("/api/v1/auth/token/revoke")).toBe(paths.length - 1);
  });

  it("lists every problem at once, exits 2 and sends nothing", async () => {
    server.requests.clear();
    const result = await cli(["run", "--domain", "app.infisical.com", "--recursive=yes", "--format", "json"], { PATH: "/usr/bin", INFISICAL_METHOD: "odic" });
    expect(result.code).toBe(2);
    const errors = result.stderr.trim().split("\n");
    expect(errors).toEqual([
      "sa-test: error: --format: not an option of run (it belongs to export). See sa-test run --help.",
      'sa-test: error: --domain: "app.infisical.com" has no scheme. Did you mean "https://app.infisical.com"?',
      'sa-test: error: INFISICAL_METHOD: "odic" is not one of universal, oidc, aws-iam, token, service-token. Did you mean oidc?',
      "sa-test: error: --project-slug (or INFISICAL_PROJECT_SLUG): required. Set the project's slug, or --project-id.",
      "sa-test: error: --env-slug (or INFISICAL_ENV_SLUG): required (the environment's slug, e.g. dev).",
      'sa-test: error: --recursive: "yes" is not a boolean. Use true or false.',
      "sa-test: error: run: no command to run. Put it after the options (run -- ./deploy.sh), or set --command (or INFISICAL_COMMAND) to a shell script.",
      "sa-test: error: 7 problems; nothing was sent to the server. See sa-test run --help.",
    ]);
    expect(server.requests.list()).toHaveLength(0);
  });

  it("asks for what the login method needs", async () => {
    const result = await cli(["run", "--", "true"], { INFISICAL_PROJECT_SLUG: "demo", INFISICAL_ENV_SLUG: "dev" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("sa-test: error: --client-id (or INFISICAL_CLIENT_ID): required with --method universal.");
    expect(result.stderr).toContain("sa-test: error: --client-secret (or INFISICAL_CLIENT_SECRET): required with --method universal.");
  });

  it("fails with one line and exit 1 when the login is refused, naming what to check", async () => {
    const result = await cli(["run", "--", "true"], universalEnv(server.url, { INFISICAL_CLIENT_SECRET: "wrong-secret-value" }));
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sa-test: error: .*universal/i);
    expect(result.stderr).not.toContain("wrong-secret-value");
  });
});

describe("export", () => {
  it("writes a 0600 file in the format asked for and prints only its path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-export-"));
    const result = await cli(["export", "--output", "out/secrets.json"], universalEnv(server.url), dir);
    expect(result.code).toBe(0);
    const path = join(dir, "out/secrets.json");
    expect(result.stdout).toBe(`${path}\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(parseJson(readFileSync(path, "utf8"))).toEqual(Object.entries(SECRETS).map(([name, value]) => ({ name, value })));
    expect(result.stderr).toContain("wrote 5 to");
    expectNoSecrets(result.stdout + result.stderr);
  });

  it("writes a value too large for an environment variable (not to a shell file, which is sourced into one), and a NUL where the format holds one (json, yaml)", async () => {
    const big = "b".repeat(1 << 20);
    const files = await startDevServer({
      seed: { ...cliSeed(), projects: [{ slug: "demo", environments: ["dev"], secrets: { dev: { "/": { BIG: big, BIN: "a\0b" } } } }] },
    });
    try {
      const dir = mkdtempSync(join(tmpdir(), "cli-export-"));
      const json = await cli(["export", "--output", "s.json"], universalEnv(files.url), dir);
      expect(json.code).toBe(0);
      expect(parseJson(readFileSync(join(dir, "s.json"), "utf8")).map((variable) => variable.value === big || variable.value === "a\0b")).toEqual([true, true]);
      const dotenv = await cli(["export", "--output", "s.env"], universalEnv(files.url), dir);
      expect(dotenv.code).toBe(0);
      expect(parseDotenv(readFileSync(join(dir, "s.env"), "utf8")).map((variable) => variable.name)).toEqual(["BIG"]);
      expect(dotenv.stderr).toContain('"BIN" (its value contains a NUL character, which a dotenv or shell file cannot hold). Use the json or yaml format for them.');
      // A sourced shell file's exports are an environment: a 1 MB variable would stop every later program from starting.
      const shell = await cli(["export", "--output", "s.sh"], universalEnv(files.url), dir);
      expect(shell.code).toBe(0);
      expect(readFileSync(join(dir, "s.sh"), "utf8")).toBe("");
      expect(shell.stderr).toMatch(/"BIG" \(its value is 1025 KiB; Linux refuses to start any program with a variable over 128 KiB/);
    } finally {
      await files.close();
    }
  });

  it("writes to a new private folder when no --output is given, dotenv by default", async () => {
    const result = await cli(["export", "--secret-path", "/app"], universalEnv(server.url));
    expect(result.code).toBe(0);
    const path = result.stdout.trim();
    expect(path).toMatch(/secrets-action-[^/]+\/secrets\.env$/);
    expect(statSync(join(path, "..")).mode & 0o777).toBe(0o700);
    expect(parseDotenv(readFileSync(path, "utf8"))).toEqual([{ name: "APP_ONLY", value: "app-folder-value-1" }]);
  });

  it("refuses to print the secrets or write to a device, before any request", async () => {
    server.requests.clear();
    for (const output of ["-", "/dev/stdout", "/proc/self/fd/1"]) {
      const result = await cli(["export", "--output", output], universalEnv(server.url));
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/--output: (export never prints the secrets|.* is a device or a process file)/);
    }
    expect(server.requests.list()).toHaveLength(0);
  });

  it("warns when the file lands inside the job's checkout", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "cli-workspace-"));
    const stdout = new Capture();
    const stderr = new Capture();
    const conventions = { ...testConventions, workspace: () => workspace };
    const code = await runCli(["export", "-o", ".env"], { conventions, env: universalEnv(server.url), io: { stdout, stderr }, cwd: workspace });
    expect(code).toBe(0);
    expect(stderr.text()).toContain("is inside the job's checkout");
  });
});

describe("the command line", () => {
  it("prints help and the version on stdout with exit 0, and usage on stderr with exit 2", async () => {
    const help = await cli(["--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: sa-test <command> \[options\]/);
    expect(help.stdout).toContain("  run     Run a command");
    const runHelp = await cli(["help", "run"], {});
    expect(runHelp.code).toBe(0);
    expect(runHelp.stdout).toContain("--client-secret SECRET");
    expect(runHelp.stdout).toContain("env INFISICAL_CLIENT_SECRET");
    expect(runHelp.stdout).not.toContain("--format");
    expect((await cli(["export", "-h"], {})).stdout).toContain("--format dotenv|shell|json|yaml");
    expect((await cli(["--version"], {})).stdout).toBe("sa-test 0.1.0\n");
    const bare = await cli([], {});
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^Usage:/);
  });

  it("refuses an unknown command with a suggestion", async () => {
    const result = await cli(["rnu"], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("sa-test: error: rnu: unknown command. Did you mean run? Commands: run, export, lease, revoke; see sa-test --help.\n");
  });

  it("warns when a credential is given as a flag", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-flag-secret-"));
    const env = universalEnv(server.url);
    delete env["INFISICAL_CLIENT_SECRET"];
    const result = await cli(["export", "--client-secret", CLIENT.clientSecret, "-o", "x.env"], env, dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("sa-test: warning: --client-secret was given on the command line, where other processes on the runner can read it; set INFISICAL_CLIENT_SECRET instead.");
    expect(result.stderr).not.toContain(CLIENT.clientSecret);
  });

  it("takes a flag over its variable, and an empty variable as unset", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-precedence-"));
    const env = universalEnv(server.url, { INFISICAL_SECRET_PATH: "/nowhere", INFISICAL_TAGS: "" });
    const result = await cli(["export", "--path", "/app", "-o", "x.env"], env, dir);
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, "x.env"), "utf8")).toContain("APP_ONLY=");
  });
});
