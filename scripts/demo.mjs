#!/usr/bin/env node
// `pnpm demo`: compiles scripts/demo.ts (it reuses the tests' simulated runner) and runs it.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ncc = createRequire(join(root, "packages/github-action/package.json")).resolve("@vercel/ncc/dist/ncc/cli.js");
const out = mkdtempSync(join(tmpdir(), "demo-"));
try {
  execFileSync(process.execPath, [ncc, "build", join(root, "scripts/demo.ts"), "-o", out, "-q", "--target", "es2022"], { stdio: "inherit" });
  process.env.SECRETS_ACTION_ROOT = root;
  await import(pathToFileURL(join(out, "index.js")).href);
} finally {
  rmSync(out, { recursive: true, force: true });
}
