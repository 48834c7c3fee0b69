/**
 * Shared by the hardening tests: a project of hostile values and names, the committed CLI bundles as processes, and a
 * child that writes its whole environment to a file (so nothing it sees passes through a log or a redactor).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Seed } from "@secrets-action/dev-server";
import { repoRoot } from "../support/github-runner.js";

export const GITLAB_CLI = join(repoRoot, "actions/gitlab/bin/secrets-action-gitlab.mjs");
export const CIRCLECI_CLI = join(repoRoot, "actions/circleci/secrets-action-circleci.mjs");

export const PROJECT = { slug: "hostile", id: "4d3c2b1a-0f9e-4d8c-9b7a-6f5e4d3c2b1a" };
export const CLIENT = { clientId: "hostile-client-id", clientSecret: "hostile-client-secret-3f9a7c" };

/** A folder of this process: every command a value might smuggle in would create `SENTINEL` here. */
export const SANDBOX = mkdtempSync(join(tmpdir(), "hostile-"));
export const SENTINEL = join(SANDBOX, "pwned");

/** Deletes the sandbox and every file the cases wrote there (1 MiB exports among them). */
export function removeSandbox(): void {
  rmSync(SANDBOX, { recursive: true, force: true });
}

const pem = [
  "-----BEGIN EC PRIVATE KEY-----",
  "MHcCAQEEIBv3aXr4kqN2m1l9W8Yc0Tt5HfQ2pZ6sLd7kVu3oJx1ZoAoGCCqGSM49",
  "AwEHoUQDQgAEq3F0mC7ZxY1bR8nW2kL5vD9tH4sJ6pQ0uE3aG1cN7fV2yT8iO5rB",
  "-----END EC PRIVATE KEY-----",
].join("\n");

/**
 * Values crafted against each writer. The server trims values on write (keeping one trailing newline), so none starts
 * or ends with blanks; a lone `\r` and `\r\n` sit inside values, where the trim leaves them.
 */
export const HOSTILE: Record<string, string> = {
  GHA_DELIMITER: "first\nghadelimiter_5e1c9a6e-0000-4000-8000-000000000000\nINJECTED_BY_DELIMITER=1\nlast",
  EOF_LINES: "EOF\nEOF\r\n'EOF'\nSECRETS_ACTION_EOF\nEND\nINJECTED_BY_EOF=1",
  CRLF: "first line\r\nsecond line\r\nthird",
  LONE_CR: "progress 10%\rprogress 100%",
  COMMAND_SUBSTITUTION: `$(touch ${SENTINEL})`,
  BACKTICKS: `\`touch ${SENTINEL}\``,
  SHELL_SYNTAX: `a; touch ${SENTINEL}; b && c || d | e > f < g & h`,
  DOLLARS: "$HOME ${PATH} $((6*7)) ${IFS} $0 $$ $1",
  SINGLE_QUOTES: "it's 'quoted' ''' '\\''",
  DOUBLE_QUOTES: 'say "hi" "" \\" end',
  BACKSLASHES: "C:\\path\\to\\n \\\\server \\t ends with \\",
  ANSI: "\u001b[31mred\u001b[0m \u001b]0;window title\u0007 \u001b[2J\u001b[H",
  SET_OUTPUT: "::set-output name=x::y",
  ADD_MASK: "::add-mask::",
  STOP_COMMANDS: "::stop-commands::pwnedtoken",
  WORKFLOW_LINES: "fine\n::set-env name=PWNED::1\n::add-path::/tmp/evil\n::stop-commands::tok2\n::error::fake failure",
  PERCENT_ESCAPES: "%0A%0D%25 look like escapes %",
  HASH: "# not a comment",
  EQUALS: "KEY=VALUE=more",
  PEM: pem,
  UNICODE: "ünïcødé ✓ 🔑 مرحبا 中文 e\u0301 zero\u200bwidth",
  TRAILING_NEWLINE: "ends with a newline\n",
  EMPTY: "",
  /** Fits one environment variable (Linux allows 128 KiB). */
  LARGE_100K: `large-${"0123456789abcdef".repeat(6400)}`,
};

/** One mebibyte: more than one Linux environment variable can hold, fine in a file. */
export const MEGABYTE = `mega-${"abcdefghijklmnop".repeat(65536)}`.slice(0, 1 << 20);
export const NUL_VALUE = "before\u0000after-nul";

/** Names: reserved ones, invalid ones, and valid ones around them that must come through untouched. */
export const RESERVED: Record<string, string> = {
  PATH: "/evil/bin",
  GITHUB_TOKEN: "ghs_stolen-token-1234",
  NODE_OPTIONS: "--require /tmp/evil.js",
  LD_PRELOAD: "/tmp/evil.so",
  BASH_ENV: "/tmp/evil.sh",
};
export const INVALID: Record<string, string> = {
  "1ABC": "digit-first-value",
  "A-B": "dash-name-value",
  "a b": "space-name-value",
  "ÜNICODE": "unicode-name-value",
};
export const VALID_NAMES: Record<string, string> = { A_B: "underscore-name-value", GOOD_NAME: "good-name-value", lower_case: "lower-case-value" };
export const DEEPER: Record<string, string> = { GOOD_NAME: "deeper-wins-value", DEEP_ONLY: "deep-only-value" };

export const MANY_COUNT = 10_000;
/** `MANY_00000` … with distinct values that a regular expression finds anywhere. */
export const MANY: Record<string, string> = Object.fromEntries(
  Array.from({ length: MANY_COUNT }, (_, index) => [`MANY_${String(index).padStart(5, "0")}`, `many-value-${String(index).padStart(5, "0")}-${((index * 2654435761) >>> 0).toString(16)}`]),
);
export const MANY_PATTERN = /many-value-\d{5}-[0-9a-f]+/;

export function hostileSeed(): Seed {
  return {
    projects: [
      {
        slug: PROJECT.slug,
        id: PROJECT.id,
        environments: ["dev"],
        secrets: {
          dev: {
            "/": HOSTILE,
            "/nul": { NUL_VALUE, NEXT_TO_NUL: "next-to-nul-value" },
            "/mega": { MEGABYTE, NEXT_TO_MEGA: "next-to-mega-value" },
            "/names": { ...RESERVED, ...INVALID, ...VALID_NAMES },
            "/names/deeper": DEEPER,
            "/many": MANY,
          },
        },
      },
    ],
    identities: [
      {
        name: "hostile",
        projects: { [PROJECT.slug]: "viewer" },
        universalAuth: { clientId: CLIENT.clientId, clientSecrets: [{ secret: CLIENT.clientSecret }], lockoutEnabled: false },
      },
    ],
  };
}

/** Every value, by a name, for the leak scanner (the 10 000 are checked by pattern instead). */
export const ALL_VALUES: Record<string, string> = {
  ...HOSTILE,
  MEGABYTE,
  NUL_VALUE,
  ...RESERVED,
  ...INVALID,
  ...VALID_NAMES,
  ...Object.fromEntries(Object.entries(DEEPER).map(([key, value]) => [`deeper/${key}`, value])),
  CLIENT_SECRET: CLIENT.clientSecret,
};

/** A script that writes its environment as JSON to argv[1] (run with `node -e`), printing nothing. */
export const DUMP_ENV = "require('fs').writeFileSync(process.argv[1], JSON.stringify(process.env))";

/** What a CLI process did. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a committed CLI bundle to the end with exactly `env` (no inherited variables). */
export function runCli(bundle: string, args: readonly string[], env: Record<string, string>, cwd = SANDBOX): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Runs a shell with `env`, returning its exit code and combined output. */
export function runShell(shell: string, script: string, env: Record<string, string>, cwd = SANDBOX): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell, ["-c", script], { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** A fresh folder for one case's files. */
export function scratch(prefix: string): string {
  return mkdtempSync(join(SANDBOX, `${prefix}-`));
}

/** Writes the env-dumping script to a file (for shells that start node by path). */
export function dumpScript(dir: string): string {
  const path = join(dir, "dump-env.cjs");
  writeFileSync(path, "require('fs').writeFileSync(process.argv[2], JSON.stringify(process.env));\n");
  return path;
}

/** The job environment both CLIs read: universal auth against `url`. */
export function cliEnv(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: SANDBOX,
    INFISICAL_DOMAIN: url,
    INFISICAL_CLIENT_ID: CLIENT.clientId,
    INFISICAL_CLIENT_SECRET: CLIENT.clientSecret,
    INFISICAL_PROJECT_SLUG: PROJECT.slug,
    INFISICAL_ENV_SLUG: "dev",
    ...extra,
  };
}

/** The subset of `env` with the given names (missing ones left out, so a comparison shows them). */
export function pick(env: Record<string, string | undefined>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
