import ms from "ms";

/** The server refuses lease TTLs below one minute (`TTL must be a greater than 1min`). */
export const MIN_LEASE_TTL_MS = 60_000;
/** …and above ten years (`TTL must be less than 10 years`); `ms` counts a year as 365.25 days. */
export const MAX_LEASE_TTL_MS = 315_576_000_000;

/**
 * Why a lease TTL would be refused, or undefined when the server will take it. Checked with `ms`, as the server does,
 * so a bad TTL fails before any request: `30m`, `1h`, `2 days` and `90000` (milliseconds) are fine.
 */
export function leaseTtlProblem(ttl: string): string | undefined {
  let millis: number | undefined;
  try {
    millis = ms(ttl as ms.StringValue);
  } catch {
    millis = undefined;
  }
  if (millis === undefined || !Number.isFinite(millis)) {
    return `"${ttl}" is not a duration: write it like 30m, 1h, 12h or 7d`;
  }
  if (millis < MIN_LEASE_TTL_MS) return `"${ttl}" is shorter than 1 minute, the shortest lease the server grants`;
  if (millis > MAX_LEASE_TTL_MS) return `"${ttl}" is longer than 10 years, the longest lease the server grants`;
  return undefined;
}

/** The TTL in milliseconds; call only after {@link leaseTtlProblem} found nothing. */
export function leaseTtlMs(ttl: string): number {
  return ms(ttl as ms.StringValue);
}
