/** Core's HTTP client configured from the action's config and the job's proxy variables. */
import { type InfisicalHttpClient, VERSION, createHttpClient } from "@secrets-action/core";
import type { RunnerEnv } from "./config.js";
import type { Runner } from "./runner.js";

/** What the client needs; a subset of ActionConfig so the post step can build one from its saved state. */
export interface HttpSettings {
  domain: string;
  extraHeaders: Record<string, string>;
  caCertificate: string | undefined;
  timeoutMs: number;
  retries: number;
}

/** The proxy variables, upper or lower case as curl reads them. */
export function proxyFromEnv(env: RunnerEnv): { httpsProxy?: string; httpProxy?: string; noProxy?: string } {
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

/** Creates the client for `baseUrl` (the domain, or the runner's token service), logging each retry. */
export function httpClient(settings: HttpSettings, env: RunnerEnv, runner: Runner, baseUrl = settings.domain): InfisicalHttpClient {
  return createHttpClient({
    baseUrl,
    deadlineMs: settings.timeoutMs,
    maxAttempts: settings.retries + 1,
    extraHeaders: baseUrl === settings.domain ? settings.extraHeaders : {},
    caCertPem: settings.caCertificate,
    proxy: proxyFromEnv(env),
    userAgent: { product: "secrets-action", version: VERSION, ci: "github-actions" },
    onRetry: (event) => runner.info(`Attempt ${event.attempt} of ${event.method} ${event.path} failed (${event.reason}); retrying in ${(event.delayMs / 1000).toFixed(1)} s`),
  });
}
