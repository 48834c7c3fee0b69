/**
 * Runs a command with its stdout and stderr each through core's streaming Redactor. The bytes are redacted as they
 * come: nothing waits for a newline, so a progress bar shows as it draws; only a possible start of a secret is held
 * until the next bytes decide it. Binary output passes unchanged. Signals the CLI receives are passed on, and the
 * command's exit code comes back (128 + N when signal N killed it, as shells report it).
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import type { Readable, Writable } from "node:stream";
import { type CompiledPatterns, type Redactor, compilePatterns, createPatternRedactor, redactionPatterns } from "@secrets-action/core";
import type { SignalSource } from "./command.js";
import { EXIT } from "./exit-codes.js";

/** The signals passed on to the command by default: the ones a CI sends to stop or cancel a job. */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Options of {@link runRedacted}. */
export interface RunRedactedOptions {
  /** The program (looked up on the child's PATH) and its arguments. */
  readonly command: string;
  readonly args?: readonly string[];
  /** The child's whole environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Texts to redact, expanded as core's redactionPatterns does (lines, JSON leaves, base64, URL and JSON forms). */
  readonly secrets: readonly string[];
  /**
   * The patterns already compiled (core's compilePatterns over redactionPatterns): then `secrets` and `minLength`
   * are not used. For callers that run several commands with the same secrets, and for benchmarks.
   */
  readonly compiled?: CompiledPatterns;
  /** Shorter texts are not redacted (default core's DEFAULT_MASK_MIN_LENGTH). */
  readonly minLength?: number;
  /** What a secret becomes (default `[MASKED]`). */
  readonly replacement?: string;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** The child's stdin (default inherit: a command that reads input still can). */
  readonly stdin?: "inherit" | "ignore";
  /** Where signals come from (default `process`). */
  readonly signals?: SignalSource;
  /** Which signals are passed on (default FORWARDED_SIGNALS). */
  readonly forwardSignals?: readonly NodeJS.Signals[];
  /**
   * After the command exits, how long to wait for processes it started in the background that still hold its
   * stdout or stderr open, in ms (default 5000). Their later output is not shown: redaction cannot follow it.
   */
  readonly exitGraceMs?: number;
}

/** How the command ended. */
export interface RunRedactedResult {
  /** The code to exit with: the command's, 128 + N for signal N, 126 or 127 when it could not start. */
  readonly exitCode: number;
  /** The signal that killed the command, if one did. */
  readonly signal: NodeJS.Signals | null;
  /** Set when the command could not be started (ENOENT: not found, EACCES: not executable…). */
  readonly startError: { readonly code: string; readonly message: string } | undefined;
  /** Secrets replaced in its output. */
  readonly redactions: number;
  /** True when output was cut off because a background process held it open after the command exited. */
  readonly abandonedOutput: boolean;
  /** The signals passed on, in order. */
  readonly forwarded: readonly NodeJS.Signals[];
}

/** The exit code a shell reports for a command killed by `signal`. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return EXIT.SIGNAL_BASE + (constants.signals[signal] ?? 0);
}

/** Copies `source` to `destination` through `redactor`, honouring back-pressure; resolves when the source ends. */
function pump(source: Readable, redactor: Redactor, destination: Writable): { done: Promise<void>; stop: () => void } {
  let broken = false;
  let finished = false;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const write = (bytes: Buffer): void => {
    if (bytes.length === 0 || broken) return;
    if (destination.destroyed || destination.writableEnded) {
      broken = true;
      return;
    }
    if (!destination.write(bytes) && !destination.destroyed) {
      source.pause();
      destination.once("drain", () => source.resume());
    }
  };
  const onDestinationGone = (): void => {
    // The reader went away (EPIPE, or closed): keep draining the command so it is not blocked, and drop its output.
    broken = true;
    source.resume();
  };
  destination.on("error", onDestinationGone);
  destination.on("close", onDestinationGone);
  const finish = (): void => {
    if (finished) return;
    finished = true;
    write(redactor.flush());
    destination.off("error", onDestinationGone);
    destination.off("close", onDestinationGone);
    resolveDone();
  };
  source.on("data", (chunk: Buffer) => write(redactor.transform(chunk)));
  source.on("end", finish);
  source.on("close", finish);
  source.on("error", finish);
  return {
    done,
    stop: () => {
      source.destroy();
      finish();
    },
  };
}

/** Runs the command; never rejects (a start failure is a result with 126 or 127). */
export function runRedacted(options: RunRedactedOptions): Promise<RunRedactedResult> {
  const compiled =
    options.compiled ??
    compilePatterns(
      redactionPatterns(options.secrets, { ...(options.minLength === undefined ? {} : { minLength: options.minLength }), includeEncodedForms: true }),
    );
  const replacement = options.replacement === undefined ? {} : { replacement: options.replacement };
  // One redactor per stream, each with its own held bytes so interleaved writes cannot mix, on one automaton.
  const outRedactor = createPatternRedactor(compiled, replacement);
  const errRedactor = createPatternRedactor(compiled, replacement);
  const signals = options.signals ?? process;
  const forwardSignals = options.forwardSignals ?? FORWARDED_SIGNALS;
  const forwarded: NodeJS.Signals[] = [];

  return new Promise<RunRedactedResult>((resolve) => {
    const child = spawn(options.command, [...(options.args ?? [])], {
      env: { ...options.env },
      stdio: [options.stdin ?? "inherit", "pipe", "pipe"],
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    const out = pump(child.stdout, outRedactor, options.stdout);
    const err = pump(child.stderr, errRedactor, options.stderr);
    const forward = (signal: NodeJS.Signals): void => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      forwarded.push(signal);
      child.kill(signal);
    };
    for (const signal of forwardSignals) signals.on(signal, forward);

    let settled = false;
    let abandonedOutput = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const settle = (exitCode: number, signal: NodeJS.Signals | null, startError: RunRedactedResult["startError"]): void => {
      if (settled) return;
      settled = true;
      if (graceTimer !== undefined) clearTimeout(graceTimer);
      for (const each of forwardSignals) signals.off(each, forward);
      resolve({ exitCode, signal, startError, redactions: outRedactor.redactions + errRedactor.redactions, abandonedOutput, forwarded });
    };

    child.on("error", (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // an error after start (e.g. a failed kill) changes nothing
      const code = error.code ?? "ERROR";
      out.stop();
      err.stop();
      settle(code === "ENOENT" ? EXIT.NOT_FOUND : EXIT.CANNOT_EXECUTE, null, { code, message: error.message });
    });
    child.on("exit", (code, signal) => {
      const exitCode = code ?? (signal ? signalExitCode(signal) : EXIT.FAILURE);
      const finish = (): void => settle(exitCode, signal, undefined);
      // Wait for the rest of its output; a background process may hold the pipes open, so not for ever.
      graceTimer = setTimeout(() => {
        abandonedOutput = true;
        out.stop();
        err.stop();
      }, options.exitGraceMs ?? 5000);
      void Promise.all([out.done, err.done]).then(finish);
    });
  });
}
