/** Core's HTTP client for the CLI: the config's server and budget, the job's proxy variables, the CI's User-Agent. */
import { type InfisicalHttpClient, type ProxyOptions, createHttpClient } from "@secrets-action/core";
import type { CiConventions } from "./conventions.js";
import type { HttpSettings } from "./fetch-config.js";
import type { Logger } from "./logger.js";
import type { Env } from "./option-values.js";

/** The proxy variables, upper or lower case as curl reads them. */
export function proxyFromEnv(env: Env): ProxyOptions {
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

/** Creates the run's one client; each retry is logged. The caller closes it. */
export function createCliHttpClient(settings: HttpSettings, env: Env, conventions: CiConventions, log: Logger): InfisicalHttpClient {
  return createHttpClient({
    baseUrl: settings.domain,
    deadlineMs: settings.timeoutMs,
    maxAttempts: settings.retries + 1,
    extraHeaders: { ...settings.extraHeaders },
    caCertPem: settings.caCertificate,
    proxy: proxyFromEnv(env),
    userAgent: { product: "secrets-action", version: conventions.version, ci: conventions.userAgentCi(env) },
    onRetry: (event) =>
      log.info(`attempt ${event.attempt} of ${event.method} ${event.path} failed (${event.reason}); retrying in ${(event.delayMs / 1000).toFixed(1)} s`),
  });
}
