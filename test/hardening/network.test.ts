/**
 * Network edges, end to end through the action bundle and the GitLab and CircleCI CLI bundles: an HTTPS dev server whose certificate
 * a CA made by the test signed — refused without that CA, trusted with the CA input/option or NODE_EXTRA_CA_CERTS —
 * and a real forward proxy in its own process (tinyproxy): used with HTTPS_PROXY / HTTP_PROXY, bypassed for NO_PROXY
 * hosts, and a clear one-line error when it refuses or is not there.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type DevServer, startDevServer } from "@secrets-action/dev-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCertificates, type TestCertificates } from "../../packages/core/src/http/test-helpers.js";
import { runStep } from "../support/github-runner.js";
import { assertNoLeaks } from "../support/leak-scanner.js";
import { type Tinyproxy, freePort, hasTinyproxy, startTinyproxy } from "./support-hostile-proxy.js";
import { ALL_VALUES, CIRCLECI_CLI, CLIENT, DEEPER, GITLAB_CLI, PROJECT, cliEnv, hostileSeed, removeSandbox, runCli, scratch } from "./support-hostile.js";

let certs: TestCertificates;
let https: DevServer;
let http: DevServer;
let caFile: string;

beforeAll(async () => {
  certs = await makeTestCertificates();
  [https, http] = await Promise.all([startDevServer({ seed: hostileSeed(), log: false, tls: certs.server }), startDevServer({ seed: hostileSeed(), log: false })]);
  caFile = join(scratch("ca"), "ca.pem");
  writeFileSync(caFile, certs.caPem);
});
afterAll(async () => {
  await Promise.all([https?.close(), http?.close()]);
  removeSandbox();
});

const TLS_ERROR = /^POST \/api\/v1\/auth\/universal-auth\/login: the TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\) — it is self-signed or signed by a private CA: pass that CA's PEM certificate in (the ca-certificate input|--ca-certificate \(INFISICAL_CA_CERTIFICATE\)) \(or set NODE_EXTRA_CA_CERTS\)$/;

/** A CLI's error lines, without the prefix. */
function errorLines(stderr: string, program = "secrets-action"): string[] {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith(`${program}: error: `))
    .map((line) => line.slice(`${program}: error: `.length));
}

function inputs(server: DevServer, extra: Record<string, string> = {}): Record<string, string> {
  return { domain: server.url, "client-id": CLIENT.clientId, "client-secret": CLIENT.clientSecret, "project-slug": PROJECT.slug, "env-slug": "dev", "secret-path": "/names/deeper", ...extra };
}

/** Runs the GitLab CLI's `export --format json` and returns what it wrote, or undefined. */
async function gitlabExport(url: string, env: Record<string, string> = {}, args: string[] = []): Promise<{ code: number | null; stderr: string; exported: string | undefined }> {
  const out = join(scratch("net"), "out.json");
  const result = await runCli(GITLAB_CLI, ["export", "--format", "json", "--output", out, ...args], cliEnv(url, { GITLAB_CI: "true", INFISICAL_SECRET_PATH: "/names/deeper", ...env }));
  assertNoLeaks(result.stdout + result.stderr, ALL_VALUES);
  const exported = existsSync(out) ? readFileSync(out, "utf8") : undefined;
  return { code: result.code, stderr: result.stderr, exported };
}

/** Runs the CircleCI CLI's `load` into a fresh $BASH_ENV and returns what it appended ("" when nothing). */
async function circleciLoad(url: string, env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string; appended: string }> {
  const bashEnv = join(scratch("net-circleci"), "bash_env");
  writeFileSync(bashEnv, "");
  const result = await runCli(CIRCLECI_CLI, ["load"], cliEnv(url, { CIRCLECI: "true", BASH_ENV: bashEnv, INFISICAL_SECRET_PATH: "/names/deeper", ...env }));
  assertNoLeaks(result.stdout + result.stderr, ALL_VALUES);
  return { code: result.code, stderr: result.stderr, appended: readFileSync(bashEnv, "utf8") };
}

/** What a later CircleCI step's bash sees of `names` after sourcing `bashEnv` text. */
function sourced(bashEnv: string, names: readonly string[]): Record<string, string> {
  const file = join(scratch("net-sourced"), "bash_env");
  writeFileSync(file, bashEnv);
  const printed = execFileSync("bash", ["-c", `. "$1"; shift; for name in "$@"; do printf '%s\\0' "\${!name}"; done`, "bash", file, ...names], { encoding: "utf8" });
  const values = printed.split("\0");
  return Object.fromEntries(names.map((name, index) => [name, values[index] ?? ""]));
}

describe("an HTTPS server with a private CA", () => {
  it("the action fails with one clear TLS line without the CA, and works with ca-certificate or NODE_EXTRA_CA_CERTS", async () => {
    const refused = await runStep({ inputs: inputs(https, { retries: "0" }) });
    expect(refused.exitCode).toBe(1);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors[0]).toMatch(TLS_ERROR);
    expect(refused.env).toEqual({});
    expect(refused.outputs).toEqual({});

    const withInput = await runStep({ inputs: inputs(https, { "ca-certificate": certs.caPem }) });
    expect(withInput.errors).toEqual([]);
    expect(withInput.env).toEqual(DEEPER);

    const withEnv = await runStep({ inputs: inputs(https), env: { NODE_EXTRA_CA_CERTS: caFile } });
    expect(withEnv.errors).toEqual([]);
    expect(withEnv.env).toEqual(DEEPER);
    for (const step of [refused, withInput, withEnv]) assertNoLeaks(step.log, ALL_VALUES);
  });

  it("the GitLab CLI fails with one clear TLS line without the CA, and works with --ca-certificate, INFISICAL_CA_CERTIFICATE or NODE_EXTRA_CA_CERTS", async () => {
    const refused = await gitlabExport(https.url, { INFISICAL_RETRIES: "0" });
    expect(refused.code).toBe(1);
    expect(errorLines(refused.stderr)).toHaveLength(1);
    expect(errorLines(refused.stderr)[0]).toMatch(TLS_ERROR);
    expect(refused.exported).toBeUndefined();
    for (const [env, args] of [
      [{}, ["--ca-certificate", caFile]],
      [{ INFISICAL_CA_CERTIFICATE: certs.caPem }, []],
      [{ NODE_EXTRA_CA_CERTS: caFile }, []],
    ] as const) {
      const ok = await gitlabExport(https.url, env, [...args]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(JSON.parse(ok.exported ?? "{}")).toEqual(DEEPER);
    }
  });

  it("the CircleCI CLI's load fails with one clear TLS line without the CA, leaving $BASH_ENV empty, and works with INFISICAL_CA_CERTIFICATE or NODE_EXTRA_CA_CERTS", async () => {
    const refused = await circleciLoad(https.url, { INFISICAL_RETRIES: "0" });
    expect(refused.code).toBe(1);
    expect(errorLines(refused.stderr, "secrets-action-circleci")).toHaveLength(1);
    expect(errorLines(refused.stderr, "secrets-action-circleci")[0]).toMatch(TLS_ERROR);
    expect(refused.appended).toBe("");
    for (const env of [{ INFISICAL_CA_CERTIFICATE: certs.caPem }, { NODE_EXTRA_CA_CERTS: caFile }]) {
      const ok = await circleciLoad(https.url, env);
      expect(ok.code, ok.stderr).toBe(0);
      expect(sourced(ok.appended, Object.keys(DEEPER))).toEqual(DEEPER);
    }
  });
});

// Outside CI a machine without tinyproxy skips these (install it: apt-get install tinyproxy); in CI they must run.
describe.skipIf(!hasTinyproxy() && process.env["CI"] !== "true")("a forward proxy (tinyproxy, its own process)", () => {
  let proxy: Tinyproxy;
  let only443: Tinyproxy;
  beforeAll(async () => {
    [proxy, only443] = await Promise.all([startTinyproxy(), startTinyproxy({ connectPorts: [443] })]);
  });
  afterAll(async () => {
    await Promise.all([proxy?.close(), only443?.close()]);
  });

  it("carries the action's and the CLI's HTTPS requests through CONNECT with HTTPS_PROXY, and not for a NO_PROXY host", async () => {
    const port = new URL(https.url).port;
    const before = proxy.requests().length;
    const step = await runStep({ inputs: inputs(https, { "ca-certificate": certs.caPem }), env: { HTTPS_PROXY: proxy.url } });
    expect(step.errors).toEqual([]);
    expect(step.env).toEqual(DEEPER);
    const cli = await gitlabExport(https.url, { https_proxy: proxy.url, INFISICAL_CA_CERTIFICATE: certs.caPem });
    expect(cli.code, cli.stderr).toBe(0);
    expect(proxy.requests().slice(before).filter((line) => line === `CONNECT 127.0.0.1:${port} HTTP/1.1`).length).toBeGreaterThanOrEqual(2);

    const seen = proxy.requests().length;
    const bypass = await runStep({ inputs: inputs(https, { "ca-certificate": certs.caPem }), env: { HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1" } });
    expect(bypass.errors).toEqual([]);
    const cliBypass = await gitlabExport(https.url, { HTTPS_PROXY: proxy.url, NO_PROXY: `localhost,127.0.0.1:${port}`, INFISICAL_CA_CERTIFICATE: certs.caPem });
    expect(cliBypass.code, cliBypass.stderr).toBe(0);
    expect(proxy.requests().slice(seen)).toEqual([]);
  });

  it("carries requests to an http:// server with HTTP_PROXY, and not with HTTPS_PROXY alone", async () => {
    const before = proxy.requests().length;
    const step = await runStep({ inputs: inputs(http), env: { HTTP_PROXY: proxy.url } });
    expect(step.errors).toEqual([]);
    expect(step.env).toEqual(DEEPER);
    // Plain http goes through a CONNECT tunnel too.
    expect(proxy.requests().slice(before)).toEqual([`CONNECT 127.0.0.1:${new URL(http.url).port} HTTP/1.1`]);
    const seen = proxy.requests().length;
    const direct = await runStep({ inputs: inputs(http), env: { HTTPS_PROXY: proxy.url } });
    expect(direct.errors).toEqual([]);
    expect(proxy.requests().slice(seen)).toEqual([]);
  });

  it("a proxy that refuses the tunnel, or is not listening, gives one clear line and exports nothing", async () => {
    const port = new URL(https.url).port;
    // A refused tunnel is not retried (default retries): the proxy saw one CONNECT.
    const before = only443.requests().length;
    const refused = await runStep({ inputs: inputs(https, { "ca-certificate": certs.caPem }), env: { HTTPS_PROXY: only443.url } });
    expect(only443.requests().slice(before)).toEqual([`CONNECT 127.0.0.1:${port} HTTP/1.1`]);
    expect(refused.exitCode).toBe(1);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors[0]).toMatch(new RegExp(`^POST /api/v1/auth/universal-auth/login: the proxy ${only443.url} refused to open a tunnel to 127\\.0\\.0\\.1:${port} \\(status 403\\) — check the proxy settings, or add 127\\.0\\.0\\.1:${port} to NO_PROXY if it should be reached directly$`));
    expect(refused.env).toEqual({});
    // A proxy that is not there is a network error, retried like any: retries 0 keeps the test fast.
    const closed = `http://127.0.0.1:${await freePort()}`;
    const absent = await runStep({ inputs: inputs(https, { "ca-certificate": certs.caPem, retries: "0" }), env: { HTTPS_PROXY: closed } });
    expect(absent.exitCode).toBe(1);
    expect(absent.errors).toHaveLength(1);
    expect(absent.errors[0]).toMatch(new RegExp(`^POST /api/v1/auth/universal-auth/login: connection to 127\\.0\\.0\\.1:${port} through the proxy ${closed} refused \\(ECONNREFUSED\\)`));
    expect(absent.env).toEqual({});
    const cli = await gitlabExport(https.url, { HTTPS_PROXY: only443.url, INFISICAL_CA_CERTIFICATE: certs.caPem });
    expect(cli.code).toBe(1);
    expect(errorLines(cli.stderr)).toEqual([refused.errors[0]]);
    expect(cli.exported).toBeUndefined();
    const load = await circleciLoad(https.url, { HTTPS_PROXY: only443.url, INFISICAL_CA_CERTIFICATE: certs.caPem });
    expect(load.code).toBe(1);
    expect(errorLines(load.stderr, "secrets-action-circleci")).toEqual([refused.errors[0]]);
    expect(load.appended).toBe("");
  });

  it("carries the CircleCI CLI's requests through the proxy with HTTPS_PROXY, and not for a NO_PROXY host", async () => {
    const port = new URL(https.url).port;
    const before = proxy.requests().length;
    const through = await circleciLoad(https.url, { HTTPS_PROXY: proxy.url, INFISICAL_CA_CERTIFICATE: certs.caPem });
    expect(through.code, through.stderr).toBe(0);
    expect(proxy.requests().slice(before)).toContain(`CONNECT 127.0.0.1:${port} HTTP/1.1`);
    const seen = proxy.requests().length;
    const bypass = await circleciLoad(https.url, { HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1", INFISICAL_CA_CERTIFICATE: certs.caPem });
    expect(bypass.code, bypass.stderr).toBe(0);
    expect(proxy.requests().slice(seen)).toEqual([]);
  });
});
