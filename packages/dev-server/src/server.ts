import { randomBytes } from "node:crypto";
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";

import { authenticate } from "./auth/access-tokens.js";
import { json, type App, type Reply, type RequestContext } from "./context.js";
import { errorMessage, HttpError, internalError, routeNotFound } from "./errors.js";
import { FaultController, type FaultSpec } from "./faults.js";
import { formToRecord, parseBody, readBody } from "./http-io.js";
import { OidcIssuer } from "./oidc-issuer.js";
import { RateLimiter, type RateLimitOptions } from "./rate-limit.js";
import { RequestLog } from "./request-log.js";
import { Router } from "./router.js";
import { LeaseManager, type DynamicSecretsOptions } from "./dynamic/lease-manager.js";
import { adminRoutes } from "./routes/admin.js";
import { dynamicSecretRoutes } from "./routes/dynamic-secrets.js";
import { authRoutes } from "./routes/auth.js";
import { encryptedSecretRoutes } from "./routes/encrypted-secrets.js";
import { oidcRoutes } from "./routes/oidc.js";
import { secretRoutes } from "./routes/secrets.js";
import { statusRoutes } from "./routes/status.js";
import { applySeed } from "./seed-apply.js";
import { loadSeed, substituteSelf, type Seed } from "./seed.js";
import { Store } from "./store.js";

export interface DevServerOptions {
  /** A seed object, or the path of a .json/.yaml seed file. Default: empty (no projects, no identities). */
  seed?: Seed | string;
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** PEM key and certificate: serve HTTPS. */
  tls?: { key: string; cert: string };
  /** Default true. false plays a late-2024 server: no /api/v4 routes (fastify's 404), no reqId in error bodies. */
  v4?: boolean;
  /** Default off (as self-hosted servers). Can be changed at run time with `server.rateLimit`. */
  rateLimit?: RateLimitOptions | false;
  /** One line per request (`GET /api/v3/secrets/raw 200 3ms`); default off. Never bodies, tokens or values. */
  log?: ((line: string) => void) | false;
  /** The clock in ms, for token TTLs, lockouts, expiry, rate-limit windows and minted OIDC tokens. Default Date.now. */
  now?: () => number;
  /** HS256 secret of access tokens; default random per server. */
  authSecret?: string;
  /** Built-in OIDC issuer settings. */
  oidc?: { requestToken?: string; githubClaims?: Record<string, unknown> };
  /** Dynamic secrets: `timeScale` (shorten expiry for tests), `retryDelaysMs`, `licensed`, `revokeOnClose`, ... */
  dynamicSecrets?: DynamicSecretsOptions;
}

export interface DevServer {
  /** e.g. http://127.0.0.1:54321 (no trailing slash). */
  readonly url: string;
  /** Stops listening and destroys every open or hanging connection. */
  close(): Promise<void>;
  /** The state, for inspection and direct changes in tests. */
  readonly store: Store;
  readonly faults: FaultController;
  readonly oidc: OidcIssuer;
  readonly requests: RequestLog;
  readonly rateLimit: RateLimiter;
  /**
   * Dynamic secret leases: `expire(leaseId)` runs the expiry job now, `revokeAll()`, `timeScale`, `pendingTimers`.
   * The leases themselves are in `store.leases`, the dynamic secrets in `store.dynamicSecrets`.
   */
  readonly dynamicSecrets: LeaseManager;
  /** Puts the store back to the seed (tokens, lockouts and leases are forgotten; leased roles stay in their database). */
  reset(): void;
}

const firstHeader = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The client address as the real server sees it: the first X-Forwarded-For entry, else the socket's. */
const clientIp = (req: IncomingMessage): string =>
  firstHeader(req.headers["x-forwarded-for"])?.split(",")[0]?.trim() || req.socket.remoteAddress || "unknown";

const HTML_ERROR_PAGE =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/** The answer of a fault that replaces the response (status, body, or not-json). */
const faultReply = (fault: FaultSpec, reqId: string): Reply => {
  if (fault.action === "not-json") return { status: fault.status ?? 200, headers: { "content-type": "text/html" }, body: fault.body === undefined ? HTML_ERROR_PAGE : String(fault.body) };
  const status = fault.status ?? (fault.body !== undefined ? 200 : 500);
  if (typeof fault.body === "string") return { status, headers: { "content-type": "text/plain; charset=utf-8" }, body: fault.body };
  if (fault.body !== undefined) return json(status, fault.body);
  if (status < 400) return json(status, {});
  const name = (STATUS_CODES[status] ?? "Error").replace(/[^A-Za-z]/g, "");
  return json(status, { reqId, statusCode: status, message: `Injected fault: ${STATUS_CODES[status] ?? status}`, error: name });
};

/** How a fault shows in the request log. */
const faultLabel = (fault: FaultSpec): string =>
  fault.action ?? (fault.status !== undefined || fault.body !== undefined ? "status" : fault.delayMs ? "delay" : "headers");

const destroyWithReset = (socket: Socket): void => {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
};

const hostForUrl = (host: string): string => {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
};

/** Starts an Infisical-compatible server; resolves once it listens and the seed is applied. */
export const startDevServer = async (options: DevServerOptions = {}): Promise<DevServer> => {
  const now = options.now ?? Date.now;
  const v4 = options.v4 ?? true;
  const seedSource = typeof options.seed === "string" ? options.seed : "seed";
  const seed: Seed = typeof options.seed === "string" ? await loadSeed(options.seed) : (options.seed ?? {});
  // Check the seed before listening, so a bad seed fails fast (the URL is not known yet; it does not matter here).
  applySeed(new Store(), substituteSelf(seed, "http://127.0.0.1:0"), now(), seedSource);

  let url = "";
  const store = new Store();
  const oidc = new OidcIssuer(() => url, now, options.oidc ?? {});
  await oidc.init();
  const faults = new FaultController();
  const requests = new RequestLog();
  const rateLimit = new RateLimiter(options.rateLimit);
  const log = options.log || undefined;
  const dynamicSecrets = new LeaseManager(store, now, options.dynamicSecrets);
  const reset = (): void => {
    // The seed was checked before listening, so this cannot fail half-way: timers go, then the leases with the store.
    dynamicSecrets.reset();
    applySeed(store, substituteSelf(seed, url), now(), seedSource);
  };
  const app: App = {
    store,
    now,
    authSecret: options.authSecret ?? randomBytes(32).toString("hex"),
    v4,
    url: () => url,
    oidc,
    faults,
    requests,
    rateLimit,
    dynamicSecrets,
    reset,
  };
  const router = new Router().add(
    ...statusRoutes(),
    ...authRoutes(),
    ...secretRoutes({ v4 }),
    ...encryptedSecretRoutes(),
    ...dynamicSecretRoutes(),
    ...oidcRoutes(),
    ...adminRoutes(),
  );

  const dispatch = async (req: IncomingMessage, ctx: RequestContext): Promise<Reply> => {
    const match = router.match(ctx.method, ctx.path);
    if (!match) throw routeNotFound(ctx.method, ctx.rawUrl);
    ctx.params = match.params;
    if (match.route.bucket) rateLimit.check(ctx.ip, match.route.bucket, now());
    if (match.route.auth) ctx.auth = authenticate(app, ctx);
    if (ctx.method !== "GET" && ctx.method !== "HEAD") ctx.body = parseBody(firstHeader(req.headers["content-type"]), await readBody(req));
    return match.route.handler(ctx, app);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const arrivedAt = now();
    const method = (req.method ?? "GET").toUpperCase();
    const rawUrl = req.url ?? "/";
    const parsed = new URL(rawUrl, "http://dev-server.invalid");
    const path = parsed.pathname.length > 1 ? parsed.pathname.replace(/\/$/, "") : parsed.pathname;
    const notes: string[] = [];
    const ctx: RequestContext = {
      reqId: `req-${randomBytes(6).toString("hex")}`,
      method,
      path,
      rawUrl,
      query: formToRecord(parsed.searchParams),
      headers: req.headers,
      ip: clientIp(req),
      params: {},
      body: undefined,
      auth: undefined,
      note: (text) => notes.push(text),
    };
    const admin = path.startsWith("/__dev/");
    const record = (status: number, fault?: string): void => {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const note = notes.join("; ");
      if (!admin) {
        requests.add({
          method,
          path,
          query: ctx.query,
          status,
          ms,
          ip: ctx.ip,
          at: new Date(arrivedAt).toISOString(),
          ...(fault ? { fault } : {}),
          ...(note ? { note } : {}),
        });
      }
      log?.(`${method} ${path} ${status || "-"} ${Math.round(ms)}ms${fault ? ` fault=${fault}` : ""}${note ? ` (${note})` : ""}`);
    };

    const fault = admin ? undefined : faults.take(method, path);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs).unref());
    if (fault?.action === "reset" || fault?.action === "close" || fault?.action === "hang") {
      record(0, faultLabel(fault));
      if (fault.action === "reset") destroyWithReset(req.socket);
      else if (fault.action === "close") req.socket.end();
      return;
    }

    let reply: Reply;
    if (fault && (fault.status !== undefined || fault.body !== undefined || fault.action === "not-json")) {
      reply = faultReply(fault, ctx.reqId);
    } else {
      try {
        reply = await dispatch(req, ctx);
      } catch (error) {
        const httpError = error instanceof HttpError ? error : internalError();
        if (!(error instanceof HttpError)) notes.push(`unexpected: ${errorMessage(error)}`);
        reply = json(httpError.statusCode, httpError.toBody(ctx.reqId, !v4), httpError.headers);
      }
    }
    const headers = { ...reply.headers, ...(fault?.headers ?? {}) };
    const body = Buffer.from(reply.body, "utf8");
    if (fault?.action === "truncate") {
      res.writeHead(reply.status, { ...headers, "content-length": String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => destroyWithReset(req.socket));
      record(reply.status, faultLabel(fault));
      return;
    }
    res.writeHead(reply.status, { ...headers, "content-length": String(body.length) });
    res.end(method === "HEAD" ? undefined : body);
    record(reply.status, fault && faultLabel(fault));
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      log?.(`${req.method ?? "?"} ${req.url ?? "?"} failed: ${errorMessage(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };

  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) : createServer(onRequest);
  server.keepAliveTimeout = 5_000;
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const hint =
        error.code === "EADDRINUSE"
          ? `port ${options.port ?? 0} on ${host} is already in use. Pick another port, or 0 for a free one.`
          : error.code === "EACCES"
            ? `not allowed to listen on port ${options.port ?? 0}. Use a port above 1024, or 0 for a free one.`
            : `cannot listen on ${host}:${options.port ?? 0}: ${error.message}`;
      reject(Object.assign(new Error(`dev server: ${hint}`), { code: error.code }));
    };
    server.once("error", onError);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  url = `${options.tls ? "https" : "http"}://${hostForUrl(host)}:${address.port}`;
  reset();

  let closing: Promise<void> | undefined;
  return {
    get url() {
      return url;
    },
    store,
    faults,
    oidc,
    requests,
    rateLimit,
    dynamicSecrets,
    reset,
    close: () => {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
        // Timers cancelled and provider connections ended; live leases keep their roles unless revokeOnClose.
        await dynamicSecrets.close();
        await stopped;
      })();
      return closing;
    },
  };
};
