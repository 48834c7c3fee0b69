import { once } from "node:events";
import { createServer as createHttpServer } from "node:http";
import { createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { classifyTransportError } from "./network-error.js";
import { cleanupAfterEach, startServer, type TestServer } from "./test-helpers.js";
import { TRANSPORT_ERROR, collector, createTransport, type Transport, type TransportResult } from "./transport.js";
import type { BodyReader } from "./types.js";

const cleanups = cleanupAfterEach();

async function serve(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  cleanups.push(() => server.close());
  return server;
}

function transportTo(url: string, proxy?: string): Transport {
  const transport = createTransport({ target: new URL(url), timeoutMs: 5_000, proxy: proxy === undefined ? undefined : { httpProxy: proxy } });
  cleanups.push(() => transport.close());
  return transport;
}

/** The collected text of a successful answer. */
function textOf(result: TransportResult): string {
  if (!result.ok || !("text" in result.body)) throw new Error("expected a collected answer");
  return result.body.text;
}

function failed(result: TransportResult): { error: unknown; inBody: boolean } {
  if (result.ok) throw new Error(`expected a failure, got ${result.status}`);
  return result;
}

/** A bare TCP server whose every connection goes to `onSocket`. */
async function rawServer(onSocket: (socket: Socket) => void): Promise<string> {
  const server = createNetServer(onSocket);
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => sockets.add(socket));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const get = { method: "GET", path: "/x", headers: {}, timeoutMs: 5_000 };

describe("createTransport", () => {
  it("frames every body by its length, a DELETE's too, so the next request on the connection is read right", async () => {
    const server = await serve((hit, res) => void res.end(JSON.stringify({ method: hit.method, body: hit.body })));
    const transport = transportTo(server.url);
    const body = JSON.stringify({ isForced: true, note: "é" });
    const deleted = await transport.send({ method: "DELETE", path: "/lease", headers: { "content-type": "application/json" }, body, timeoutMs: 5_000 });
    expect(JSON.parse(textOf(deleted))).toEqual({ method: "DELETE", body });
    const next = await transport.send(get);
    expect(JSON.parse(textOf(next))).toEqual({ method: "GET", body: "" });
    expect(server.hits.map((hit) => hit.headers["content-length"])).toEqual([String(Buffer.byteLength(body)), undefined]);
    expect(server.connections()).toBe(1);
  });

  it("decodes UTF-8 split across chunks, with and without a Content-Length", async () => {
    const text = JSON.stringify({ value: "ünïcødé 🔑 ".repeat(5_000) });
    const bytes = Buffer.from(text);
    const server = await serve((hit, res) => {
      if (hit.url === "/sized") res.setHeader("content-length", bytes.length);
      // Cut inside the 4-byte key emoji: each side alone is not valid UTF-8.
      const cut = bytes.indexOf(Buffer.from("🔑")) + 2;
      res.write(bytes.subarray(0, cut));
      setTimeout(() => res.end(bytes.subarray(cut)), 10);
    });
    const transport = transportTo(server.url);
    for (const path of ["/sized", "/chunked"]) {
      const result = await transport.send({ ...get, path });
      expect(textOf(result)).toBe(text);
    }
    expect(server.hits[1]?.url).toBe("/chunked");
  });

  it("ends a body that stalls with the body timeout, not as a cut-off answer", async () => {
    const server = await serve((_hit, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("{");
    });
    const result = failed(await transportTo(server.url).send({ ...get, timeoutMs: 200 }));
    expect(result.inBody).toBe(true);
    expect((result.error as { code?: string }).code).toBe(TRANSPORT_ERROR.bodyTimeout);
    const classified = classifyTransportError(result.error, { method: "GET", path: "/x", host: "h", domain: "http://h", timeoutMs: 200, inBody: true });
    expect([classified.code, classified.reason]).toEqual(["TIMEOUT", "timeout"]);
  });

  it("ends a wait for the headers with the headers timeout", async () => {
    const server = await serve(() => undefined);
    const result = failed(await transportTo(server.url).send({ ...get, timeoutMs: 200 }));
    expect(result.inBody).toBe(false);
    expect((result.error as { code?: string }).code).toBe(TRANSPORT_ERROR.headersTimeout);
  });

  it("reports a connection closed mid-answer as a failure inside the body", async () => {
    const server = await serve((_hit, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("{", () => res.socket?.destroy());
    });
    const result = failed(await transportTo(server.url).send(get));
    expect(result.inBody).toBe(true);
    const classified = classifyTransportError(result.error, { method: "GET", path: "/x", host: "h", domain: "http://h", timeoutMs: 5_000, inBody: true });
    expect(classified.reason).toBe("truncated");
  });

  it("gives up on a proxy that never answers CONNECT within the connect timeout", async () => {
    const silent = await rawServer(() => undefined);
    const transport = createTransport({ target: new URL("http://127.0.0.1:9"), timeoutMs: 200, proxy: { httpProxy: silent } });
    cleanups.push(() => transport.close());
    const result = failed(await transport.send({ ...get, timeoutMs: 5_000 }));
    expect((result.error as { code?: string }).code).toBe(TRANSPORT_ERROR.connectTimeout);
  });

  it("keeps bytes a proxy sends right after its 200 to CONNECT", async () => {
    // The proxy answers the tunnel and the request in one write, as a fast upstream may.
    const proxy = await rawServer((socket) => {
      let seen = "";
      socket.on("data", (chunk: Buffer) => {
        seen += chunk.toString("latin1");
        if (seen.startsWith("CONNECT ") && seen.endsWith("\r\n\r\n")) {
          socket.write("HTTP/1.1 200 Connection Established\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}");
          seen = "sent";
        }
      });
    });
    const result = await transportTo("http://127.0.0.1:9", proxy).send(get);
    expect(textOf(result)).toBe("{}");
  });

  it("reaches a server named by an IPv6 literal, with its port in the Host header", async () => {
    const server = createHttpServer((req, res) => void res.end(JSON.stringify({ host: req.headers.host })));
    server.listen(0, "::1");
    await once(server, "listening");
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const result = await transportTo(`http://[::1]:${port}`).send(get);
    expect(JSON.parse(textOf(result))).toEqual({ host: `[::1]:${port}` });
  });

  it("hands a 2xx body to the request's reader as it arrives, and collects any other answer itself", async () => {
    const server = await serve((hit, res) => {
      res.writeHead(hit.url === "/ok" ? 200 : 404, { "content-type": "application/json" });
      res.write('{"a":');
      setTimeout(() => res.end("1}"), 10);
    });
    const transport = transportTo(server.url);
    const pieces: string[] = [];
    const bodyReader = (): BodyReader => ({
      write: (chunk) => void pieces.push(chunk.toString()),
      end: () => ({ value: pieces.join("|") }),
    });
    const read = await transport.send({ ...get, path: "/ok", bodyReader });
    expect(read.ok && read.body).toEqual({ value: '{"a":|1}' });
    pieces.length = 0;
    const missing = await transport.send({ ...get, path: "/missing", bodyReader });
    expect(read.ok && missing.ok && missing.status).toBe(404);
    expect(textOf(missing)).toBe('{"a":1}');
    expect(pieces).toEqual([]);
  });

  it("fails, without throwing or showing the value, on a header Node refuses to send", async () => {
    const server = await serve((_hit, res) => void res.end("{}"));
    const result = failed(await transportTo(server.url).send({ ...get, headers: { authorization: "Bearer abc\ndef-secret" } }));
    expect((result.error as { code?: string }).code).toBe("ERR_INVALID_CHAR");
    expect(String(result.error)).not.toContain("def-secret");
    expect(server.hits).toHaveLength(0);
    const classified = classifyTransportError(result.error, { method: "GET", path: "/x", host: "h", domain: "http://h", timeoutMs: 5_000 });
    expect([classified.code, classified.reason, classified.retryable]).toEqual(["CONFIG", "bad-header", false]);
    expect(classified.toLine()).toMatch(/^GET \/x: not sent: Invalid character in header content \["authorization"\] — a token, credential or extra-headers value holds a line break/);
    expect(classified.toLine()).not.toContain("def-secret");
  });

  it("gathers a body whole, into one buffer of the declared size, or joined from its pieces when the size is wrong", () => {
    const feed = (declared: number, pieces: string[]): unknown => {
      const reader = collector(declared);
      for (const piece of pieces) reader.write(Buffer.from(piece));
      return reader.end();
    };
    expect(feed(7, ["{\"a\"", ":1}"])).toEqual({ text: '{"a":1}' });
    expect(feed(Number.NaN, ["{\"a\"", ":1}"])).toEqual({ text: '{"a":1}' });
    // More than declared: the filled part first, never the unfilled rest of the buffer.
    expect(feed(6, ["{\"a\"", ":1}", " "])).toEqual({ text: '{"a":1} ' });
    expect(feed(5, ["ü", "€😀"])).toEqual({ text: "ü€😀" });
  });

  it("refuses requests once closed", async () => {
    const server = await serve((_hit, res) => void res.end("{}"));
    const transport = transportTo(server.url);
    expect((await transport.send(get)).ok).toBe(true);
    await transport.close();
    expect((failed(await transport.send(get)).error as { code?: string }).code).toBe("ERR_CLIENT_CLOSED");
    expect(server.hits).toHaveLength(1);
  });
});
