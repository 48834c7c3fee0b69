/**
 * How long the server asked us to wait: the `Retry-After` header (delay-seconds or an HTTP date, RFC 9110 §10.2.3),
 * or Infisical's 429 message "Rate limit exceeded. Please try again in N seconds".
 */

/** Milliseconds from `nowMs` until the `Retry-After` header says to retry; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (value === undefined || value === "") return undefined;
  if (/^\d+(?:\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // An HTTP date always names a weekday and GMT; Date.parse also accepts things like "5", so check the shape first.
  if (!/[a-z]{3},?\s/i.test(value) && !/GMT$/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Milliseconds from a "…try again in N seconds" message (Infisical's 429 body); undefined when it has none. */
export function parseRetryAfterText(message: string | undefined): number | undefined {
  if (message === undefined) return undefined;
  const match = /try again in (\d+(?:\.\d+)?)\s*(milliseconds?|ms|seconds?|secs?|s|minutes?|mins?)\b/i.exec(message);
  if (!match?.[1] || !match[2]) return undefined;
  const amount = Number(match[1]);
  const unit = match[2].toLowerCase();
  if (unit === "ms" || unit.startsWith("milli")) return Math.round(amount);
  if (unit.startsWith("min")) return Math.round(amount * 60_000);
  return Math.round(amount * 1000);
}
