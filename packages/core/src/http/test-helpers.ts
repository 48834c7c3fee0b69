/**
 * Test helpers for the HTTP and auth tests: real servers on 127.0.0.1:0, a fake clock. Not exported from the package.
 */
import { once } from "node:events";
import { afterEach } from "vitest";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createNetServer, connect as netConnect, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import { isSecretsActionError, type SecretsActionError } from "../errors.js";

/** A list to push cleanups onto; after each test of the file that calls this, they run, last first. */
export function cleanupAfterEach(): Array<() => Promise<void>> {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });
  return cleanups;
}

/** One request as the server saw it. */
export interface Hit {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  /** Which TCP connection carried it (1-based). */
  connection: number;
}

export type Handler = (hit: Hit, res: ServerResponse, req: IncomingMessage) => void | Promise<void>;

export interface TestServer {
  url: string;
  port: number;
  hits: Hit[];
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** Tracks sockets so close() never waits on a keep-alive connection. */
function track(server: Server | NetServer): { sockets: Set<Socket>; count: () => number } {
  const sockets = new Set<Socket>();
  let count = 0;
  server.on("connection", (socket: Socket) => {
    count += 1;
    (socket as Socket & { testId?: number }).testId = count;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return { sockets, count: () => count };
}

/** Attaches the recording handler to any http(s) server and listens on 127.0.0.1:0. */
export async function listen(server: Server, handler: Handler, scheme = "http"): Promise<TestServer> {
  const hits: Hit[] = [];
  const tracked = track(server);
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const hit: Hit = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        connection: (req.socket as Socket & { testId?: number }).testId ?? 0,
      };
      hits.push(hit);
      Promise.resolve(handler(hit, res, req)).catch((error: unknown) => {
        res.statusCode = 599;
        res.end(String(error));
      });
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    hits,
    connections: tracked.count,
    async close() {
      for (const socket of tracked.sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An HTTP server on 127.0.0.1:0 whose every request goes to `handler`. */
export function startServer(handler: Handler): Promise<TestServer> {
  return listen(createServer({ keepAliveTimeout: 30_000 }), handler);
}

/** Sends JSON with a status and optional headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A clock that only moves when `sleep` is awaited (or `advance` is called); records every sleep. */
export function fakeClock(start = Date.UTC(2024, 9, 1, 12, 0, 0)): {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  advance: (ms: number) => void;
  sleeps: number[];
} {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
    sleeps,
  };
}

/** A CONNECT-only forward proxy on 127.0.0.1:0 that records the targets it tunnels to. */
export interface TestProxy {
  url: string;
  /** `host:port` of each CONNECT. */
  tunnels: string[];
  close(): Promise<void>;
}

/** With `tls`, the proxy itself speaks https (an `https://` proxy URL). */
export async function startConnectProxy(options: { requireAuth?: string; tls?: { key: string; cert: string } } = {}): Promise<TestProxy> {
  const refuse = (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(405);
    res.end("CONNECT only");
  };
  const server: Server =
    options.tls === undefined ? createServer(refuse) : (await import("node:https")).createServer({ key: options.tls.key, cert: options.tls.cert }, refuse);
  const tunnels: string[] = [];
  const tracked = track(server);
  const upstreams = new Set<Socket>();
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    if (options.requireAuth !== undefined && req.headers["proxy-authorization"] !== options.requireAuth) {
      client.end("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const target = req.url ?? "";
    tunnels.push(target);
    const [host, port] = target.split(":");
    const upstream = netConnect(Number(port), host ?? "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstreams.add(upstream);
    upstream.on("close", () => upstreams.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls === undefined ? "http" : "https"}://127.0.0.1:${port}`,
    tunnels,
    async close() {
      for (const socket of [...tracked.sockets, ...upstreams]) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A throwaway CA and two server certificates it signed, made with the openssl CLI in a temp dir. */
export interface TestCertificates {
  caPem: string;
  /** For 127.0.0.1 and localhost. */
  server: { key: string; cert: string };
  /** For other.example only: a hostname mismatch when reached as 127.0.0.1. */
  wrongName: { key: string; cert: string };
}

export async function makeTestCertificates(): Promise<TestCertificates> {
  const { execFileSync } = await import("node:child_process");
  const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "secrets-action-tls-"));
  const openssl = (...args: string[]): void => {
    execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  };
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  try {
    openssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=secrets-action test CA",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    const issue = (name: string, san: string): { key: string; cert: string } => {
      openssl("req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
      writeFileSync(
        join(dir, `${name}.ext`),
        `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`,
      );
      openssl("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.pem`,
        "-days", "2", "-extfile", `${name}.ext`);
      return { key: readFileSync(join(dir, `${name}.key`), "utf8"), cert: readFileSync(join(dir, `${name}.pem`), "utf8") };
    };
    const server = issue("server", "IP:127.0.0.1,DNS:localhost");
    const wrongName = issue("wrong", "DNS:other.example");
    return { caPem: readFileSync(join(dir, "ca.pem"), "utf8"), server, wrongName };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An HTTPS server on 127.0.0.1:0 with the given key and certificate. */
export async function startHttpsServer(tls: { key: string; cert: string }, handler: Handler): Promise<TestServer> {
  const { createServer: createHttpsServer } = await import("node:https");
  return listen(createHttpsServer({ key: tls.key, cert: tls.cert, keepAliveTimeout: 30_000 }), handler, "https");
}

/** The SecretsActionError a call fails with; fails the test when the call succeeds or throws something else. */
export async function failure(promise: Promise<unknown>): Promise<SecretsActionError> {
  try {
    await promise;
  } catch (error: unknown) {
    if (isSecretsActionError(error)) return error;
    throw error;
  }
  throw new Error("expected a failure, but the call succeeded");
}
