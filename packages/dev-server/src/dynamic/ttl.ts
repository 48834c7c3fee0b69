import ms from "ms";

import { badRequest } from "../errors.js";

/**
 * TTL strings as the real server reads them: npm `ms` (`"1h"`, `"30m"`, `"7d"`, `"90s"`), wrapped by `lib/ms` which
 * refuses a non-string with 400 "Date must be string". `ms("garbage")` is undefined, not an error.
 */

const parse = ms as unknown as (value: string) => number | undefined;

/** npm `ms` on a string: ms, or undefined when it is not a duration. */
export const msOf = (value: string): number | undefined => (value === "" ? undefined : parse(value));

export const MIN_TTL_MS = 60_000;
export const MAX_TTL_MS = parse("10y") ?? 0;

/** `lib/ms`: a non-string → 400 "Date must be string"; an unparseable string → undefined. */
export const parseTtl = (value: unknown): number | undefined => {
  if (typeof value !== "string") throw badRequest("Date must be string");
  return value === "" ? undefined : parse(value);
};

/** The routers' TTL refinement: the messages of the 422 for a TTL out of range (none when it is fine). */
export const ttlRangeIssues = (value: string): string[] => {
  const valueMs = msOf(value);
  if (valueMs === undefined) return [];
  const issues: string[] = [];
  if (valueMs < MIN_TTL_MS) issues.push("TTL must be a greater than 1min");
  if (valueMs > MAX_TTL_MS) issues.push("TTL must be less than 10 years");
  return issues;
};

/** The ms of a TTL that passed the routers' checks; an unparseable one is a 400 here (the real server fails later, with a 500). */
export const ttlMs = (value: string, field = "ttl"): number => {
  const valueMs = parseTtl(value);
  if (valueMs === undefined || !Number.isFinite(valueMs)) {
    throw badRequest(`${field}: '${value}' is not a duration. Use ms syntax such as 90s, 30m, 1h or 7d.`);
  }
  return valueMs;
};
