/**
 * A real forward proxy in its own process for the network tests: tinyproxy (Debian's `tinyproxy` package; .ci/run
 * installs it), configured in a temporary folder, on a free port of 127.0.0.1, logging every request it receives.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Whether tinyproxy is on PATH. */
export function hasTinyproxy(): boolean {
  try {
    execFileSync("sh", ["-c", "command -v tinyproxy"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A port of 127.0.0.1 that nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Tinyproxy {
  url: string;
  /** The request lines it received so far (`CONNECT 127.0.0.1:1234 HTTP/1.1`, `GET http://… HTTP/1.1`). */
  requests(): string[];
  close(): Promise<void>;
}

/**
 * Starts tinyproxy. `connectPorts` limits the ports it opens CONNECT tunnels to (others get 403, as many corporate
 * proxies allow only 443); by default every port is allowed.
 */
export async function startTinyproxy(options: { connectPorts?: number[] } = {}): Promise<Tinyproxy> {
  const dir = mkdtempSync(join(tmpdir(), "tinyproxy-"));
  const log = join(dir, "tinyproxy.log");
  const port = await freePort();
  const config = [
    `Port ${port}`,
    "Listen 127.0.0.1",
    "Timeout 30",
    `LogFile "${log}"`,
    "LogLevel Connect",
    "MaxClients 50",
    "Allow 127.0.0.1",
    ...(options.connectPorts ?? []).map((allowed) => `ConnectPort ${allowed}`),
  ].join("\n");
  writeFileSync(join(dir, "tinyproxy.conf"), `${config}\n`);
  const child: ChildProcess = spawn("tinyproxy", ["-d", "-c", join(dir, "tinyproxy.conf")], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  // Ready once it accepts a connection.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`tinyproxy did not start (exit ${child.exitCode})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () =>
      (existsSync(log) ? readFileSync(log, "utf8") : "")
        .split("\n")
        .map((line) => /Request \(file descriptor \d+\): (.*)$/.exec(line)?.[1])
        .filter((line): line is string => line !== undefined),
    async close() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
