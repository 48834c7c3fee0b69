/**
 * Load: 200 runs of the GitHub Action bundle started at once against one dev server with Infisical Cloud's free-plan
 * rate limits on (per IP and minute: read 200, write 90 — logins count as writes — secrets 120), all from one IP, as
 * 200 jobs behind one runner NAT. Every run must end within its deadline either with the complete secret set or with
 * one clear rate-limit error and nothing exported; the requests the server saw must be exactly the attempts the runs
 * made. The distribution is printed; `LOAD_REPORT=<file>` also writes it to a file (test/RELIABILITY.md quotes one), and
 * `LOAD_DEBUG=<file>` every request record and every run's log. The runs are started by a helper process, so that
 * forking 200 processes does not stall the dev server, which answers on this process's event loop.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevServer } from "@secrets-action/dev-server";
import { assertNoLeaks } from "../support/leak-scanner.js";
import { LIST, LOGIN, type Outcome, SECRETS, SENSITIVE, runGithubMany, startHardeningServer } from "./support-faults.js";

const RUNS = 200;
/** Infisical Cloud's free plan (reference/infisical-api.md §6). */
const LIMITS = { read: 200, write: 90, secrets: 120, windowMs: 60_000 };
/**
 * Each run's deadline. A run that is told to wait longer than the time it has left gives up at once with the
 * rate-limit error; one told to wait less (the window closing: only when starting all 200 takes over 30 s) waits and
 * tries again. 30 s leaves room for 200 processes sharing two cores with the rest of the suite.
 */
const DEADLINE_S = 30;
/** Starting 200 Node processes at once on two cores (about 15 s here): time before a run's deadline starts counting. */
const START_SLACK_MS = 30_000;

let server: DevServer;
beforeAll(async () => {
  server = await startHardeningServer({ rateLimit: LIMITS });
});
afterAll(async () => server?.close());

const RATE_LIMITED = /^429 from (POST \/api\/v1\/auth\/universal-auth\/login|GET \/api\/v3\/secrets\/raw): Rate limit exceeded\. Please try again in \d+ seconds — the server's rate limit was reached/;

/** The attempts a run made, from its own log: one per request it got to, plus one per retry it announced. */
function attemptsOf(outcome: Outcome): number {
  const reachedList = outcome.exitCode === 0 || /from GET \/api\/v3\/secrets\/raw/.test(outcome.errors[0] ?? "");
  return (reachedList ? 2 : 1) + outcome.retryLines.length;
}

const tally = (values: readonly (string | number)[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
};

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

describe("200 concurrent runs of the action against one rate-limited server", () => {
  it("ends every run within its deadline with every secret or one rate-limit error, and the server saw exactly the runs' attempts", async () => {
    const started = performance.now();
    const outcomes = await runGithubMany(RUNS, { domain: server.url, retries: 4, timeoutSeconds: DEADLINE_S });
    const wallMs = performance.now() - started;

    if (process.env["LOAD_DEBUG"]) writeFileSync(process.env["LOAD_DEBUG"], JSON.stringify({ records: server.requests.list(), outcomes: outcomes.map((o) => ({ exit: o.exitCode, ms: o.ms, endedAt: o.endedAt, errors: o.errors, log: o.log })) }, null, 1));
    const succeeded = outcomes.filter((outcome) => outcome.exitCode === 0);
    const failed = outcomes.filter((outcome) => outcome.exitCode !== 0);
    for (const outcome of outcomes) {
      assertNoLeaks(outcome.log, SENSITIVE);
      expect(outcome.ms).toBeLessThan(DEADLINE_S * 1000 + START_SLACK_MS);
    }
    for (const outcome of succeeded) {
      expect(outcome.errors).toEqual([]);
      expect(outcome.exported).toEqual(SECRETS);
    }
    for (const outcome of failed) {
      expect(outcome.exitCode, outcome.log).toBe(1);
      expect(outcome.errors, outcome.log).toHaveLength(1);
      expect(outcome.errors[0]).toMatch(RATE_LIMITED);
      expect(outcome.exported).toBeUndefined();
      expect(outcome.untouched).toBe(true);
    }

    // The server's view: only 200s and 429s, no more logins let through per window than the write limit, and not one
    // request more or less than the runs say they made.
    const records = server.requests.list();
    const attempts = outcomes.map(attemptsOf);
    expect(records.length).toBe(attempts.reduce((sum, n) => sum + n, 0));
    expect(new Set(records.map((record) => record.status))).toEqual(new Set(records.some((r) => r.status === 429) ? [200, 429] : [200]));
    const loginsLetThrough = server.requests.count({ path: LOGIN, status: 200 });
    const windows = Math.ceil((wallMs + 1) / LIMITS.windowMs) + 1;
    expect(loginsLetThrough).toBeLessThanOrEqual(LIMITS.write * windows);
    expect(server.requests.count({ path: LIST, status: 200 })).toBe(succeeded.length);
    // The budget was used: at least a full window's logins got through, and the rest were refused, not lost.
    expect(succeeded.length).toBeGreaterThanOrEqual(LIMITS.write);
    expect(succeeded.length + failed.length).toBe(RUNS);

    const times = outcomes.map((outcome) => outcome.ms).sort((a, b) => a - b);
    const report = [
      `${RUNS} runs started at once (action bundle, Node 20, retries 4, timeout ${DEADLINE_S} s), one dev server, rate limits per IP and minute: read ${LIMITS.read}, write ${LIMITS.write}, secrets ${LIMITS.secrets}.`,
      "",
      "| Measure | Value |",
      "| --- | --- |",
      `| Runs that exported all ${Object.keys(SECRETS).length} secrets | ${succeeded.length} |`,
      `| Runs that failed with the rate-limit error, nothing exported | ${failed.length} |`,
      `| Other outcomes | ${RUNS - succeeded.length - failed.length} |`,
      `| Attempts per run (requests the run made: count of runs) | ${Object.entries(tally(attempts)).map(([n, runs]) => `${n}: ${runs}`).join(", ")} |`,
      `| Retries announced per run (count of runs) | ${Object.entries(tally(outcomes.map((o) => o.retryLines.length))).map(([n, runs]) => `${n}: ${runs}`).join(", ")} |`,
      `| Requests the server saw (= sum of attempts) | ${records.length}: ${Object.entries(tally(records.map((r) => `${r.method} ${r.path} ${r.status}`))).map(([k, n]) => `${k} ×${n}`).join(", ")} |`,
      `| Run time p50 / p90 / max | ${(percentile(times, 50) / 1000).toFixed(1)} s / ${(percentile(times, 90) / 1000).toFixed(1)} s / ${((times.at(-1) ?? 0) / 1000).toFixed(1)} s |`,
      `| Wall time for all ${RUNS} | ${(wallMs / 1000).toFixed(1)} s |`,
      "",
      `The refused runs' error lines, with the wait and the port left out (${failed.length} runs):`,
      "",
      ...Object.entries(tally(failed.map((o) => (o.errors[0] ?? "").replace(/(try again in|wait|waiting) \d+ s/g, "$1 N s").replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT")))).map(([line, n]) => `- ×${n}: \`${line}\``),
    ].join("\n");
    console.log(report);
    const out = process.env["LOAD_REPORT"];
    if (out) writeFileSync(out, `${report}\n`);
  });
});
