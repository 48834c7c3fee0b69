import { describe, expect, it } from "vitest";
import { leaseTtlMs, leaseTtlProblem } from "./ttl.js";

describe("leaseTtlProblem", () => {
  it.each(["1m", "30m", "1h", "12 hours", "7d", "10y", "60000", "1.5h"])("accepts %s", (ttl) => {
    expect(leaseTtlProblem(ttl)).toBeUndefined();
  });

  it("measures as the server's ms does", () => {
    expect(leaseTtlMs("30m")).toBe(1_800_000);
    expect(leaseTtlMs("1d")).toBe(86_400_000);
  });

  it.each([
    ["soon", "is not a duration"],
    ["", "is not a duration"],
    ["1 fortnight", "is not a duration"],
    ["59s", "shorter than 1 minute"],
    ["-1h", "shorter than 1 minute"],
    ["11y", "longer than 10 years"],
  ])("refuses %j: %s", (ttl, reason) => {
    expect(leaseTtlProblem(ttl)).toContain(reason);
  });
});
