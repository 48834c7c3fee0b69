/** Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"). */
export interface BackoffOptions {
  /** First ceiling in ms (default 1 000). */
  baseMs?: number;
  /** Largest ceiling in ms (default 20 000). */
  maxMs?: number;
  /** Uniform in [0, 1) (default Math.random). */
  random?: () => number;
}

/**
 * Delay before retry number `retry` (0 for the first retry): `random() * min(max, base * 2^retry)`.
 * Full jitter spreads a pool of runners behind one NAT so they do not all come back at the same instant.
 */
export function backoffDelay(retry: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 1_000;
  const max = options.maxMs ?? 20_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, retry));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}
