import { Agent, type Dispatcher, ProxyAgent } from "./undici.js";
import { nodeCrypto, nodeTls } from "../builtins.js";
import { ConfigError } from "../errors.js";
import { proxyFor, type ProxyOptions } from "./proxy.js";

/** How to reach one server: timeouts, an extra CA, a proxy. */
export interface DispatcherOptions {
  /** The server root; decides https vs http and whether NO_PROXY applies. */
  target: URL;
  /** Connect, headers and body timeout in ms. */
  timeoutMs: number;
  /** PEM certificate(s) trusted on top of Node's bundled roots. */
  caCertPem?: string | undefined;
  proxy?: ProxyOptions | undefined;
}

export interface CreatedDispatcher {
  dispatcher: Dispatcher;
  /** The proxy in use, if any. */
  proxy: URL | undefined;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Splits and checks a PEM bundle; throws ConfigError when it holds no readable certificate. */
export function parseCaBundle(pem: string, inputName = "ca-certificate"): string[] {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new ConfigError([`${inputName}: no "-----BEGIN CERTIFICATE-----" block found. Give the CA certificate in PEM form.`]);
  }
  blocks.forEach((block, index) => {
    try {
      new (nodeCrypto().X509Certificate)(block);
    } catch {
      throw new ConfigError([`${inputName}: certificate ${index + 1} of ${blocks.length} cannot be read. Check the PEM text is complete.`]);
    }
  });
  return blocks;
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

/**
 * One keep-alive dispatcher for the client's whole life: a plain Agent, or a ProxyAgent (CONNECT tunnel) when a proxy
 * applies to the target. Never installed globally.
 */
export function createDispatcher(options: DispatcherOptions): CreatedDispatcher {
  const ca = options.caCertPem === undefined ? undefined : [...defaultCertificates(), ...parseCaBundle(options.caCertPem)];
  const tlsOptions = { timeout: options.timeoutMs, ...(ca === undefined ? {} : { ca }) };
  const common = {
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    // Keep idle sockets a while: a run makes a login and a few fetches seconds apart.
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
  };
  const proxy = proxyFor(options.target, options.proxy);
  if (proxy !== undefined) {
    const dispatcher = new ProxyAgent({
      ...common,
      uri: proxy.href,
      requestTls: tlsOptions,
      proxyTls: tlsOptions,
    });
    return { dispatcher, proxy };
  }
  return { dispatcher: new Agent({ ...common, connect: tlsOptions }), proxy: undefined };
}
