import { setFlagsFromString } from "node:v8";

/**
 * undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles that module a second time in the background
 * (TurboFan) and the process waits for it at exit — measured ~55 ms and ~35 MB on Node 20 for a parser that reads a
 * handful of responses. A short-lived CLI or CI step calls this before its first request to keep V8's baseline
 * (Liftoff) code only. It changes a process-wide V8 flag, so only front doors call it, never core itself.
 */
export function useBaselineWasmCompiler(): void {
  setFlagsFromString("--liftoff-only");
}
