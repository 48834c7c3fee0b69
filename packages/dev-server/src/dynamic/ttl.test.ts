import { describe, expect, it } from "vitest";

import { HttpError } from "../errors.js";
import { msOf, parseTtl, ttlMs, ttlRangeIssues } from "./ttl.js";

const thrown = (fn: () => unknown): HttpError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error("did not throw");
};

describe("TTL strings", () => {
  it("parses ms syntax; garbage is undefined, not an error", () => {
    expect(msOf("1h")).toBe(3_600_000);
    expect(msOf("90s")).toBe(90_000);
    expect(msOf("garbage")).toBeUndefined();
    expect(parseTtl("2d")).toBe(172_800_000);
  });

  it("a non-string is lib/ms's 400 'Date must be string'", () => {
    const error = thrown(() => parseTtl(3600));
    expect([error.statusCode, error.body]).toEqual([400, "Date must be string"]);
  });

  it("the routers' range: at least a minute, at most ten years", () => {
    expect(ttlRangeIssues("59s")).toEqual(["TTL must be a greater than 1min"]);
    expect(ttlRangeIssues("1m")).toEqual([]);
    expect(ttlRangeIssues("10y")).toEqual([]);
    expect(ttlRangeIssues("11y")).toEqual(["TTL must be less than 10 years"]);
    expect(ttlRangeIssues("garbage")).toEqual([]);
    // An empty TTL is skipped by the refinement and means the default.
    expect(ttlRangeIssues("")).toEqual([]);
  });

  it("an unparseable TTL that reaches a lease is a 400 naming it", () => {
    const error = thrown(() => ttlMs("soon"));
    expect(error.statusCode).toBe(400);
    expect(error.body).toBe("ttl: 'soon' is not a duration. Use ms syntax such as 90s, 30m, 1h or 7d.");
  });
});
