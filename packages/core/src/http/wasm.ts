import { setFlagsFromString } from "node:v8";

/**
 * undici parses HTTP with llhttp compiled to WebAssembly. V8 first compiles it with its baseline compiler (Liftoff),
 * then again in the background with TurboFan once the parser is hot, and the process waits for that at exit: on
 * Node 20, ~55 ms and ~35 MB for a parser that reads a handful of responses. A short-lived CLI or CI step calls this
 * before its first request to keep the baseline code only. `--liftoff-only` does that on Node 20, but set at run time
 * it no longer has any effect on Node 24 (the GitHub runtime): there an unreachable tier-up budget does, measured at
 * 5 000 secrets as 89 -> 73 MB peak RSS and ~15 ms less. Both are set; each is known to both versions. It changes
 * process-wide V8 flags, so only front doors call it, never core itself.
 */
export function useBaselineWasmCompiler(): void {
  setFlagsFromString("--liftoff-only --wasm-tiering-budget=2147483647");
}
