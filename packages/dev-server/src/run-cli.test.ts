import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { runCli, USAGE } from "./run-cli.js";
import type { DevServer } from "./server.js";

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (line: string) => out.push(line), stderr: (line: string) => err.push(line) }, out, err };
};

describe("secrets-action-dev-server CLI", () => {
  let server: DevServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("starts with the demo seed, prints its URL, and logs requests on stderr", async () => {
    const { io, out, err } = capture();
    const result = await runCli(["--port", "0"], io);
    if (!("server" in result)) throw new Error(`no server: ${err.join("\n")}`);
    server = result.server;
    expect(out).toEqual([`dev server listening on ${server.url}`]);
    expect(out[0]).toMatch(/^dev server listening on http:\/\/127\.0\.0\.1:\d+$/);
    const status = await fetch(`${server.url}/api/status`);
    expect(status.status).toBe(200);
    expect(err).toEqual([expect.stringMatching(/^GET \/api\/status 200 \d+ms$/)]);
    expect(server.store.projectBySlug("demo")).toBeDefined();
  });

  it("plays a late-2024 server with --no-v4 and rate limits with --rate-limit, quietly with --quiet", async () => {
    const { io, err } = capture();
    const result = await runCli(["--no-v4", "--rate-limit", "500", "--quiet"], io);
    if (!("server" in result)) throw new Error("no server");
    server = result.server;
    expect((await fetch(`${server.url}/api/v4/secrets`)).status).toBe(404);
    expect(server.rateLimit.current.style).toBe("500");
    expect(err).toEqual([]);
  });

  it("shortens dynamic secret expiry with --time-scale and refuses them with --unlicensed", async () => {
    const { io } = capture();
    const result = await runCli(["--time-scale", "60", "--unlicensed", "--quiet"], io);
    if (!("server" in result)) throw new Error("no server");
    server = result.server;
    expect(server.dynamicSecrets.timeScale).toBe(60);
    expect(server.dynamicSecrets.licensed).toBe(false);
  });

  it("serves HTTPS with --tls-key and --tls-cert", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dev-server-tls-"));
    try {
      execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1"], { stdio: "ignore" });
      const { io, out } = capture();
      const result = await runCli(["--tls-key", join(dir, "key.pem"), "--tls-cert", join(dir, "cert.pem"), "--quiet"], io);
      if (!("server" in result)) throw new Error("no server");
      server = result.server;
      expect(out[0]).toMatch(/^dev server listening on https:\/\/127\.0\.0\.1:\d+$/);
      // The OIDC login fetches discovery from this HTTPS server itself (TLS unverified without a caCert, as the real server).
      const identityId = "3f4d2e30-1b5c-4e77-9d90-4b6f8c0e2a33";
      const { request } = await import("node:https");
      const status = await new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ identityId, jwt: server?.oidc.mint({ preset: "github" }) });
        const req = request(`${server?.url ?? ""}/api/v1/auth/oidc-auth/login`, { method: "POST", rejectUnauthorized: false, headers: { "content-type": "application/json" } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end(body);
      });
      expect(status).toBe(200);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("explains bad usage in one line with a hint, exit code 2", async () => {
    for (const [argv, message] of [
      [["--prot", "1"], "secrets-action-dev-server: unknown option --prot. Run with --help to see the options."],
      [["--port", "http"], 'secrets-action-dev-server: --port: "http" is not a port. Use a number from 0 to 65535 (0 picks a free one).'],
      [["--rate-limit", "418"], 'secrets-action-dev-server: --rate-limit: "418" is not a style. Use 429 (current servers) or 500 (late-2024 servers).'],
      [["--tls-key", "k.pem"], "secrets-action-dev-server: --tls-key and --tls-cert go together. Give both to serve HTTPS, or neither."],
      [["--time-scale", "0"], 'secrets-action-dev-server: --time-scale: "0" is not a number > 0. Use e.g. 60 (a 1m lease lasts one second).'],
    ] as const) {
      const { io, err } = capture();
      expect(await runCli([...argv], io)).toEqual({ exitCode: 2 });
      expect(err).toEqual([message]);
    }
  });

  it("fails with exit code 1 and the seed's problems when the seed is wrong", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dev-server-cli-"));
    try {
      await writeFile(join(dir, "bad.yaml"), "projects:\n  - environments: [dev]\n");
      const { io, err } = capture();
      expect(await runCli(["--seed", join(dir, "bad.yaml")], io)).toEqual({ exitCode: 1 });
      expect(err[0]).toBe(`secrets-action-dev-server: ${join(dir, "bad.yaml")}: projects[0].slug: is required`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("prints usage with --help", async () => {
    const { io, out } = capture();
    expect(await runCli(["--help"], io)).toEqual({ exitCode: 0 });
    expect(out).toEqual([USAGE]);
  });
});
