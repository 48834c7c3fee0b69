/**
 * The redacted child under real output: real processes, real pipes, and output shaped the way programs write it —
 * a byte at a time, megabyte lines, binary, two streams at once, progress bars without newlines, signals.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runRedacted } from "./redacted-child.js";
import { Capture, FakeSignals } from "./test-helpers.js";

const SECRET = "s3cr3t-db-pass-Zq81";
const OTHER = "tok_live_4f9a2b7c1d";
const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", SECRET, OTHER };

/** Runs `node -e script` with the secrets redacted. */
async function node(script: string, options: { secrets?: string[]; signals?: FakeSignals; stdout?: Writable; stderr?: Writable; exitGraceMs?: number } = {}) {
  const stdout = options.stdout ?? new Capture();
  const stderr = options.stderr ?? new Capture();
  const resultPromise = runRedacted({
    command: process.execPath,
    args: ["-e", script],
    env,
    secrets: options.secrets ?? [SECRET, OTHER],
    stdout,
    stderr,
    stdin: "ignore",
    signals: options.signals ?? new FakeSignals(),
    ...(options.exitGraceMs === undefined ? {} : { exitGraceMs: options.exitGraceMs }),
  });
  return { resultPromise, stdout, stderr };
}

/** A tiny seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const naive = (text: string): string => text.replaceAll(SECRET, "[MASKED]").replaceAll(OTHER, "[MASKED]");

describe("runRedacted", () => {
  it("redacts secrets split across writes at every byte boundary", async () => {
    // Each byte its own write(2), with a pause so the pipe delivers them as separate chunks.
    const text = `a ${SECRET} b ${OTHER}${SECRET} c\n`;
    const script = `const fs=require('fs');const t=${JSON.stringify(text)};for(const b of Buffer.from(t)){fs.writeSync(1,Buffer.from([b]));Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,1);}`;
    const { resultPromise, stdout } = await node(script);
    const result = await resultPromise;
    expect(result.exitCode).toBe(0);
    expect((stdout as Capture).text()).toBe(naive(text));
    expect(result.redactions).toBe(3);
  });

  it("gives the same output as a whole-text replace for random chunkings of random text", async () => {
    const next = random(20240605);
    const pieces: string[] = [];
    for (let i = 0; i < 400; i++) {
      const roll = next();
      if (roll < 0.1) pieces.push(SECRET);
      else if (roll < 0.15) pieces.push(OTHER);
      else if (roll < 0.2) pieces.push(SECRET.slice(0, 1 + Math.floor(next() * (SECRET.length - 1)))); // a prefix that is not the secret
      else pieces.push(String.fromCharCode(32 + Math.floor(next() * 90)).repeat(1 + Math.floor(next() * 8)));
    }
    const text = pieces.join("");
    const cuts: number[] = [];
    for (let at = 0; at < text.length; at += 1 + Math.floor(next() * 40)) cuts.push(at);
    cuts.push(text.length);
    const script = `const fs=require('fs');const t=Buffer.from(${JSON.stringify(text)});const c=${JSON.stringify(cuts)};for(let i=1;i<c.length;i++){fs.writeSync(1,t.subarray(c[i-1],c[i]));if(i%7===0)Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,1);}`;
    const { resultPromise, stdout } = await node(script);
    expect((await resultPromise).exitCode).toBe(0);
    expect((stdout as Capture).text()).toBe(naive(text));
  });

  it("handles a 4 MB line without newlines, secrets inside and at its end", async () => {
    const script = `const chunk='x'.repeat(65536);let out='';for(let i=0;i<64;i++){out+=chunk;if(i%9===0)out+=process.env.SECRET;}process.stdout.write(out+process.env.OTHER);`;
    const { resultPromise, stdout } = await node(script);
    const result = await resultPromise;
    expect(result.exitCode).toBe(0);
    const text = (stdout as Capture).text();
    expect(text.length).toBe(64 * 65536 + 9 * "[MASKED]".length);
    expect(text.endsWith("x[MASKED][MASKED]")).toBe(true);
    expect(text).not.toContain(SECRET.slice(0, 8));
    expect(result.redactions).toBe(9);
  });

  it("passes binary output through byte for byte, replacing only the secrets in it", async () => {
    const script = `const fs=require('fs');let s=7;const b=Buffer.alloc(1<<20);for(let i=0;i<b.length;i++){s=(Math.imul(s,1103515245)+12345)>>>0;b[i]=s>>>24;}
      fs.writeSync(1,b.subarray(0,300000));fs.writeSync(1,Buffer.from(process.env.SECRET));fs.writeSync(1,b.subarray(300000));`;
    const { resultPromise, stdout } = await node(script);
    expect((await resultPromise).exitCode).toBe(0);
    let state = 7;
    const expected = Buffer.alloc(1 << 20);
    for (let i = 0; i < expected.length; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      expected[i] = state >>> 24;
    }
    const bytes = (stdout as Capture).bytes();
    expect(bytes.length).toBe(expected.length + "[MASKED]".length);
    expect(bytes.subarray(0, 300000).equals(expected.subarray(0, 300000))).toBe(true);
    expect(bytes.subarray(300000, 300008).toString()).toBe("[MASKED]");
    expect(bytes.subarray(300008).equals(expected.subarray(300000))).toBe(true);
  });

  it("redacts stdout and stderr each on its own while the command interleaves them", async () => {
    const script = `const fs=require('fs');const s=process.env.SECRET;const h=s.length>>1;const p=()=>Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,2);
      for(let i=0;i<20;i++){fs.writeSync(1,'out'+i+' '+s.slice(0,h));p();fs.writeSync(2,'err'+i+' '+s.slice(0,h));p();fs.writeSync(1,s.slice(h)+'\\n');p();fs.writeSync(2,s.slice(h)+'\\n');p();}`;
    const { resultPromise, stdout, stderr } = await node(script);
    expect((await resultPromise).exitCode).toBe(0);
    const expectLines = (prefix: string) => Array.from({ length: 20 }, (_, i) => `${prefix}${i} [MASKED]\n`).join("");
    expect((stdout as Capture).text()).toBe(expectLines("out"));
    expect((stderr as Capture).text()).toBe(expectLines("err"));
  });

  it("shows a progress bar as it draws, holding back only what could start a secret", async () => {
    const dir = mkdtempSync(join(tmpdir(), "progress-"));
    const go = join(dir, "go");
    const wait = `const w=()=>{while(!require('fs').existsSync(${JSON.stringify(go)}))Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,5)};`;
    // The command draws, then blocks until the test has seen the drawing: only a prompt pass-through lets it finish.
    const script = `${wait}process.stdout.write('\\r[##        ] 20% ');process.stdout.write('s3c',()=>{w();process.stdout.write('r3t-db-pass-Zq81\\r[##########] 100%\\n');});`;
    const { resultPromise, stdout } = await node(script);
    await (stdout as Capture).waitFor("[##        ] 20% ");
    // The live prefix of the secret ("s3c") is held, nothing else.
    expect((stdout as Capture).text()).toBe("\r[##        ] 20% ");
    writeFileSync(go, "");
    expect((await resultPromise).exitCode).toBe(0);
    expect((stdout as Capture).text()).toBe("\r[##        ] 20% [MASKED]\r[##########] 100%\n");
  });

  it("prints a held prefix at the end when no secret followed it", async () => {
    const { resultPromise, stdout } = await node("process.stdout.write('value: s3cr3t')");
    expect((await resultPromise).exitCode).toBe(0);
    expect((stdout as Capture).text()).toBe("value: s3cr3t");
  });

  it("passes signals on and reports the command's own exit when it handles them", async () => {
    const signals = new FakeSignals();
    const script = "process.on('SIGTERM',()=>{console.log('cleaning up');process.exit(0)});console.log('ready');setInterval(()=>{},1000);";
    const { resultPromise, stdout } = await node(script, { signals });
    await (stdout as Capture).waitFor("ready");
    signals.send("SIGTERM");
    const result = await resultPromise;
    expect(result).toMatchObject({ exitCode: 0, signal: null, forwarded: ["SIGTERM"] });
    expect((stdout as Capture).text()).toBe("ready\ncleaning up\n");
    expect(signals.listenerCount("SIGTERM")).toBe(0);
  });

  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
    ["SIGHUP", 129],
  ] as const)("exits 128 + N when %s kills the command", async (signal, code) => {
    const signals = new FakeSignals();
    const { resultPromise, stdout } = await node("console.log('ready');setInterval(()=>{},1000);", { signals });
    await (stdout as Capture).waitFor("ready");
    signals.send(signal);
    expect(await resultPromise).toMatchObject({ exitCode: code, signal, forwarded: [signal] });
  });

  it("returns the command's exit code", async () => {
    for (const code of [0, 3, 255]) {
      const { resultPromise } = await node(`process.exitCode=${code}`);
      expect((await resultPromise).exitCode).toBe(code);
    }
  });

  it("returns 127 for a command that is not found and 126 for one that cannot be executed", async () => {
    const missing = await runRedacted({ command: "no-such-program-7731", env, secrets: [], stdout: new Capture(), stderr: new Capture(), stdin: "ignore" });
    expect(missing).toMatchObject({ exitCode: 127, startError: { code: "ENOENT" } });
    const dir = mkdtempSync(join(tmpdir(), "noexec-"));
    const file = join(dir, "script.sh");
    writeFileSync(file, "#!/bin/sh\necho hi\n", { mode: 0o644 });
    const denied = await runRedacted({ command: file, env, secrets: [], stdout: new Capture(), stderr: new Capture(), stdin: "ignore" });
    expect(denied).toMatchObject({ exitCode: 126, startError: { code: "EACCES" } });
  });

  it("stops waiting for a background process that holds the output open after the command exits", async () => {
    const stdout = new Capture();
    const started = Date.now();
    const result = await runRedacted({
      command: "/bin/sh",
      args: ["-c", "sleep 30 & echo $!; echo \"$SECRET\""],
      env,
      secrets: [SECRET],
      stdout,
      stderr: new Capture(),
      stdin: "ignore",
      exitGraceMs: 300,
    });
    const pid = Number(stdout.text().split("\n")[0]);
    process.kill(pid, "SIGKILL");
    expect(result).toMatchObject({ exitCode: 0, abandonedOutput: true });
    expect(stdout.text()).toBe(`${pid}\n[MASKED]\n`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("keeps draining the command when the reader goes away", async () => {
    let seen = 0;
    const closing = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        seen += chunk.length;
        if (seen > 100_000) this.destroy();
        callback();
      },
    });
    const { resultPromise } = await node("const fs=require('fs');const b=Buffer.alloc(65536,97);for(let i=0;i<160;i++)fs.writeSync(1,b);", { stdout: closing });
    const result = await resultPromise;
    expect(result.exitCode).toBe(0);
    // The reader took part of it and went away; the command still ran to its end instead of blocking on a full pipe.
    expect(seen).toBeGreaterThan(100_000);
    expect(seen).toBeLessThan(160 * 65536);
  });
});
