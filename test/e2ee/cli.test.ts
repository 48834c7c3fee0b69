/**
 * The GitLab and CircleCI CLI bundles with a legacy service token against an end-to-end encrypted project: the
 * command sees the exact plaintexts (decrypted on the runner), its output is redacted, and a wrong key exports nothing.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "@secrets-action/dev-server";
import { repoRoot } from "../support/github-runner.js";
import { assertNoLeaks } from "../support/leak-scanner.js";
import { ALL_PLAINTEXTS, E2EE_SECRETS, TOKENS, startE2eeServer } from "./fixture.js";

let server: DevServer;
beforeAll(async () => {
  server = await startE2eeServer();
});
afterAll(async () => server?.close());

const FRONT_DOORS = [
  { name: "GitLab", bundle: "actions/gitlab/bin/secrets-action-gitlab.mjs", command: "run", replacement: "[MASKED]", env: { CI_SERVER_VERSION: "17.5.0" } },
  { name: "CircleCI", bundle: "actions/circleci/secrets-action-circleci.mjs", command: "exec", replacement: "********", env: { CIRCLECI: "true" } },
] as const;

/** Prints the SHA-256 of each expected variable (so values are compared without printing them), then two values raw. */
const script = [
  `const names = ${JSON.stringify(Object.keys(E2EE_SECRETS))};`,
  "const crypto = require('node:crypto');",
  "console.log(JSON.stringify(Object.fromEntries(names.map((n) => [n, process.env[n] === undefined ? null : crypto.createHash('sha256').update(process.env[n]).digest('hex')]))));",
  "console.log('url=' + process.env.DATABASE_URL);",
  "console.error('greeting=' + process.env.GREETING);",
].join("\n");

async function run(door: (typeof FRONT_DOORS)[number], token: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), "e2ee-cli-"));
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(repoRoot, door.bundle), door.command, "--", process.execPath, "-e", script], {
      env: { PATH: process.env["PATH"] ?? "", HOME: home, ...door.env, INFISICAL_DOMAIN: server.url, INFISICAL_METHOD: "service-token", INFISICAL_TOKEN: token },
      encoding: "utf8",
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

describe.each(FRONT_DOORS)("the $name CLI with a service token", (door) => {
  it("gives the command the exact plaintexts of the E2EE project (project and environment from the token) and redacts them", async () => {
    const result = await run(door, TOKENS.read);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const hashes = JSON.parse(result.stdout.split("\n")[0] ?? "{}") as Record<string, string | null>;
    const expected = Object.fromEntries(Object.entries(E2EE_SECRETS).map(([name, value]) => [name, createHash("sha256").update(value).digest("hex")]));
    expect(hashes).toEqual(expected);
    expect(result.stdout).toContain(`url=${door.replacement}`);
    expect(result.stderr).toContain(`greeting=${door.replacement}`);
    assertNoLeaks(`${result.stdout}\n${result.stderr}`, ALL_PLAINTEXTS);
  });

  it("fails with one clear error and starts nothing when the token's key cannot decrypt the project", async () => {
    const result = await run(door, TOKENS.wrongKey);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/project key|decrypt/i);
    assertNoLeaks(result.stderr, ALL_PLAINTEXTS);
  });
});
