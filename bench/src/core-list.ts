/**
 * One benchmark run in its own process: log in and list every secret recursively through core, as a front door
 * would. Prints one JSON line: wall time, secrets, requests and attempts, and this process's peak RSS.
 * Usage: node core-list.js <server-url> <project-slug>
 */
import { createHttpClient, createSecretsClient, createSession, fetchSecrets } from "@secrets-action/core";
import { BENCH_CLIENT } from "./seed.js";

const [url, projectSlug] = process.argv.slice(2);
if (!url || !projectSlug) throw new Error("usage: core-list.js <server-url> <project-slug>");

const started = performance.now();
const http = createHttpClient({ baseUrl: url });
const session = createSession(http, { method: "universal", ...BENCH_CLIENT });
const result = await fetchSecrets(createSecretsClient(session), { projectSlug, environment: "dev", paths: ["/"], recursive: true, includeImports: true });
const wallMs = performance.now() - started;
await http.close();
process.stdout.write(
  `${JSON.stringify({ wallMs, secrets: result.secrets.length, requests: http.stats.requests, attempts: http.stats.attempts, maxRssKb: process.resourceUsage().maxRSS })}\n`,
);
