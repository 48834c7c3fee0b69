/** Core's HTTP client configured from the action's config and the job's proxy variables. */
import { type InfisicalHttpClient, VERSION, createHttpClient, proxyFromEnvironment } from "@secrets-action/core";
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

/** Creates the client for `baseUrl` (the domain, or the runner's token service), logging each retry. */
export function httpClient(settings: HttpSettings, env: RunnerEnv, runner: Runner, baseUrl = settings.domain): InfisicalHttpClient {
  return createHttpClient({
    baseUrl,
    deadlineMs: settings.timeoutMs,
    maxAttempts: settings.retries + 1,
    extraHeaders: baseUrl === settings.domain ? settings.extraHeaders : {},
    caCertPem: settings.caCertificate,
    caOptionName: "the ca-certificate input",
    proxy: proxyFromEnvironment(env),
    userAgent: { product: "secrets-action", version: VERSION, ci: "github-actions" },
    onRetry: (event) => runner.info(`Attempt ${event.attempt} of ${event.method} ${event.path} failed (${event.reason}); retrying in ${(event.delayMs / 1000).toFixed(1)} s`),
  });
}
