import { HttpError } from "./errors.js";
import type { Bucket } from "./router.js";

/**
 * Per-IP rate limits in fixed windows, per bucket, like Infisical Cloud's per-route limits (`rateLimiter.ts`).
 * Off by default, as on self-hosted servers. Two answers: `429` (RateLimitExceeded, current servers) or `500`
 * (the late-2024 "Something went wrong" with Retry-After, §9).
 */

export interface RateLimitOptions {
  /** "429" (default) or "500" (late-2024 servers). */
  style?: "429" | "500";
  /** Window length in ms; default 60000. */
  windowMs?: number;
  /** Requests per window per IP on read routes; default 200 (Cloud free). */
  read?: number;
  /** On write routes, logins included; default 90. */
  write?: number;
  /** On secrets routes; default 120. */
  secrets?: number;
  /** On auth routes; default 60. */
  auth?: number;
  /** Every limited route together; default 600. */
  global?: number;
  /** Send `Retry-After: N`; default true. With false only the message carries the wait. */
  retryAfterHeader?: boolean;
}

export type ResolvedRateLimit = Required<RateLimitOptions>;

const DEFAULTS: ResolvedRateLimit = {
  style: "429",
  windowMs: 60_000,
  read: 200,
  write: 90,
  secrets: 120,
  auth: 60,
  global: 600,
  retryAfterHeader: true,
};

interface Window {
  start: number;
  count: number;
}

/** The run-time controller: `server.rateLimit`. */
export class RateLimiter {
  private options: ResolvedRateLimit = { ...DEFAULTS };
  private active = false;
  private readonly windows = new Map<string, Window>();

  constructor(initial: RateLimitOptions | false | undefined) {
    if (initial) this.enable(initial);
  }

  /** Turns limiting on, with these options over the defaults (counters start afresh). */
  enable(options: RateLimitOptions = {}): void {
    this.options = { ...DEFAULTS, ...definedOnly(options) };
    this.active = true;
    this.windows.clear();
  }

  /** Turns limiting off. */
  disable(): void {
    this.active = false;
    this.windows.clear();
  }

  /** Changes some options, keeping the others and the current counters. */
  set(options: RateLimitOptions): void {
    this.options = { ...this.options, ...definedOnly(options) };
  }

  /** Forgets every counter. */
  reset(): void {
    this.windows.clear();
  }

  get enabled(): boolean {
    return this.active;
  }

  /** The options in force. */
  get current(): ResolvedRateLimit {
    return { ...this.options };
  }

  private take(key: string, limit: number, now: number): number | undefined {
    let window = this.windows.get(key);
    if (!window || now >= window.start + this.options.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= limit) return Math.max(1, Math.ceil((window.start + this.options.windowMs - now) / 1000));
    window.count += 1;
    return undefined;
  }

  /** Counts a request; throws the configured answer when the global or the bucket limit is spent. */
  check(ip: string, bucket: Bucket, now: number): void {
    if (!this.active) return;
    const wait = this.take(`global:${ip}`, this.options.global, now) ?? this.take(`${bucket}:${ip}`, this.options[bucket], now);
    if (wait === undefined) return;
    const headers: Record<string, string> = this.options.retryAfterHeader ? { "retry-after": String(wait) } : {};
    if (this.options.style === "500") {
      throw new HttpError(500, "InternalServerError", "Something went wrong", { shape: "bare", headers });
    }
    throw new HttpError(429, "RateLimitExceeded", `Rate limit exceeded. Please try again in ${wait} seconds`, { headers });
  }
}

const definedOnly = (options: RateLimitOptions): RateLimitOptions =>
  Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as RateLimitOptions;
