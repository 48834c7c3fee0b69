#!/usr/bin/env node
// Runs the benchmarks against the embedded dev server and prints Markdown tables for RESULTS.md.
//   pnpm bench                 every benchmark
//   pnpm bench core-list       only one (core-list, action, cli, redactor)
// Each client run is its own process, so its peak RSS is its own. Medians of RUNS runs.
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const ncc = createRequire(join(here, "package.json")).resolve("@vercel/ncc/dist/ncc/cli.js");

export function compile(entry) {
  const out = mkdtempSync(join(tmpdir(), "bench-build-"));
  // Not minified: minifying changes nothing that is measured here.
  execFileSync(process.execPath, [ncc, "build", join(here, entry), "-o", out, "-q", "--target", "es2022"], { stdio: "inherit" });
  return join(out, "index.js");
}

/** Runs a client process (this Node, or `options.node`) without blocking this one (the dev server lives here). */
export async function runClient(args, options = {}) {
  const { node = process.execPath, ...rest } = options;
  const { stdout } = await promisify(execFile)(node, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...rest });
  return stdout;
}

/** This Node, and Node 24 — the runtime the action declares — from `npx -y node@24` unless this one is 24. */
function runtimes() {
  const current = { label: `node ${process.version}`, node: process.execPath };
  if (process.versions.node.startsWith("24.")) return [current];
  try {
    const node24 = execFileSync("npx", ["-y", "node@24", "-p", "process.execPath"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return [current, { label: `node ${execFileSync(node24, ["-v"], { encoding: "utf8" }).trim()}`, node: node24 }];
  } catch (error) {
    console.error(`Node 24 is not available (npx -y node@24: ${error.message.split("\n")[0]}); measuring ${current.label} only.`);
    return [current];
  }
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function devServer(seed) {
  const { startDevServer } = await import(pathToFileURL(join(root, "packages/dev-server/dist/lib/index.js")).href);
  return startDevServer({ seed, log: false });
}

async function coreList() {
  const { benchSeed, BENCH_PROJECT } = await import(pathToFileURL(compile("src/seed.ts")).href);
  const client = compile("src/core-list.ts");
  const rows = [];
  for (const count of [10, 1000, 5000]) {
    const server = await devServer(benchSeed({ count, folders: 20 }));
    try {
      const runs = [];
      for (let run = 0; run < RUNS; run++) {
        server.requests.clear();
        const out = JSON.parse(await runClient([client, server.url, BENCH_PROJECT.slug]));
        if (out.secrets !== count) throw new Error(`core-list: expected ${count} secrets, got ${out.secrets}`);
        const seen = server.requests.list();
        runs.push({ ...out, logins: seen.filter((r) => r.path.endsWith("/login")).length, lists: seen.filter((r) => /\/secrets(\/raw)?$/.test(r.path)).length });
      }
      rows.push({
        count,
        wallMs: median(runs.map((r) => r.wallMs)),
        maxRssMb: Math.max(...runs.map((r) => r.maxRssKb)) / 1024,
        logins: Math.max(...runs.map((r) => r.logins)),
        lists: Math.max(...runs.map((r) => r.lists)),
        attempts: Math.max(...runs.map((r) => r.attempts)),
      });
    } finally {
      await server.close();
    }
  }
  console.log(`\n### core: list N secrets, recursive over 20 folders (median of ${RUNS} runs, node ${process.version})\n`);
  console.log("| secrets | median wall (ms) | peak RSS (MB) | logins | list requests | HTTP attempts |");
  console.log("|---:|---:|---:|---:|---:|---:|");
  for (const row of rows) {
    console.log(`| ${row.count} | ${row.wallMs.toFixed(1)} | ${row.maxRssMb.toFixed(1)} | ${row.logins} | ${row.lists} | ${row.attempts} |`);
  }
}

/** Environment of a main step as the runner gives it: inputs, file commands, temp folders. */
function stepEnv(dir, inputs) {
  const files = { GITHUB_ENV: join(dir, "env"), GITHUB_OUTPUT: join(dir, "output"), GITHUB_STATE: join(dir, "state") };
  for (const file of Object.values(files)) writeFileSync(file, "");
  const env = { PATH: process.env.PATH, HOME: dir, GITHUB_ACTIONS: "true", RUNNER_TEMP: dir, GITHUB_WORKSPACE: dir, RUNNER_OS: "Linux", ...files };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return { env, files };
}

async function timed(args, options) {
  const started = performance.now();
  await runClient(args, options).catch((error) => {
    if (!options.allowFailure) throw error;
  });
  return performance.now() - started;
}

/**
 * Runs one client process with bench/src/probe.cjs preloaded (`options.env` gains PROBE_OUT in `dir`): returns its
 * wall time as this process saw it (spawn to exit), when it exported (ms since its start; GITHUB_ENV writers only),
 * its peak RSS, and the server's own time for its requests.
 */
async function probedRun(server, node, args, dir, options) {
  const env = { ...options.env, PROBE_OUT: join(dir, "probe.json") };
  server.requests.clear();
  const wallMs = await timed(["-r", join(here, "src/probe.cjs"), ...args], { ...options, env, node });
  const probe = JSON.parse(readFileSync(env.PROBE_OUT, "utf8"));
  const serverMs = server.requests.list().reduce((sum, r) => sum + r.ms, 0);
  return { wallMs, exportedMs: probe.exportedMs, rssKb: probe.maxRssKb, serverMs };
}

/** One client process in a step's environment ({@link probedRun}), after checking that GITHUB_ENV holds `count` variables. */
async function stepRun(server, node, args, inputs, count) {
  const dir = mkdtempSync(join(tmpdir(), "bench-action-"));
  try {
    const { env, files } = stepEnv(dir, inputs);
    const run = await probedRun(server, node, args, dir, { env });
    const exported = readFileSync(files.GITHUB_ENV, "utf8").split("<<ghadelimiter_").length - 1;
    if (exported !== count) throw new Error(`${args.join(" ")}: expected ${count} exported, got ${exported}`);
    return run;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function action() {
  const { benchSeed, BENCH_PROJECT, BENCH_CLIENT } = await import(pathToFileURL(compile("src/seed.ts")).href);
  const main = join(root, "actions/github/main.js");
  const floor = compile("src/floor.ts");
  const clients = [
    { name: "action bundle", args: [main] },
    { name: "yardstick", args: [floor] },
  ];
  const rows = [];
  const nodes = runtimes();
  for (const count of [10, 1000, 5000]) {
    const server = await devServer(benchSeed({ count, folders: 20 }));
    try {
      const inputs = {
        domain: server.url,
        "client-id": BENCH_CLIENT.clientId,
        "client-secret": BENCH_CLIENT.clientSecret,
        "project-slug": BENCH_PROJECT.slug,
        "env-slug": "dev",
        recursive: "true",
        "include-imports": "true",
        "export-type": "env",
        "mask-min-length": "6",
        timeout: "120",
        retries: "4",
      };
      // Interleaved, so the clients share whatever else the machine is doing.
      const cases = nodes.flatMap((runtime) => clients.map((client) => ({ runtime, client })));
      const runs = cases.map(() => []);
      for (let run = 0; run < RUNS; run++) {
        for (const [index, { runtime, client }] of cases.entries()) {
          const extra = client.args[0] === main ? [] : [server.url, BENCH_PROJECT.slug];
          runs[index].push(await stepRun(server, runtime.node, [...client.args, ...extra], inputs, count));
        }
      }
      for (const [index, { runtime, client }] of cases.entries()) {
        const of = runs[index];
        rows.push({
          count,
          runtime: runtime.label,
          client: client.name,
          exportedMs: median(of.map((r) => r.exportedMs)),
          serverMs: median(of.map((r) => r.serverMs)),
          clientMs: median(of.map((r) => r.exportedMs - r.serverMs)),
          wallMs: median(of.map((r) => r.wallMs)),
          rssMb: Math.max(...of.map((r) => r.rssKb)) / 1024,
        });
      }
    } finally {
      await server.close();
    }
  }
  // Cold start: the bundle with no inputs (to its error) against bare `node -e 0` of the same Node, interleaved.
  const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? 30);
  const colds = [];
  for (const { label, node } of nodes) {
    const cold = [];
    const baseline = [];
    for (let run = 0; run < coldRuns; run++) {
      baseline.push(await timed(["-e", "0"], { env: { PATH: process.env.PATH }, node }));
      cold.push(await timed([main], { env: { PATH: process.env.PATH }, allowFailure: true, node }));
    }
    colds.push({ label, coldMs: median(cold), bareMs: median(baseline) });
  }
  const bundleBytes = readdirSync(join(root, "actions/github")).filter((f) => f.endsWith(".js")).reduce((sum, f) => sum + statSync(join(root, "actions/github", f)).size, 0);
  console.log(`\n### GitHub Action bundle: start to exported (median of ${RUNS} runs)\n`);
  console.log("| secrets | node | client | start → exported (ms) | server time (ms) | client share (ms) | spawn → exit, seen by the parent (ms) | peak RSS (MB) |");
  console.log("|---:|---|---|---:|---:|---:|---:|---:|");
  for (const row of rows) {
    console.log(
      `| ${row.count} | ${row.runtime} | ${row.client} | ${row.exportedMs.toFixed(1)} | ${row.serverMs.toFixed(1)} | ${row.clientMs.toFixed(1)} | ${row.wallMs.toFixed(1)} | ${row.rssMb.toFixed(1)} |`,
    );
  }
  console.log(`\n| node | cold start (no inputs, to the error) | bare \`node -e 0\` | ratio | bundle size (all of actions/github/*.js) |`);
  console.log("|---|---:|---:|---:|---:|");
  for (const { label, coldMs, bareMs } of colds) {
    console.log(`| ${label} | ${coldMs.toFixed(1)} ms | ${bareMs.toFixed(1)} ms | ${(coldMs / bareMs).toFixed(2)}× | ${(bundleBytes / 1024).toFixed(0)} KiB |`);
  }
}

/**
 * The GitLab bundle's `export` (the CLI the component and the orb run): log in, list recursively, write a dotenv file.
 * BENCH_CLI_EXTRA=path[,path] measures other builds of it beside the committed one, interleaved (e.g. an older one
 * from `git show <commit>:actions/gitlab/bin/secrets-action-gitlab.mjs`).
 */
async function cli() {
  const { benchSeed, BENCH_PROJECT, BENCH_CLIENT } = await import(pathToFileURL(compile("src/seed.ts")).href);
  const bundles = [join(root, "actions/gitlab/bin/secrets-action-gitlab.mjs"), ...(process.env.BENCH_CLI_EXTRA ?? "").split(",").filter(Boolean)];
  const nodes = runtimes();
  const rows = [];
  for (const count of [10, 1000, 5000]) {
    const server = await devServer(benchSeed({ count, folders: 20 }));
    try {
      const cases = nodes.flatMap((runtime) => bundles.map((bundle) => ({ runtime, bundle })));
      const runs = cases.map(() => []);
      for (let run = 0; run < RUNS; run++) {
        for (const [index, { runtime, bundle }] of cases.entries()) {
          const dir = mkdtempSync(join(tmpdir(), "bench-cli-"));
          try {
            const env = { PATH: process.env.PATH, HOME: dir, GITLAB_CI: "true", CI_JOB_ID: "1", CI_PROJECT_DIR: dir };
            const args = [bundle, "export", "--domain", server.url, "--client-id", BENCH_CLIENT.clientId, "--client-secret", BENCH_CLIENT.clientSecret];
            args.push("--project-slug", BENCH_PROJECT.slug, "--env-slug", "dev", "--recursive", "--include-imports", "--format", "dotenv", "--output", join(dir, "secrets.env"));
            const run = await probedRun(server, runtime.node, args, dir, { env, cwd: dir });
            const written = readFileSync(join(dir, "secrets.env"), "utf8").split("\n").filter((line) => /^SECRET_\d+=/.test(line)).length;
            if (written !== count) throw new Error(`cli: expected ${count} secrets in the file, got ${written}`);
            runs[index].push(run);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }
      }
      for (const [index, { runtime, bundle }] of cases.entries()) {
        const of = runs[index];
        rows.push({ count, runtime: runtime.label, bundle: bundle.startsWith(root) ? relative(root, bundle) : bundle, wallMs: median(of.map((r) => r.wallMs)), serverMs: median(of.map((r) => r.serverMs)), rssMb: Math.max(...of.map((r) => r.rssKb)) / 1024 });
      }
    } finally {
      await server.close();
    }
  }
  console.log(`\n### GitLab bundle: \`export\` to a dotenv file, spawn → exit (median of ${RUNS} runs)\n`);
  console.log("| secrets | node | bundle | spawn → exit (ms) | server time (ms) | peak RSS (MB) |");
  console.log("|---:|---|---|---:|---:|---:|");
  for (const row of rows) console.log(`| ${row.count} | ${row.runtime} | ${row.bundle} | ${row.wallMs.toFixed(1)} | ${row.serverMs.toFixed(1)} | ${row.rssMb.toFixed(1)} |`);
}

/** The Redactor: `run`'s redacted pipe against `cat` alone, the Redactor in memory, and a naive replace-all. */
async function redactor() {
  const client = compile("src/redactor.ts");
  const megabytes = Number(process.env.BENCH_REDACTOR_MB ?? 64);
  const runs = Math.min(RUNS, 3);
  const all = [];
  for (let run = 0; run < runs; run++) all.push(JSON.parse(await runClient([client, String(megabytes), "1,100,1000"])).rows);
  const rows = all[0].map((row, index) => {
    const pick = (key) => median(all.map((rowsOfRun) => rowsOfRun[index][key]));
    return { ...row, setupMs: pick("setupMs"), catMbps: pick("catMbps"), redactedMbps: pick("redactedMbps"), ratio: pick("ratio"), inMemoryMbps: pick("inMemoryMbps"), naiveMbps: pick("naiveMbps") };
  });
  console.log(`\n### Redactor: ${megabytes} MiB of build log through \`cat\`, with and without \`run\`'s redaction (median of ${runs} runs, node ${process.version})\n`);
  console.log("| secrets | patterns (with encoded forms) | setup, once per run (ms) | `cat` passthrough (MB/s) | `cat` through run's Redactor (MB/s) | share of passthrough | Redactor alone, in memory (MB/s) | naive replace-all (MB/s) |");
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const row of rows) {
    console.log(
      `| ${row.secrets} | ${row.patterns} | ${row.setupMs.toFixed(0)} | ${row.catMbps.toFixed(0)} | ${row.redactedMbps.toFixed(0)} | ${(row.ratio * 100).toFixed(0)} % | ${row.inMemoryMbps.toFixed(0)} | ${row.naiveMbps.toFixed(1)} |`,
    );
  }
}

const benches = { "core-list": coreList, action, cli, redactor };
const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  if (!benches[name]) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(", ")}`);
    process.exit(2);
  }
  await benches[name]();
}
