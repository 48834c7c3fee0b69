import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildGramFilter, nextFlagged } from "./gram-filter.js";

describe("buildGramFilter", () => {
  it("needs every pattern to be 4 bytes or longer, and strides by the shortest less 3, at most 8", () => {
    expect(buildGramFilter([Buffer.from("abcdef"), Buffer.from("abc")])).toBeUndefined();
    expect(buildGramFilter([])).toBeUndefined();
    expect(buildGramFilter([Buffer.from("abcd")])?.stride).toBe(1);
    expect(buildGramFilter([Buffer.from("abcdefgh"), Buffer.from("0123456789")])?.stride).toBe(5);
    expect(buildGramFilter([Buffer.from("a".repeat(40))])?.stride).toBe(8);
  });

  it("never skips a position where a pattern starts", () => {
    const pattern = fc.uint8Array({ minLength: 4, maxLength: 16 }).map((bytes) => Buffer.from(bytes.map((b) => 97 + (b % 3))));
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 20 }), fc.uint8Array({ maxLength: 200 }), fc.nat(20), (patterns, noise, from) => {
        const filter = buildGramFilter(patterns);
        expect(filter).toBeDefined();
        if (filter === undefined) return;
        const input = Buffer.from(noise.map((b) => 97 + (b % 4)));
        // Walk the input as the Redactor does: after a flagged position, go on from just past it.
        const starts = new Set<number>();
        for (let p = from; p < input.length; p++) if (patterns.some((pat) => input.subarray(p, p + pat.length).equals(pat))) starts.add(p);
        let at = from;
        const cleared = new Set<number>();
        while (at < input.length) {
          const flagged = nextFlagged(filter, input, at, input.length);
          for (let p = at; p <= flagged - filter.stride; p++) cleared.add(p);
          at = flagged + 1;
        }
        for (const start of starts) expect(cleared.has(start), `a match at ${start} was cleared`).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
