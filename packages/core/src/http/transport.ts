/**
 * How requests reach the server: Node's own HTTP client on one keep-alive agent, with a CONNECT tunnel through a proxy,
 * an extra CA, and a timeout for each phase of an attempt. Retries, error messages and JSON belong to client.ts.
 *
 * Node's client, not undici: its parser is built into Node, so a run loads no HTTP library and compiles no
 * WebAssembly. Measured on a CI step's whole life (bench/RESULTS.md), undici cost ~24 ms and ~8 MB on every run,
 * whatever its size.
 */
import { Agent as HttpAgent, type AgentOptions, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, request as httpRequest } from "node:http";
import type { Agent as HttpsAgentType } from "node:https";
import { isAscii } from "node:buffer";
import { connect as netConnect, isIP, type Socket } from "node:net";
import type { ConnectionOptions } from "node:tls";
import { nodeHttps, nodeTls } from "../builtins.js";
import { parseCaBundle } from "./ca.js";
import { bareHost, defaultPort, proxyFor, type ProxyOptions } from "./proxy.js";
import type { BodyReader } from "./types.js";

/** How to reach one server: timeouts, an extra CA, a proxy. */
export interface TransportOptions {
  /** The server root; decides https vs http and whether NO_PROXY applies. */
  target: URL;
  /** How long opening a tunnel through the proxy may take, in ms. */
  timeoutMs: number;
  /** PEM certificate(s) trusted on top of Node's default roots. */
  caCertPem?: string | undefined;
  proxy?: ProxyOptions | undefined;
}

/** One attempt. */
export interface TransportRequest {
  method: string;
  /** Path and query, e.g. `/api/v3/secrets/raw?environment=dev`. */
  path: string;
  headers: Record<string, string>;
  body?: string | undefined;
  /** Each of connecting, waiting for the headers and waiting for the next piece of the body may take this long. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Reads a 2xx answer's body instead of the transport collecting it (other answers are always collected). */
  bodyReader?: (() => BodyReader) | undefined;
}

/** What an attempt came to: the whole answer, or the error and whether the answer had begun. */
export type TransportResult =
  | { ok: true; status: number; headers: IncomingHttpHeaders; body: { value: unknown } | { text: string } }
  | { ok: false; error: unknown; inBody: boolean };

export interface Transport {
  /** The proxy in use, if any. */
  readonly proxy: URL | undefined;
  /** Sends one request and reads its whole answer. Never rejects. */
  send(request: TransportRequest): Promise<TransportResult>;
  /** Closes the keep-alive connections. */
  close(): Promise<void>;
}

/** Codes of the transport's own errors, read by `classifyTransportError`. */
export const TRANSPORT_ERROR = {
  connectTimeout: "SA_CONNECT_TIMEOUT",
  headersTimeout: "SA_HEADERS_TIMEOUT",
  bodyTimeout: "SA_BODY_TIMEOUT",
  /** The proxy answered CONNECT with another status than 200; the error has `statusCode`. */
  proxyStatus: "SA_PROXY_STATUS",
  /** TLS with an https:// proxy failed; the cause is the TLS error. */
  proxyTls: "SA_PROXY_TLS",
} as const;

function transportError(code: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

/**
 * The CAs Node trusts by default. On Node ≥ 22.15 that includes NODE_EXTRA_CA_CERTS and --use-system-ca, which a
 * plain `ca` option would otherwise drop; older Nodes only expose the bundled roots.
 */
function defaultCertificates(): readonly string[] {
  const tls = nodeTls();
  const get = (tls as { getCACertificates?: (type?: string) => string[] }).getCACertificates;
  return typeof get === "function" ? get("default") : tls.rootCertificates;
}

/** TLS options for a host: the extra CA, and SNI unless the host is an IP address (RFC 6066 forbids it). */
function tlsFor(host: string, ca: string[] | undefined): ConnectionOptions {
  return { ...(ca === undefined ? {} : { ca }), ...(isIP(host) === 0 ? { servername: host } : {}) };
}

/** `host:port` of a URL, with the scheme's default port and IPv6 brackets kept. */
function authority(url: URL): string {
  return `${url.hostname}:${defaultPort(url)}`;
}

/**
 * Opens a CONNECT tunnel through `proxy` to `target` (`host:port`) and resolves with the connected socket. Credentials
 * in the proxy URL go in Proxy-Authorization. Fails with the proxy's status when it refuses.
 */
function openTunnel(proxy: URL, target: string, proxyCa: string[] | undefined, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const host = bareHost(proxy);
    const port = defaultPort(proxy);
    const secureProxy = proxy.protocol === "https:";
    const socket: Socket = secureProxy ? nodeTls().connect({ host, port, ...tlsFor(host, proxyCa) }) : netConnect({ host, port });
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(transportError(TRANSPORT_ERROR.connectTimeout, `no tunnel from the proxy within ${timeoutMs} ms`)));
    let secured = false;
    socket.once("secureConnect", () => (secured = true));
    socket.on("error", (error: Error) => {
      // A TCP failure has a syscall; anything else before the handshake ended is TLS with the proxy.
      const tlsFailed = secureProxy && !secured;
      fail(tlsFailed && !("syscall" in error) ? transportError(TRANSPORT_ERROR.proxyTls, `TLS to the proxy failed: ${error.message}`, { cause: error }) : error);
    });
    socket.on("close", () => fail(transportError("ECONNRESET", "the proxy closed the connection before opening the tunnel")));
    const lines = [`CONNECT ${target} HTTP/1.1`, `Host: ${target}`];
    if (proxy.username !== "" || proxy.password !== "") {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      lines.push(`Proxy-Authorization: Basic ${Buffer.from(credentials).toString("base64")}`);
    }
    socket.once(secureProxy ? "secureConnect" : "connect", () => socket.write(`${lines.join("\r\n")}\r\n\r\n`));
    // Read with "readable", not "data": the stream stays paused, so bytes after the proxy's answer wait in it until
    // the HTTP client reads them (through a tunnel to an http:// server, they may be the start of its answer).
    let head = Buffer.alloc(0);
    const onReadable = (): void => {
      for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) {
          if (head.length > 16_384) fail(transportError("HPE_HEADER_OVERFLOW", "the proxy's answer to CONNECT has no end"));
          continue;
        }
        socket.off("readable", onReadable);
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString("latin1"))?.[1] ?? 0);
        if (status !== 200) {
          fail(transportError(TRANSPORT_ERROR.proxyStatus, `Proxy response (${status}) to CONNECT`, { statusCode: status }));
          return;
        }
        // The listeners stay, and do nothing from here on: the HTTP client adds its own a tick later.
        settled = true;
        socket.setTimeout(0);
        const rest = head.subarray(end + 4);
        if (rest.length > 0) socket.unshift(rest);
        resolve(socket);
        return;
      }
    };
    socket.on("readable", onReadable);
  });
}

type CreateConnection = (options: { host?: string | null; port?: number | string | null }, done: (error: Error | null, socket?: Socket) => void) => undefined;

/** An agent's `createConnection` that goes through the proxy, then TLS to the server for https. */
function tunnelling(proxy: URL, target: URL, ca: string[] | undefined, timeoutMs: number): CreateConnection {
  return (_options, done) => {
    openTunnel(proxy, authority(target), ca, timeoutMs).then(
      (socket) => {
        if (target.protocol !== "https:") return done(null, socket);
        const host = bareHost(target);
        return done(null, nodeTls().connect({ socket, ...tlsFor(host, ca) }));
      },
      (error: Error) => done(error),
    );
    return undefined;
  };
}

/** Sockets idle between the requests of a run (a login, then fetches seconds apart) stay open this long. */
const IDLE_SOCKET_MS = 10_000;

function ignore(): void {}

/**
 * UTF-8 bytes as a string. ASCII, as most answers are, is decoded as Latin-1 (the same characters): Node then makes one
 * flat string that JSON.parse reads in place, where its UTF-8 decoding of a large body leads JSON.parse to copy it
 * (measured on a 3.3 MB listing: ~3 MB less memory, and parsing ~7% faster).
 */
export function decodeUtf8(bytes: Buffer): string {
  return bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
}

/**
 * Gathers a body whole. With a Content-Length the bytes go straight into one buffer of that size; should more arrive
 * (Node's parser does not let it), what was filled becomes the first of the chunks gathered to join at the end.
 */
export function collector(declared: number): BodyReader {
  let sized = Number.isSafeInteger(declared) && declared > 0 ? Buffer.allocUnsafeSlow(declared) : undefined;
  const chunks: Buffer[] = [];
  let length = 0;
  return {
    write(chunk) {
      if (sized !== undefined && length + chunk.length <= sized.length) {
        chunk.copy(sized, length);
      } else {
        if (sized !== undefined) chunks.push(sized.subarray(0, length));
        sized = undefined;
        chunks.push(chunk);
      }
      length += chunk.length;
    },
    end() {
      return { text: decodeUtf8(sized !== undefined ? sized.subarray(0, length) : Buffer.concat(chunks, length)) };
    },
  };
}

/**
 * Reads a whole body into `reader` (by default, gathered whole: a 5 000-secret listing is 3.3 MB, and gathering
 * chunks to join them would hold it twice). Once the body is read, its listeners are removed: Node may keep the
 * finished response reachable a while, and through them it would keep the bytes and the text alive.
 */
function readBody(response: IncomingMessage, timer: NodeJS.Timeout, given: BodyReader | undefined): Promise<{ value: unknown } | { text: string }> {
  return new Promise((resolve, reject) => {
    let reader: BodyReader | undefined = given ?? collector(Number(response.headers["content-length"]));
    const onData = (chunk: Buffer): void => {
      timer.refresh();
      reader?.write(chunk);
    };
    const finish = (): void => {
      response.off("data", onData).off("end", onEnd).off("close", onClose).off("error", onError);
      // Still listened to, so a late error is not thrown; by a function that closes over nothing of this body.
      response.on("error", ignore);
      reader = undefined;
    };
    const onEnd = (): void => {
      if (!response.complete || reader === undefined) return onClose();
      const body = reader.end();
      finish();
      return resolve(body);
    };
    // A connection closed mid-answer ends the stream without "end" (or with an error): the answer was cut off.
    const onClose = (): void => onError(transportError("ECONNRESET", "aborted"));
    const onError = (error: unknown): void => {
      finish();
      reject(error);
    };
    response.on("data", onData).on("end", onEnd).on("close", onClose).on("error", onError);
  });
}

/** One keep-alive agent for the client's whole life, direct or through a proxy. Never installed globally. */
export function createTransport(options: TransportOptions): Transport {
  const { target } = options;
  const secure = target.protocol === "https:";
  const ca = options.caCertPem === undefined ? undefined : [...defaultCertificates(), ...parseCaBundle(options.caCertPem)];
  const proxy = proxyFor(target, options.proxy);
  const agentOptions: AgentOptions = { keepAlive: true, timeout: IDLE_SOCKET_MS };
  const agent: HttpAgent | HttpsAgentType = secure
    ? new (nodeHttps().Agent)({ ...agentOptions, ...tlsFor(bareHost(target), ca) })
    : new HttpAgent(agentOptions);
  if (proxy !== undefined) {
    (agent as unknown as { createConnection: CreateConnection }).createConnection = tunnelling(proxy, target, ca, options.timeoutMs);
  }
  const send = secure ? nodeHttps().request : httpRequest;
  const host = bareHost(target);
  const port = target.port;

  let closed = false;
  const attempt = (request: TransportRequest): Promise<TransportResult> =>
    new Promise((resolve) => {
      if (closed) {
        resolve({ ok: false, error: transportError("ERR_CLIENT_CLOSED", "the HTTP client is closed"), inBody: false });
        return;
      }
      // Framed by length whatever the method: Node would send a DELETE's body unframed.
      const headers = request.body === undefined ? request.headers : { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) };
      let inBody = false;
      let settled = false;
      const settle = (result: TransportResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // As in readBody: nothing the finished request still holds may lead to the answer.
        outgoing.removeAllListeners("response").removeAllListeners("socket").removeAllListeners("error").on("error", ignore);
        incoming = undefined;
        resolve(result);
      };
      let outgoing: ClientRequest;
      try {
        outgoing = send({ host, port, method: request.method, path: request.path, headers, agent, signal: request.signal });
      } catch (error: unknown) {
        // Node checks the headers before sending (a line break in a token, say): the message names the header only.
        resolve({ ok: false, error, inBody: false });
        return;
      }
      let phase: "connect" | "headers" | "body" = "connect";
      let incoming: IncomingMessage | undefined;
      const timer = setTimeout(() => {
        const code = phase === "connect" ? TRANSPORT_ERROR.connectTimeout : phase === "headers" ? TRANSPORT_ERROR.headersTimeout : TRANSPORT_ERROR.bodyTimeout;
        (incoming ?? outgoing).destroy(transportError(code, `${phase} timeout after ${request.timeoutMs} ms`));
      }, request.timeoutMs);
      const connected = (): void => {
        if (phase !== "connect") return;
        phase = "headers";
        timer.refresh();
      };
      outgoing.on("socket", (socket: Socket) => {
        if (outgoing.reusedSocket || (!secure && !socket.connecting)) connected();
        else socket.once(secure ? "secureConnect" : "connect", connected);
      });
      outgoing.on("response", (response: IncomingMessage) => {
        incoming = response;
        inBody = true;
        phase = "body";
        timer.refresh();
        const status = response.statusCode ?? 0;
        const reader = status >= 200 && status < 300 ? request.bodyReader?.() : undefined;
        readBody(response, timer, reader).then(
          (body) => settle({ ok: true, status, headers: response.headers, body }),
          (error: unknown) => {
            response.destroy();
            settle({ ok: false, error, inBody });
          },
        );
      });
      // A reset on a reused keep-alive socket is not sent again here: the server may have acted on the request, and
      // only the client's retry policy knows whether repeating it is safe.
      outgoing.on("error", (error: unknown) => settle({ ok: false, error, inBody }));
      outgoing.end(request.body);
    });

  return {
    proxy,
    send: attempt,
    async close(): Promise<void> {
      closed = true;
      agent.destroy();
    },
  };
}
