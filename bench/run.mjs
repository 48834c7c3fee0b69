#!/usr/bin/env node
// Runs the benchmarks against the embedded dev server and prints Markdown tables for RESULTS.md.
//   pnpm bench                 every benchmark
//   pnpm bench core-list       only one (core-list, action, redactor)
// Each client run is its own process, so its peak RSS is its own. Medians of RUNS runs.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const ncc = createRequire(join(here, "package.json")).resolve("@vercel/ncc/dist/ncc/cli.js");

export function compile(entry) {
  const out = mkdtempSync(join(tmpdir(), "bench-build-"));
  execFileSync(process.execPath, [ncc, "build", join(here, entry), "-o", out, "-m", "-q", "--target", "es2022"], { stdio: "inherit" });
  return join(out, "index.js");
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
        const out = JSON.parse(execFileSync(process.execPath, [client, server.url, BENCH_PROJECT.slug], { encoding: "utf8" }));
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

const benches = { "core-list": coreList };
const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  if (!benches[name]) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(", ")}`);
    process.exit(2);
  }
  await benches[name]();
}
