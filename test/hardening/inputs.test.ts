/**
 * Bad inputs at every front door — the action bundle, the GitLab CLI, the CircleCI CLI — each gives one clear line
 * naming the input before any request: the dev server's request log stays empty and nothing is exported. And the
 * domain forms that should work do: a trailing slash, a path (a server behind a reverse proxy, as the official action
 * appends /api/… to the domain as given), plain http to a host that is not loopback (with a warning).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { type DevServer, startDevServer } from "@secrets-action/dev-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStep } from "../support/github-runner.js";
import { assertNoLeaks } from "../support/leak-scanner.js";
import { ALL_VALUES, CIRCLECI_CLI, CLIENT, DEEPER, GITLAB_CLI, PROJECT, cliEnv, hostileSeed, removeSandbox, runCli, scratch } from "./support-hostile.js";

let server: DevServer;
let port: number;
beforeAll(async () => {
  server = await startDevServer({ seed: hostileSeed(), log: false });
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server?.close();
  removeSandbox();
});

const secrets = ALL_VALUES;

function actionInputs(extra: Record<string, string> = {}): Record<string, string> {
  return { domain: server.url, "client-id": CLIENT.clientId, "client-secret": CLIENT.clientSecret, "project-slug": PROJECT.slug, "env-slug": "dev", "secret-path": "/names/deeper", ...extra };
}

interface BadInput {
  what: string;
  action: Record<string, string>;
  actionError: RegExp;
  /** Variables (and flags) for both CLIs, and the line they must print. */
  cliEnv: Record<string, string>;
  cliArgs?: string[];
  cliError: RegExp;
}

const BAD: () => BadInput[] = () => [
  {
    what: "a domain without a scheme",
    action: { domain: `127.0.0.1:${port}` },
    actionError: new RegExp(`^domain: "127\\.0\\.0\\.1:${port}" has no scheme\\. Did you mean "https://127\\.0\\.0\\.1:${port}"\\?$`),
    cliEnv: { INFISICAL_DOMAIN: `127.0.0.1:${port}` },
    cliError: new RegExp(`^INFISICAL_DOMAIN: "127\\.0\\.0\\.1:${port}" has no scheme\\. Did you mean "https://127\\.0\\.0\\.1:${port}"\\?$`),
  },
  {
    what: "a boolean written yes",
    action: { recursive: "yes" },
    actionError: /^recursive: "yes" is not a boolean\. Use true or false\.$/,
    cliEnv: { INFISICAL_RECURSIVE: "yes" },
    cliError: /^INFISICAL_RECURSIVE: "yes" is not a boolean\. Use true or false\.$/,
  },
  {
    what: "a boolean written 1",
    action: { "include-imports": "1" },
    actionError: /^include-imports: "1" is not a boolean\. Use true or false\.$/,
    cliEnv: {},
    cliArgs: ["--include-imports=1"],
    cliError: /^--include-imports: "1" is not a boolean\. Use true or false\.$/,
  },
  {
    what: "an unknown method",
    action: { method: "oauth" },
    actionError: /^method: "oauth" is not one of universal, oidc, aws-iam, token, service-token\./,
    cliEnv: { INFISICAL_METHOD: "oauth" },
    cliError: /^INFISICAL_METHOD: "oauth" is not one of universal, oidc, aws-iam, token, service-token\./,
  },
  {
    what: "a method with a typo",
    action: { method: "universl" },
    actionError: /^method: "universl" is not one of .*\. Did you mean universal\?$/,
    cliEnv: {},
    cliArgs: ["--method", "universl"],
    cliError: /^--method: "universl" is not one of .*\. Did you mean universal\?$/,
  },
  {
    what: "an empty project",
    action: { "project-slug": "" },
    actionError: /^project-slug: set project-slug or project-id\.$/,
    cliEnv: { INFISICAL_PROJECT_SLUG: "" },
    cliError: /^--project-slug \(or INFISICAL_PROJECT_SLUG\): required\. Set the project's slug, or --project-id\.$/,
  },
  {
    what: "a domain with a query",
    action: { domain: `http://127.0.0.1:${port}/?x=1` },
    actionError: /^domain: ".*" must not have a query \(\?…\) or fragment \(#…\)\.$/,
    cliEnv: { INFISICAL_DOMAIN: `http://127.0.0.1:${port}/?x=1` },
    cliError: /^INFISICAL_DOMAIN: ".*" must not have a query \(\?…\) or fragment \(#…\)\.$/,
  },
];

/** The problem lines a CLI printed: `<program>: error: <problem>`, without its closing summary line. */
function cliProblems(stderr: string, program: string): string[] {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith(`${program}: error: `))
    .map((line) => line.slice(`${program}: error: `.length))
    .filter((line) => !/nothing was sent to the server/.test(line));
}

describe("bad inputs fail before any request, with one line naming the input", () => {
  it.each(BAD().map((bad) => [bad.what]))("the action: %s", async (what) => {
    const bad = BAD().find((item) => item.what === what)!;
    server.requests.clear();
    const result = await runStep({ inputs: actionInputs(bad.action) });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(bad.actionError);
    expect(server.requests.list()).toEqual([]);
    expect(result.env).toEqual({});
    expect(result.outputs).toEqual({});
    assertNoLeaks(result.log, secrets);
  });

  it.each(BAD().map((bad) => [bad.what]))("the GitLab CLI: %s", async (what) => {
    const bad = BAD().find((item) => item.what === what)!;
    server.requests.clear();
    const dir = scratch("inputs-gitlab");
    const result = await runCli(GITLAB_CLI, ["export", ...(bad.cliArgs ?? []), "--output", join(dir, "out.env")], cliEnv(server.url, { GITLAB_CI: "true", ...bad.cliEnv }));
    expect(result.code).toBe(2);
    expect(cliProblems(result.stderr, "secrets-action")).toHaveLength(1);
    expect(cliProblems(result.stderr, "secrets-action")[0]).toMatch(bad.cliError);
    expect(result.stderr).toContain("nothing was sent to the server");
    expect(result.stdout).toBe("");
    expect(server.requests.list()).toEqual([]);
    assertNoLeaks(result.stdout + result.stderr, secrets);
  });

  it.each(BAD().map((bad) => [bad.what]))("the CircleCI CLI: %s", async (what) => {
    const bad = BAD().find((item) => item.what === what)!;
    server.requests.clear();
    const bashEnv = join(scratch("inputs-circleci"), "bash_env");
    writeFileSync(bashEnv, "");
    const result = await runCli(CIRCLECI_CLI, ["load", ...(bad.cliArgs ?? [])], cliEnv(server.url, { CIRCLECI: "true", BASH_ENV: bashEnv, ...bad.cliEnv }));
    expect(result.code).toBe(2);
    expect(cliProblems(result.stderr, "secrets-action-circleci")).toHaveLength(1);
    expect(cliProblems(result.stderr, "secrets-action-circleci")[0]).toMatch(bad.cliError);
    expect(server.requests.list()).toEqual([]);
    expect(readFileSync(bashEnv, "utf8")).toBe("");
    assertNoLeaks(result.stdout + result.stderr, secrets);
  });

  it("the action: an unknown export type or file format, with a suggestion", async () => {
    server.requests.clear();
    const type = await runStep({ inputs: actionInputs({ "export-type": "evn" }) });
    expect(type.errors).toEqual(['export-type: "evn" is not one of env, output, file, none. Did you mean env?']);
    const format = await runStep({ inputs: actionInputs({ "export-type": "file", "file-format": "jsno" }) });
    expect(format.errors).toEqual(['file-format: "jsno" is not one of dotenv, json, yaml, shell. Did you mean json?']);
    expect(server.requests.list()).toEqual([]);
    expect({ ...type.env, ...format.env, ...type.outputs, ...format.outputs }).toEqual({});
  });

  it("the action: a dynamic secret TTL that ms cannot parse, or below the server's minimum", async () => {
    server.requests.clear();
    const words = await runStep({ inputs: actionInputs({ "dynamic-secrets": "pg-app@forever" }) });
    expect(words.errors).toEqual(['dynamic-secrets: the TTL "forever" is not a duration: write it like 30m, 1h, 12h or 7d']);
    const short = await runStep({ inputs: actionInputs({ "dynamic-secrets": "pg-app@5s" }) });
    expect(short.errors).toEqual(['dynamic-secrets: the TTL "5s" is shorter than 1 minute, the shortest lease the server grants']);
    expect(server.requests.list()).toEqual([]);
    expect({ ...words.env, ...short.env, ...words.outputs, ...short.outputs }).toEqual({});
  });

  it("both CLIs: a dynamic secret TTL that ms cannot parse, or below the server's minimum, in lease, run and load", async () => {
    server.requests.clear();
    const cases: Array<[string, string, string[], Record<string, string>]> = [
      [GITLAB_CLI, "secrets-action", ["lease", "--dynamic-secrets", "pg-app@forever"], { GITLAB_CI: "true" }],
      [GITLAB_CLI, "secrets-action", ["run", "--dynamic-secrets", "pg-app@5s", "--", "true"], { GITLAB_CI: "true" }],
      [CIRCLECI_CLI, "secrets-action-circleci", ["load"], { CIRCLECI: "true", BASH_ENV: join(scratch("inputs-ttl"), "bash_env"), INFISICAL_DYNAMIC_SECRETS: "pg-app@forever" }],
    ];
    for (const [cli, program, args, env] of cases) {
      const result = await runCli(cli, args, cliEnv(server.url, env));
      expect(result.code, result.stderr).toBe(2);
      const problems = cliProblems(result.stderr, program);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^(--dynamic-secrets|INFISICAL_DYNAMIC_SECRETS): the TTL "(forever|5s)" is (not a duration|shorter than 1 minute)/);
    }
    expect(server.requests.list()).toEqual([]);
  });

  it("the GitLab CLI: an unknown export format, with a suggestion", async () => {
    server.requests.clear();
    const result = await runCli(GITLAB_CLI, ["export", "--format", "jsno"], cliEnv(server.url, { GITLAB_CI: "true" }));
    expect(result.code).toBe(2);
    expect(cliProblems(result.stderr, "secrets-action")).toEqual(['--format: "jsno" is not one of dotenv, shell, json, yaml. Did you mean json?']);
    expect(server.requests.list()).toEqual([]);
  });

  it("every problem at once, still without a request", async () => {
    server.requests.clear();
    const result = await runStep({ inputs: actionInputs({ domain: "app.infisical.com", recursive: "on", method: "oauth", "project-slug": "", "export-type": "evn" }) });
    expect(result.errors).toHaveLength(5);
    expect(server.requests.list()).toEqual([]);
  });
});

describe("booleans are the YAML 1.2 core schema words, as the official action's getBooleanInput", () => {
  it.each(["true", "True", "TRUE"])("the action and the CLIs accept %s", async (word) => {
    const step = await runStep({ inputs: actionInputs({ recursive: word, "secret-path": "/names" }) });
    expect(step.errors).toEqual([]);
    expect(step.env["DEEP_ONLY"]).toBe("deep-only-value");
    const dir = scratch("bool");
    const cli = await runCli(GITLAB_CLI, ["export", "--secret-path", "/names", "--format", "json", "--output", join(dir, "out.json")], cliEnv(server.url, { GITLAB_CI: "true", INFISICAL_RECURSIVE: word }));
    expect(cli.code, cli.stderr).toBe(0);
    expect((JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as Record<string, string>)["DEEP_ONLY"]).toBe("deep-only-value");
  });
});

/** A reverse proxy that serves the dev server under `prefix`, as a self-hosted server behind nginx might be. */
async function startPrefixProxy(prefix: string, target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const upstream = new URL(target);
  const proxy: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    if (!path.startsWith(`${prefix}/`)) {
      res.writeHead(404, { "content-type": "text/html" }).end("<html>not here</html>");
      return;
    }
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: path.slice(prefix.length), headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${prefix}`,
    close: () => new Promise((resolve) => proxy.close(() => resolve())),
  };
}

describe("domain forms that work", () => {
  it("a trailing slash is dropped: requests go to /api/…, not //api/…", async () => {
    server.requests.clear();
    const result = await runStep({ inputs: actionInputs({ domain: `${server.url}//` }) });
    expect(result.errors).toEqual([]);
    expect(result.env).toEqual(DEEPER);
    expect(server.requests.list().map((record) => record.path.slice(0, 5))).toEqual(["/api/", "/api/"]);
    const cli = await runCli(GITLAB_CLI, ["run", "--", "true"], cliEnv(`${server.url}/`, { GITLAB_CI: "true" }));
    expect(cli.code, cli.stderr).toBe(0);
    expect(server.requests.list().every((record) => record.path.startsWith("/api/"))).toBe(true);
  });

  it("a path is kept, for a server behind a reverse proxy under a prefix", async () => {
    const proxy = await startPrefixProxy("/infisical", server.url);
    try {
      server.requests.clear();
      const result = await runStep({ inputs: actionInputs({ domain: `${proxy.url}/` }) });
      expect(result.errors).toEqual([]);
      expect(result.warnings).toEqual([]);
      expect(result.env).toEqual(DEEPER);
      const cli = await runCli(CIRCLECI_CLI, ["exec", "--", "true"], cliEnv(proxy.url, { CIRCLECI: "true" }));
      expect(cli.code, cli.stderr).toBe(0);
      expect(server.requests.count({ path: "/api/v1/auth/universal-auth/login" })).toBe(2);
    } finally {
      await proxy.close();
    }
  });

  it("a path ending in /api is kept too, but warned about with the likely fix before the request fails", async () => {
    const result = await runStep({ inputs: actionInputs({ domain: `${server.url}/api` }) });
    expect(result.warnings[0]).toBe(`domain: "${server.url}/api" ends in /api, but request paths already start with /api/. Did you mean "${server.url}"?`);
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^404 from POST .*\/api\/api\/v1\/auth\/universal-auth\/login not found .*\/api is not the Infisical API \(check the domain and any path in it\)$/);
    expect(result.env).toEqual({});
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address !== undefined && address.family === "IPv4" && !address.internal)?.address;
  it.skipIf(external === undefined)("plain http to a host that is not loopback works, with a warning that the token and secrets cross the network unencrypted", async () => {
    const remote = await startDevServer({ seed: hostileSeed(), log: false, host: external ?? "" });
    try {
      const url = remote.url;
      expect(url.startsWith("http://127.")).toBe(false);
      const warning = `"${url}" is plain http; the access token and the secrets would cross the network unencrypted. Use https:// unless this is a private test server.`;
      const step = await runStep({ inputs: actionInputs({ domain: url }) });
      expect(step.errors).toEqual([]);
      expect(step.warnings).toEqual([`domain: ${warning}`]);
      expect(step.env).toEqual(DEEPER);
      const cli = await runCli(GITLAB_CLI, ["run", "--", "true"], cliEnv(url, { GITLAB_CI: "true" }));
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stderr).toContain(`secrets-action: warning: INFISICAL_DOMAIN: ${warning}`);
      // Loopback over http is the local dev server: no warning.
      const local = await runStep({ inputs: actionInputs() });
      expect(local.warnings).toEqual([]);
    } finally {
      await remote.close();
    }
  });
});
