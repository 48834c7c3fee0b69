import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.js";
import { parseRetryAfter, parseRetryAfterText } from "./retry-after.js";

describe("parseRetryAfter", () => {
  const now = Date.UTC(2024, 9, 1, 12, 0, 0);
  it("reads delay-seconds and HTTP dates", () => {
    expect(parseRetryAfter("30", now)).toBe(30_000);
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("1.5", now)).toBe(1500);
    expect(parseRetryAfter("Tue, 01 Oct 2024 12:00:45 GMT", now)).toBe(45_000);
    expect(parseRetryAfter("Tue, 01 Oct 2024 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(["5", "9"], now)).toBe(5000);
  });
  it("ignores what it cannot read", () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
  });
});

describe("parseRetryAfterText", () => {
  it("reads Infisical's 429 message", () => {
    expect(parseRetryAfterText("Rate limit exceeded. Please try again in 17 seconds")).toBe(17_000);
    expect(parseRetryAfterText("Please try again in 1 second")).toBe(1000);
    expect(parseRetryAfterText("try again in 250 ms")).toBe(250);
    expect(parseRetryAfterText("Try again in 2 minutes")).toBe(120_000);
    expect(parseRetryAfterText("Rate limit exceeded")).toBeUndefined();
    expect(parseRetryAfterText(undefined)).toBeUndefined();
  });
});

describe("backoffDelay", () => {
  it("is random() times the capped exponential ceiling", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, { random: () => 1 }))).toEqual([1000, 2000, 4000, 8000, 16000, 20000, 20000]);
    expect(backoffDelay(3, { random: () => 0.5 })).toBe(4000);
    expect(backoffDelay(3, { random: () => 0 })).toBe(0);
    expect(backoffDelay(2, { random: () => 0.5, baseMs: 100, maxMs: 300 })).toBe(150);
  });
});
