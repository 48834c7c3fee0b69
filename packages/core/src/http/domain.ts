import { ConfigError } from "../errors.js";

/** A server root ready to prefix request paths with, and what looked odd about the input. */
export interface NormalisedDomain {
  /** Scheme, host, port and optional path, without a trailing slash, e.g. `https://app.infisical.com`. */
  url: string;
  /** Problems worth a warning but not an error (plain http to a remote host, a path ending in /api). */
  warnings: string[];
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** True for names and addresses that never leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "::1" ||
    /^127(?:\.\d{1,3}){3}$/.test(host) ||
    /^::ffff:127(?:\.\d{1,3}){3}$/.test(host)
  );
}

/**
 * Validates and normalises the Infisical domain input: a scheme is required (http or https), no credentials, query or
 * fragment; trailing slashes are removed; a path is kept (servers behind a reverse proxy live under one).
 * Throws ConfigError naming the input; returns warnings for plain http to a remote host and for a path ending in `/api`.
 */
export function normaliseDomain(input: string, inputName = "domain"): NormalisedDomain {
  const raw = input.trim();
  if (raw === "") {
    throw new ConfigError([`${inputName}: empty. Set it to your Infisical server, e.g. "https://app.infisical.com".`]);
  }
  const scheme = SCHEME.exec(raw)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    const guess = `https://${raw.replace(/^\/+/, "").replace(/\/+$/, "")}`;
    throw new ConfigError([`${inputName}: "${raw}" has no scheme. Did you mean "${guess}"?`]);
  }
  if (scheme !== "https" && scheme !== "http") {
    throw new ConfigError([`${inputName}: "${raw}" uses ${scheme}://; only https:// (or http:// for a local server) is supported.`]);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError([`${inputName}: "${raw}" is not a valid URL.`]);
  }
  if (url.hostname === "") {
    throw new ConfigError([`${inputName}: "${raw}" has no host name.`]);
  }
  if (url.username !== "" || url.password !== "") {
    // Never echo the input here: it holds a password.
    throw new ConfigError([`${inputName}: must not contain a user name or password. Remove the "user:password@" part.`]);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new ConfigError([`${inputName}: "${url.origin}${url.pathname}" must not have a query (?…) or fragment (#…).`]);
  }

  const path = url.pathname.replace(/\/+$/, "");
  const normalised = `${url.origin}${path}`;
  const warnings: string[] = [];
  if (scheme === "http" && !isLoopbackHost(url.hostname)) {
    warnings.push(
      `${inputName}: "${normalised}" is plain http; the access token and the secrets would cross the network unencrypted. Use https:// unless this is a private test server.`,
    );
  }
  if (/\/api$/i.test(path)) {
    warnings.push(
      `${inputName}: "${normalised}" ends in /api, but request paths already start with /api/. Did you mean "${url.origin}${path.replace(/\/api$/i, "")}"?`,
    );
  }
  return { url: normalised, warnings };
}
