import { BlockList, isIP } from "node:net";
import { ConfigError } from "../errors.js";

/** Proxy settings, as the adapter read them from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (core never reads env). */
export interface ProxyOptions {
  /** Proxy for https:// servers; falls back to `httpProxy`. */
  httpsProxy?: string | undefined;
  /** Proxy for http:// servers. */
  httpProxy?: string | undefined;
  /**
   * Hosts reached directly, comma- or space-separated: `*`, `host`, `.suffix` (or `*.suffix`), `host:port`,
   * IP addresses and CIDR ranges. `example.com` also covers its subdomains, as in curl. Loopback is not implied.
   */
  noProxy?: string | undefined;
}

interface NoProxyEntry {
  host: string;
  port: number | undefined;
}

/** The URL's port, or its scheme's default. */
export function defaultPort(url: URL): number {
  if (url.port !== "") return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/** The URL's host without IPv6 brackets: `[::1]` → `::1`. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

function parseEntry(raw: string): NoProxyEntry {
  let text = raw.trim().toLowerCase();
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed?.[1]) {
    return { host: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : undefined };
  }
  // host:port, but not a bare IPv6 address (several colons) nor a CIDR range.
  const withPort = /^([^:]+):(\d+)$/.exec(text);
  if (withPort?.[1] && withPort[2]) {
    text = withPort[1];
    port = Number(withPort[2]);
  }
  return { host: text, port };
}

function matchesAddress(host: string, entry: string): boolean {
  const hostFamily = isIP(host);
  if (hostFamily === 0) return false;
  const type = hostFamily === 6 ? "ipv6" : "ipv4";
  const slash = entry.indexOf("/");
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const entryFamily = isIP(address);
  if (entryFamily !== hostFamily) return false;
  if (slash === -1) {
    const list = new BlockList();
    list.addAddress(address, type);
    return list.check(host, type);
  }
  const prefix = Number(entry.slice(slash + 1));
  if (!Number.isInteger(prefix)) return false;
  const list = new BlockList();
  list.addSubnet(address, prefix, type);
  return list.check(host, type);
}

/** Whether NO_PROXY says to reach `url` directly. */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  const host = bareHost(url).toLowerCase();
  const port = defaultPort(url);
  for (const raw of noProxy.split(/[\s,]+/)) {
    if (raw.trim() === "") continue;
    if (raw.trim() === "*") return true;
    const entry = parseEntry(raw);
    if (entry.port !== undefined && entry.port !== port) continue;
    if (isIP(host) !== 0 || isIP(entry.host.split("/")[0] ?? "") !== 0) {
      if (matchesAddress(host, entry.host)) return true;
      continue;
    }
    const suffix = entry.host.replace(/^\*?\./, "");
    if (suffix === "") continue;
    if (host === suffix || host.endsWith(`.${suffix}`)) return true;
  }
  return false;
}

/** Parses a proxy URL; a bare `host:port` means http://. Throws ConfigError naming the input. */
export function parseProxyUrl(raw: string, inputName: string): URL {
  const text = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError([`${inputName}: not a valid proxy URL.`]);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError([`${inputName}: ${url.protocol}// proxies are not supported; use an http:// or https:// proxy.`]);
  }
  if (url.hostname === "") throw new ConfigError([`${inputName}: the proxy URL has no host.`]);
  return url;
}

/** The proxy to use for `target`, or undefined to connect directly. */
export function proxyFor(target: URL, options: ProxyOptions | undefined): URL | undefined {
  if (options === undefined) return undefined;
  const nonEmpty = (value: string | undefined): string | undefined => (value?.trim() ? value : undefined);
  const https = nonEmpty(options.httpsProxy);
  const http = nonEmpty(options.httpProxy);
  const chosen = target.protocol === "https:" ? (https ?? http) : http;
  if (chosen === undefined) return undefined;
  if (bypassesProxy(target, options.noProxy)) return undefined;
  const inputName = target.protocol === "https:" && https !== undefined ? "https proxy" : "http proxy";
  return parseProxyUrl(chosen, inputName);
}

/** A proxy URL fit for a message: scheme, host and port only (the user:password part is dropped). */
export function describeProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

/**
 * The proxy settings in a job's environment — `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, upper or lower case as curl
 * reads them. Front doors pass their environment in; core itself never reads `process.env`.
 */
export function proxyFromEnvironment(env: Readonly<Record<string, string | undefined>>): ProxyOptions {
  const pick = (name: string): string | undefined => env[name] || env[name.toLowerCase()] || undefined;
  const proxy: { httpsProxy?: string; httpProxy?: string; noProxy?: string } = {};
  const https = pick("HTTPS_PROXY");
  const http = pick("HTTP_PROXY");
  const no = pick("NO_PROXY");
  if (https) proxy.httpsProxy = https;
  if (http) proxy.httpProxy = http;
  if (no) proxy.noProxy = no;
  return proxy;
}
