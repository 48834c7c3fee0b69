/**
 * Redactor throughput, in its own process. The same log file goes, in the same run:
 * - through `cat` into this process (plain passthrough: the ceiling a pipe allows);
 * - through `cat` and runRedacted (what `secrets-action run` does to a command's output), with N secrets; the patterns
 *   and automaton are built first and timed on their own (run builds them once, before the command starts);
 * - through the Redactor alone, in memory (its CPU cost without the pipe);
 * - through a naive replace-all (one String.replaceAll per pattern per chunk), for comparison.
 * Prints one JSON line. Usage: node redactor.js <megabytes> <secret counts, comma-separated>
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { runRedacted } from "@secrets-action/cli";
import { type CompiledPatterns, compilePatterns, createPatternRedactor, redactionPatterns } from "@secrets-action/core";

const megabytes = Number(process.argv[2] ?? 64);
const counts = (process.argv[3] ?? "1,100,1000").split(",").map(Number);

/** A seeded generator, so every run measures the same bytes. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

function makeSecrets(count: number, next: () => number): string[] {
  return Array.from({ length: count }, () => {
    const length = 24 + Math.floor(next() * 17);
    let secret = "";
    for (let i = 0; i < length; i++) secret += ALPHABET[Math.floor(next() * ALPHABET.length)];
    return secret;
  });
}

/** Log lines as a build prints them; one line in 50 carries a secret, when there are secrets. */
function makeLog(bytes: number, secrets: readonly string[], next: () => number): Buffer {
  const words = ["INFO", "DEBUG", "compiling", "module", "resolved", "downloaded", "test", "passed", "worker", "cache", "hit", "miss", "bytes", "ms"];
  const lines: string[] = [];
  let size = 0;
  let n = 0;
  while (size < bytes) {
    const parts = [`2025-06-01T12:${String(n % 60).padStart(2, "0")}:00.${String(n % 1000).padStart(3, "0")}Z`];
    for (let i = 0; i < 6 + Math.floor(next() * 8); i++) parts.push(words[Math.floor(next() * words.length)] ?? "x");
    parts.push(Math.floor(next() * 1e9).toString(16));
    if (secrets.length > 0 && n % 50 === 0) parts.push(`token=${secrets[Math.floor(next() * secrets.length)]}`);
    const line = `${parts.join(" ")}\n`;
    lines.push(line);
    size += line.length;
    n++;
  }
  return Buffer.from(lines.join(""), "utf8");
}

/** A Writable that counts bytes and throws them away (as a fast log reader would). */
function sink(): Writable & { bytes: number } {
  const writable = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      (writable as Writable & { bytes: number }).bytes += chunk.length;
      callback();
    },
  }) as Writable & { bytes: number };
  writable.bytes = 0;
  return writable;
}

const mbPerSecond = (bytes: number, ms: number): number => bytes / 1048576 / (ms / 1000);

/** `cat file` into this process, no redaction. */
async function passthrough(file: string): Promise<{ mbps: number; bytes: number }> {
  const out = sink();
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn("cat", [file], { stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.pipe(out);
    child.on("error", reject);
    child.on("close", () => resolve());
  });
  return { mbps: mbPerSecond(out.bytes, performance.now() - started), bytes: out.bytes };
}

/** `cat file` through runRedacted, as `secrets-action run -- cat file` would, its patterns compiled beforehand. */
async function redactedPipe(file: string, compiled: CompiledPatterns): Promise<{ mbps: number; redactions: number; bytes: number }> {
  const out = sink();
  const started = performance.now();
  const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin" };
  const result = await runRedacted({ command: "cat", args: [file], env, secrets: [], compiled, stdout: out, stderr: sink(), stdin: "ignore" });
  if (result.exitCode !== 0) throw new Error(`cat exited with ${result.exitCode}`);
  return { mbps: mbPerSecond(out.bytes, performance.now() - started), redactions: result.redactions, bytes: out.bytes };
}

/** The Redactor alone, over 64 KiB chunks in memory. */
function inMemory(data: Buffer, compiled: CompiledPatterns): number {
  const redactor = createPatternRedactor(compiled);
  const started = performance.now();
  for (let offset = 0; offset < data.length; offset += 65536) redactor.transform(data.subarray(offset, offset + 65536));
  redactor.flush();
  return mbPerSecond(data.length, performance.now() - started);
}

/** One replaceAll per pattern per 64 KiB chunk (and wrong at chunk boundaries); stops after ~3 s. */
function naive(data: Buffer, patterns: readonly string[]): number {
  const started = performance.now();
  let done = 0;
  for (let offset = 0; offset < data.length && performance.now() - started < 3000; offset += 65536) {
    let text = data.subarray(offset, offset + 65536).toString("latin1");
    for (const pattern of patterns) text = text.replaceAll(pattern, "[MASKED]");
    done += Math.min(65536, data.length - offset);
  }
  return mbPerSecond(done, performance.now() - started);
}

const dir = mkdtempSync(join(tmpdir(), "bench-redactor-"));
const rows: Record<string, number | string>[] = [];
try {
  for (const count of counts) {
    const next = random(20250601 + count);
    const secrets = makeSecrets(count, next);
    const data = makeLog(megabytes * 1048576, secrets, next);
    const file = join(dir, `log-${count}.txt`);
    writeFileSync(file, data);
    // What run does once, before the command starts: expand the secrets into patterns and build the automaton.
    const setupStarted = performance.now();
    const patterns = redactionPatterns(secrets);
    const compiled = compilePatterns(patterns);
    const setupMs = performance.now() - setupStarted;
    // Warm up both paths once on the same file, then measure them in turns, three times each: the medians.
    await passthrough(file);
    await redactedPipe(file, compiled);
    const cats: number[] = [];
    const pipes: number[] = [];
    let redactions = 0;
    for (let turn = 0; turn < 3; turn++) {
      const cat = await passthrough(file);
      if (cat.bytes !== data.length) throw new Error("cat passed a different number of bytes");
      cats.push(cat.mbps);
      const piped = await redactedPipe(file, compiled);
      pipes.push(piped.mbps);
      redactions = piped.redactions;
    }
    const middle = (values: number[]): number => [...values].sort((a, b) => a - b)[1] ?? 0;
    const cat = { mbps: middle(cats) };
    const piped = { mbps: middle(pipes), redactions };
    rows.push({
      secrets: count,
      patterns: patterns.length,
      setupMs,
      megabytes: data.length / 1048576,
      catMbps: cat.mbps,
      redactedMbps: piped.mbps,
      ratio: piped.mbps / cat.mbps,
      redactions: piped.redactions,
      inMemoryMbps: inMemory(data, compiled),
      naiveMbps: naive(data, patterns),
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify({ rows })}\n`);
