import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildByteAutomaton, nextState } from "./byte-automaton.js";

/** Length of the longest suffix of `input` that is a prefix of some pattern: what the state's depth must be. */
function longestLiveSuffix(input: Buffer, patterns: readonly Buffer[]): number {
  for (let length = Math.min(input.length, Math.max(0, ...patterns.map((p) => p.length))); length > 0; length--) {
    const suffix = input.subarray(input.length - length);
    if (patterns.some((p) => p.length >= length && p.subarray(0, length).equals(suffix))) return length;
  }
  return 0;
}

describe("buildByteAutomaton", () => {
  it("tracks the longest suffix of the input that begins a pattern, after every byte", () => {
    // Many patterns over few bytes: nodes with full rows, nodes with lists, and deep failure chains.
    const pattern = fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bytes) => Buffer.from(bytes.map((b) => b % 4)));
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 40 }), fc.uint8Array({ maxLength: 60 }), fc.constantFrom(undefined, 0, 12, 60), (patterns, bytes, budget) => {
        // The default budget gives these small tries full rows everywhere; 0 gives the root only; the others, some.
        const automaton = buildByteAutomaton(patterns, budget === undefined ? {} : { maxFullRowEntries: budget });
        let state = 0;
        const input = Buffer.from(bytes.map((b) => b % 5));
        for (let i = 0; i < input.length; i++) {
          state = nextState(automaton, state, input[i] ?? 0);
          const seen = input.subarray(0, i + 1);
          expect(automaton.depth[state]).toBe(longestLiveSuffix(seen, patterns));
          const endsHere = patterns.some((p) => p.length <= seen.length && seen.subarray(seen.length - p.length).equals(p));
          expect(automaton.hasOutput[state] === 1).toBe(endsHere);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("gives the root a full row, and knows which bytes start a pattern", () => {
    const automaton = buildByteAutomaton([Buffer.from("ab"), Buffer.from("b"), Buffer.alloc(0)]);
    expect(automaton.fullRow[0]).toBe(0);
    // Two bytes occur in the patterns: classes 1 and 2, and class 0 for every other byte.
    expect(automaton.classCount).toBe(3);
    expect([automaton.byteClass[0x61], automaton.byteClass[0x62], automaton.byteClass[0x63]]).toEqual([1, 2, 0]);
    expect([...automaton.startsPattern.keys()].filter((b) => automaton.startsPattern[b] === 1)).toEqual([0x61, 0x62]);
    expect(automaton.maxLength).toBe(2);
  });

  it("numbers the nodes with full rows first, breadth first, within the budget", () => {
    const patterns = ["abcdef", "abxyz", "bcd"].map((text) => Buffer.from(text));
    // Nine bytes in the patterns, so rows of ten entries: a budget of 30 entries is three rows.
    const small = buildByteAutomaton(patterns, { maxFullRowEntries: 30 });
    expect(small.classCount).toBe(10);
    expect(small.rows).toBe(3);
    for (let node = 0; node < small.size; node++) expect(small.fullRow[node]).toBe(node < small.rows ? node : -1);
    // The rows go to the shallowest nodes with children: the root, then "a" and "b".
    expect([...small.depth.subarray(0, 3)]).toEqual([0, 1, 1]);
    const all = buildByteAutomaton(patterns);
    expect(all.rows).toBe(all.size - 3); // every node but the three leaves
  });
});
