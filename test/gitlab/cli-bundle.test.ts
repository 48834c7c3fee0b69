/**
 * The committed GitLab CLI bundle (actions/gitlab/bin/secrets-action-gitlab.mjs) as a process, the way the component's
 * job runs it: real pipes, real signals sent to the CLI, each login method, the User-Agent, and exit codes.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHttpClient, login } from "@secrets-action/core";
import { type DevServer, startDevServer } from "@secrets-action/dev-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertNoLeaks } from "../support/leak-scanner.js";
import { componentDir } from "./pipeline.js";
import { AWS, CLIENT, PROJECT, SECRETS, gitlabSeed } from "./seed.js";

const bundle = join(componentDir, "bin/secrets-action-gitlab.mjs");
let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ seed: gitlabSeed() });
});
afterAll(async () => {
  await server?.close();
});

/** A GitLab job's environment with universal auth. */
function jobEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    GITLAB_CI: "true",
    CI_SERVER_VERSION: "17.5.0",
    CI_PROJECT_DIR: mkdtempSync(join(tmpdir(), "gitlab-checkout-")),
    INFISICAL_DOMAIN: server.url,
    INFISICAL_CLIENT_ID: CLIENT.clientId,
    INFISICAL_CLIENT_SECRET: CLIENT.clientSecret,
    INFISICAL_PROJECT_SLUG: PROJECT.slug,
    INFISICAL_ENV_SLUG: "dev",
    ...extra,
  };
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stdout contains `text`. */
  waitFor: (text: string) => Promise<void>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [bundle, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
    for (const waiter of waiters.splice(0)) {
      if (out.includes(waiter.text)) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor: (text) => (out.includes(text) ? Promise.resolve() : new Promise((resolve) => waiters.push({ text, resolve }))),
    done,
  };
}

const sensitive = { ...SECRETS, CLIENT_SECRET: CLIENT.clientSecret, AWS_SECRET: AWS.secretAccessKey };
const node = (script: string): string[] => ["run", "--", process.execPath, "-e", script];

describe("the GitLab CLI bundle", () => {
  it("passes SIGTERM it receives on to the command, which cleans up and decides the exit code", async () => {
    const run = start(node("process.on('SIGTERM',()=>{console.log('child: got SIGTERM, pw '+process.env.DB_PASSWORD);process.exit(0)});console.log('ready');setInterval(()=>{},1000)"), jobEnv());
    await run.waitFor("ready\n");
    run.child.kill("SIGTERM");
    expect(await run.done).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toBe("ready\nchild: got SIGTERM, pw [MASKED]\n");
    assertNoLeaks(run.stdout() + run.stderr(), sensitive);
  });

  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
    ["SIGHUP", 129],
  ] as const)("exits 128 + N when %s, passed on, kills the command", async (signal, code) => {
    const run = start(node("console.log('ready');setInterval(()=>{},1000)"), jobEnv());
    await run.waitFor("ready\n");
    run.child.kill(signal);
    expect(await run.done).toEqual({ code, signal: null });
    expect(run.stderr()).toContain(`was killed by ${signal} (exit ${code}).`);
  });

  it("shows a progress bar through real pipes before the command goes on, and redacts what follows", async () => {
    const go = join(mkdtempSync(join(tmpdir(), "progress-")), "go");
    const script = `const fs=require('fs');process.stdout.write('downloading [###       ] 30%\\r',()=>{while(!fs.existsSync(${JSON.stringify(go)}))Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,5);process.stdout.write('downloading [##########] 100% key='+process.env.API_TOKEN+'\\n')})`;
    const run = start(node(script), jobEnv());
    await run.waitFor("downloading [###       ] 30%\r");
    writeFileSync(go, "");
    expect((await run.done).code).toBe(0);
    expect(run.stdout()).toBe("downloading [###       ] 30%\rdownloading [##########] 100% key=[MASKED]\n");
  });

  it("redacts stdout and stderr while the command writes to both, byte by byte", async () => {
    const script = "const fs=require('fs');for(const [fd,t] of [[1,'out '+process.env.DB_PASSWORD+'\\n'],[2,'err '+process.env.SPLIT_ME+'\\n']])for(const b of Buffer.from(t)){fs.writeSync(fd,Buffer.from([b]));}";
    const run = start(node(script), jobEnv());
    expect((await run.done).code).toBe(0);
    expect(run.stdout()).toBe("out [MASKED]\n");
    expect(run.stderr()).toContain("err [MASKED]\n");
    assertNoLeaks(run.stdout() + run.stderr(), sensitive);
  });

  it("returns the command's exit code, 127 for a missing command, 2 for bad options, 1 for a refused login", async () => {
    expect((await start(node("process.exit(42)"), jobEnv()).done).code).toBe(42);
    const missing = start(["run", "--", "no-such-command-5150"], jobEnv());
    expect((await missing.done).code).toBe(127);
    expect(missing.stderr()).toContain("secrets-action: error: no-such-command-5150: not found.");
    const usage = start(["run", "--secret-pth", "/", "--", "true"], jobEnv());
    expect((await usage.done).code).toBe(2);
    expect(usage.stderr()).toContain("secrets-action: error: --secret-pth: unknown option. Did you mean --secret-path?");
    const refused = start(["run", "--", "true"], jobEnv({ INFISICAL_CLIENT_SECRET: "not-the-secret-1234" }));
    expect((await refused.done).code).toBe(1);
    expect(refused.stderr()).not.toContain("not-the-secret-1234");
  });

  it("logs in with the job's AWS credentials (aws-iam)", async () => {
    const run = start(node("console.log('pw', process.env.DB_PASSWORD.length)"), {
      ...jobEnv({ INFISICAL_METHOD: "aws-iam", INFISICAL_IDENTITY_ID: AWS.identityId, AWS_REGION: "eu-west-1" }),
      AWS_ACCESS_KEY_ID: AWS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: AWS.secretAccessKey,
    });
    expect((await run.done).code, run.stderr()).toBe(0);
    expect(run.stdout()).toBe(`pw ${SECRETS["DB_PASSWORD"]?.length}\n`);
  });

  it("uses a token handed in (method token) without revoking it", async () => {
    const http = createHttpClient({ baseUrl: server.url });
    const token = (await login(http, { method: "universal", ...CLIENT })).accessToken;
    const env = jobEnv({ INFISICAL_METHOD: "token", INFISICAL_TOKEN: token, INFISICAL_CLIENT_SECRET: "" });
    const first = start(node("console.log('token', process.env.INFISICAL_TOKEN)"), env);
    expect((await first.done).code).toBe(0);
    expect(first.stdout()).toBe("token [MASKED]\n");
    // Still valid: a second run with the same token works.
    expect((await start(node(""), env).done).code).toBe(0);
    await http.close();
  });

  it("names GitLab and its version in the User-Agent", async () => {
    const agents: string[] = [];
    const capture = createServer((request, response) => {
      agents.push(request.headers["user-agent"] ?? "");
      response.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ statusCode: 401, message: "Invalid credentials", error: "UnauthorizedError" }));
    });
    await new Promise<void>((resolve) => capture.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(capture.address() as AddressInfo).port}`;
    const run = start(["export"], jobEnv({ INFISICAL_DOMAIN: url }));
    expect((await run.done).code).toBe(1);
    capture.close();
    expect(agents[0]).toBe(`secrets-action/0.1.0 (gitlab-ci/17.5.0; node/${process.versions.node})`);
    expect(run.stdout()).toBe("");
  });

  it("exports to the component's private folder by default and warns about a file in the checkout", async () => {
    const home = mkdtempSync(join(tmpdir(), "secrets-action-home-"));
    const env = jobEnv({ SECRETS_ACTION_HOME: home });
    const inHome = start(["export", "--format", "yaml"], env);
    expect((await inHome.done).code).toBe(0);
    expect(inHome.stdout()).toMatch(new RegExp(`^${home}/secrets-action-[^/]+/secrets\\.yaml\\n$`));
    const inCheckout = start(["export", "-o", join(env["CI_PROJECT_DIR"] ?? "", ".env")], env);
    expect((await inCheckout.done).code).toBe(0);
    expect(inCheckout.stderr()).toContain("is inside the job's checkout");
    assertNoLeaks(inHome.stdout() + inHome.stderr() + inCheckout.stdout() + inCheckout.stderr(), sensitive);
  });
});
