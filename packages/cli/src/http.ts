/** Core's HTTP client for the CLI: the config's server and budget, the job's proxy variables, the CI's User-Agent. */
import { type InfisicalHttpClient, createHttpClient, proxyFromEnvironment } from "@secrets-action/core";
import type { CiConventions } from "./conventions.js";
import type { HttpSettings } from "./fetch-config.js";
import type { Logger } from "./logger.js";
import type { Env } from "./option-values.js";

/** Creates the run's one client; each retry is logged. The caller closes it. */
export function createCliHttpClient(settings: HttpSettings, env: Env, conventions: CiConventions, log: Logger): InfisicalHttpClient {
  return createHttpClient({
    baseUrl: settings.domain,
    deadlineMs: settings.timeoutMs,
    maxAttempts: settings.retries + 1,
    extraHeaders: { ...settings.extraHeaders },
    caCertPem: settings.caCertificate,
    caOptionName: "--ca-certificate (INFISICAL_CA_CERTIFICATE)",
    proxy: proxyFromEnvironment(env),
    userAgent: { product: "secrets-action", version: conventions.version, ci: conventions.userAgentCi(env) },
    onRetry: (event) =>
      log.info(`attempt ${event.attempt} of ${event.method} ${event.path} failed (${event.reason}); retrying in ${(event.delayMs / 1000).toFixed(1)} s`),
  });
}
