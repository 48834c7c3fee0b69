/**
 * The fault matrix: every front door (the GitHub Action bundle on Node 20, the GitLab CLI's `run` and `export`, the
 * CircleCI CLI's `load`) × every way the server or the network fails, over real sockets against the dev server's fault
 * injection. Each run ends either with the complete secret set, byte for byte, or with one clear error line and
 * nothing exported (GITHUB_ENV, GITHUB_OUTPUT and RUNNER_TEMP empty, no file, no command started, $BASH_ENV byte for
 * byte as before). Attempts are counted from the server's request log; every run ends within its deadline.
 *
 * The measured table is printed at the end; `FAULTS_REPORT=<file> vitest run test/hardening/faults.test.ts` also
 * writes it to a file (test/RELIABILITY.md quotes one such run).
 */
import { writeFileSync } from "node:fs";
import { afterAll, describe, it, vi } from "vitest";
import type { DevServer } from "@secrets-action/dev-server";
import { assertNoLeaks } from "../support/leak-scanner.js";
import { FRONT_DOORS, type FrontDoor, LIST, LOGIN, type Outcome, type RunSettings, SECRETS, SENSITIVE, SHORT_LIVED, closedPortUrl, runFrontDoor, startHardeningServer } from "./support-faults.js";

/** Short settings so the whole matrix takes seconds: 3 attempts per request, a 5 s deadline for the whole run. */
const RETRIES = 2;
const DEADLINE_S = 5;
// Most of a run is waiting (Retry-After, backoff, the hang's deadline), so more runs at a time than vitest's default 5.
vi.setConfig({ maxConcurrency: 12 });

/** Process start on a busy two-core machine (this file's runs and the load test's 200 at once), before the deadline counts. */
const START_SLACK_MS = 10_000;
/** From the first request the server saw to the exit: the deadline, then exiting (and for `run`, the command itself). */
const EXIT_SLACK_MS = 3_000;

interface FaultCase {
  name: string;
  /** Arms the server (or returns settings that point elsewhere). */
  arrange: (server: DevServer) => Promise<Partial<RunSettings>> | Partial<RunSettings> | undefined;
  outcome: "success" | "failure";
  /** The one error line, for a failure. */
  error?: RegExp;
  /** The endpoint whose attempts are counted, and how many the server must have seen there. */
  counted: { path: string; attempts: number };
  /** Least wall time, for cases that must have waited (Retry-After). */
  atLeastMs?: number;
}

const rateLimitBody = (message: string): Record<string, unknown> => ({ reqId: "req-rate-limit", statusCode: 429, error: "RateLimitExceeded", message });

const CASES: FaultCase[] = [
  {
    name: "429 with Retry-After: 1, twice",
    arrange: (server) => void server.faults.add({ method: "GET", path: LIST, status: 429, headers: { "retry-after": "1" }, body: rateLimitBody("Rate limit exceeded"), count: 2 }),
    outcome: "success",
    counted: { path: LIST, attempts: 3 },
    atLeastMs: 2_000,
  },
  {
    name: "429 with only 'Please try again in 1 seconds', twice",
    arrange: (server) => void server.faults.add({ method: "GET", path: LIST, status: 429, body: rateLimitBody("Rate limit exceeded. Please try again in 1 seconds"), count: 2 }),
    outcome: "success",
    counted: { path: LIST, attempts: 3 },
    atLeastMs: 2_000,
  },
  {
    name: "500 'Something went wrong' (no Retry-After: not retried)",
    arrange: (server) => void server.faults.add({ method: "GET", path: LIST, status: 500, body: { reqId: "req-500", statusCode: 500, error: "InternalServerError", message: "Something went wrong" } }),
    outcome: "failure",
    error: /500 from GET \/api\/v3\/secrets\/raw: Something went wrong/,
    counted: { path: LIST, attempts: 1 },
  },
  ...[502, 503, 504].map(
    (status): FaultCase => ({
      name: `${status}, twice`,
      arrange: (server) => void server.faults.add({ method: "GET", path: LIST, status, count: 2 }),
      outcome: "success",
      counted: { path: LIST, attempts: 3 },
    }),
  ),
  {
    name: "connection reset, twice",
    arrange: (server) => void server.faults.add({ method: "GET", path: LIST, action: "reset", count: 2 }),
    outcome: "success",
    counted: { path: LIST, attempts: 3 },
  },
  {
    name: "connection refused (a closed port)",
    arrange: async () => ({ domain: await closedPortUrl() }),
    outcome: "failure",
    error: /refused|ECONNREFUSED/i,
    // Nothing listens: the client's attempts are counted from its retry lines instead.
    counted: { path: LOGIN, attempts: 0 },
  },
  {
    name: "accepts and never answers (list)",
    arrange: (server) => void server.faults.add({ method: "GET", path: LIST, action: "hang" }),
    outcome: "failure",
    // The request's own timeout is clipped to the time left; whichever timer fires first, the deadline ended it.
    error: new RegExp(`^GET /api/v3/secrets/raw: no answer from 127\\.0\\.0\\.1:\\d+ before the run's ${DEADLINE_S} s deadline`),
    counted: { path: LIST, attempts: 1 },
    atLeastMs: DEADLINE_S * 1000 - 1_000,
  },
  {
    name: "truncated JSON body, twice",
    arrange: (server) => void server.faults.add({ method: "GET", path: LIST, action: "truncate", count: 2 }),
    outcome: "success",
    counted: { path: LIST, attempts: 3 },
  },
  {
    name: "200 with an HTML page instead of JSON",
    arrange: (server) => void server.faults.add({ method: "GET", path: LIST, action: "not-json" }),
    outcome: "failure",
    error: /text\/html, not JSON/,
    counted: { path: LIST, attempts: 1 },
  },
  {
    name: "login fails with 503 every time",
    arrange: (server) => void server.faults.add({ method: "POST", path: LOGIN, status: 503, count: 100 }),
    outcome: "failure",
    error: /503 from POST \/api\/v1\/auth\/universal-auth\/login: .*gave up after 3 attempts/,
    counted: { path: LOGIN, attempts: 3 },
  },
  {
    name: "login succeeds, list fails with 503 every time",
    arrange: (server) => void server.faults.add({ method: "GET", path: LIST, status: 503, count: 100 }),
    outcome: "failure",
    error: /503 from GET \/api\/v3\/secrets\/raw: .*gave up after 3 attempts/,
    counted: { path: LIST, attempts: 3 },
  },
  {
    name: "token expires between login and list (TTL 1 s, list served 1.5 s late)",
    arrange: (server) => {
      server.faults.add({ method: "GET", path: LIST, delayMs: 1_500 });
      return { credentials: SHORT_LIVED };
    },
    // 403 "Your token has expired"; the session's renew is refused the same way, so it logs in again and the list
    // is sent once more with the new token.
    outcome: "success",
    counted: { path: LIST, attempts: 2 },
  },
  {
    name: "token expires while a retry waits (TTL 1 s, 429 with Retry-After: 2)",
    arrange: (server) => {
      server.faults.add({ method: "GET", path: LIST, status: 429, headers: { "retry-after": "2" }, body: rateLimitBody("Rate limit exceeded") });
      return { credentials: SHORT_LIVED };
    },
    outcome: "success",
    counted: { path: LIST, attempts: 3 },
    atLeastMs: 2_000,
  },
];

interface Row {
  fault: string;
  door: FrontDoor;
  outcome: string;
  attempts: number;
  serverRequests: number;
  ms: number;
  /** From the first request the server saw to the exit; undefined when it saw none. */
  activeMs: number | undefined;
}
const rows: Row[] = [];

/** The error line up to its hint, with the port left out (it differs each run): enough for the table. */
const shortError = (line: string | undefined): string => (line ?? "(no error line)").split(" — ")[0]!.replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT");

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** One row per fault: the outcome and attempts (one value when every front door agrees), each door's times. */
function reportTable(): string {
  const lines = [
    `Settings: retries ${RETRIES} (3 attempts per request), timeout ${DEADLINE_S} s. Attempts: requests the server saw on the faulted endpoint (for "connection refused", the client's own count). Server requests: everything the server saw, per front door (GitHub / GitLab run / GitLab export / CircleCI load; the CLIs also revoke their token). Times: process start to exit, and in brackets from the first request the server saw to the exit.`,
    "",
    "| Fault | Outcome (every front door) | Attempts | Server requests | GitHub action | GitLab `run` | GitLab `export` | CircleCI `load` |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const fault of CASES) {
    const mine = FRONT_DOORS.map((door) => rows.find((row) => row.fault === fault.name && row.door === door));
    const distinct = (values: readonly string[]): string => [...new Set(values)].join(" / ");
    const time = (row: Row | undefined): string => (row === undefined ? "–" : `${seconds(row.ms)} (${row.activeMs === undefined ? "–" : seconds(row.activeMs)})`);
    lines.push(
      `| ${fault.name} | ${distinct(mine.map((row) => row?.outcome ?? "(not run)"))} | ${distinct(mine.map((row) => String(row?.attempts ?? "–")))} | ${mine.map((row) => String(row?.serverRequests ?? "–")).join("/")} | ${mine.map(time).join(" | ")} |`,
    );
  }
  return lines.join("\n");
}

afterAll(() => {
  const table = reportTable();
  console.log(table);
  const out = process.env["FAULTS_REPORT"];
  if (out) writeFileSync(out, `${table}\n`);
});

describe.concurrent("fault matrix", () => {
  for (const fault of CASES) {
    for (const door of FRONT_DOORS) {
      it(`${fault.name} — ${door}: ${fault.outcome}`, async ({ expect }) => {
        const server = await startHardeningServer();
        try {
          const overrides = (await fault.arrange(server)) ?? {};
          const settings: RunSettings = { domain: server.url, retries: RETRIES, timeoutSeconds: DEADLINE_S, ...overrides };
          const result: Outcome = await runFrontDoor(door, settings);
          const attempts = fault.counted.attempts === 0 ? result.retryLines.length + 1 : server.requests.count({ path: fault.counted.path });
          const seen = server.requests.count();
          const first = server.requests.list()[0];
          const activeMs = first === undefined ? undefined : result.endedAt - Date.parse(first.at);
          rows.push({ fault: fault.name, door, outcome: result.exitCode === 0 ? "exported all 5" : `failed: \`${shortError(result.errors[0])}\``, attempts, serverRequests: seen, ms: result.ms, activeMs });

          assertNoLeaks(result.log, SENSITIVE);
          if (fault.outcome === "success") {
            expect(result.errors, result.log).toEqual([]);
            expect(result.exitCode, result.log).toBe(0);
            expect(result.exported).toEqual(SECRETS);
          } else {
            expect(result.exitCode, result.log).toBe(1);
            expect(result.errors, result.log).toHaveLength(1);
            expect(result.errors[0]).toMatch(fault.error ?? /./);
            expect(result.errors[0]).not.toContain("\n");
            expect(result.exported).toBeUndefined();
            expect(result.untouched).toBe(true);
          }
          if (fault.counted.attempts === 0) {
            expect(seen).toBe(0);
            expect(attempts).toBe(RETRIES + 1);
          } else {
            expect(attempts, result.log).toBe(fault.counted.attempts);
          }
          expect(result.ms).toBeLessThan(DEADLINE_S * 1000 + START_SLACK_MS);
          if (activeMs !== undefined) expect(activeMs).toBeLessThan(DEADLINE_S * 1000 + EXIT_SLACK_MS);
          if (fault.atLeastMs !== undefined) expect(result.ms).toBeGreaterThanOrEqual(fault.atLeastMs);
        } finally {
          await server.close();
        }
      });
    }
  }
});
