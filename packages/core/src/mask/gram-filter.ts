/**
 * A skipping pre-filter for the Redactor: most output holds no secret, and the filter proves it while reading only
 * every `stride`-th position, so the automaton runs only near a possible match.
 *
 * It works when every pattern is at least 4 bytes long. Let m be the shortest pattern's length and the stride
 * S = min(m - 3, MAX_STRIDE). Each pattern's 4-byte grams at offsets 0 … S-1 are put in a bitset (hashed). A match
 * starting at position p covers p … p+m-1, so among the S positions p … p+S-1 one is a checked position j, and the 4
 * bytes at j are the pattern's gram at offset j - p < S: j is flagged. Contrapositively, when the checked positions
 * from f up to j are all clear, no match starts in f … j - S; a possible match starting in j-S+1 … j is left to the
 * automaton. Hash collisions only flag more positions, never fewer.
 */

/** A compiled filter. */
export interface GramFilter {
  /** Distance between checked positions. */
  readonly stride: number;
  /** The bitset of gram hashes. */
  readonly bits: Uint8Array;
  /** `32 - log2(bits in the set)`: a hash's top bits index the set. */
  readonly shift: number;
}

/** The most positions one check can stand for. */
const MAX_STRIDE = 8;
/** Bits per gram in the set: a position no pattern starts at is flagged with probability ~1.5 %. */
const BITS_PER_GRAM = 64;
const MIN_BITS_LOG2 = 16;
const MAX_BITS_LOG2 = 23;
/** Knuth's multiplicative hash constant (2^32 / golden ratio). */
const HASH = 0x9e3779b1;

/** The 4 bytes at `at`, big-endian, as the filter hashes them. */
export function gramAt(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
}

/** The filter for `patterns`, or undefined when one is shorter than 4 bytes (then every position must be read). */
export function buildGramFilter(patterns: readonly Uint8Array[]): GramFilter | undefined {
  const present = patterns.filter((pattern) => pattern.length > 0);
  if (present.length === 0) return undefined;
  const shortest = Math.min(...present.map((pattern) => pattern.length));
  if (shortest < 4) return undefined;
  const stride = Math.min(shortest - 3, MAX_STRIDE);
  const grams = present.length * stride;
  let log2 = MIN_BITS_LOG2;
  while (log2 < MAX_BITS_LOG2 && 2 ** log2 < grams * BITS_PER_GRAM) log2++;
  const bits = new Uint8Array(2 ** (log2 - 3));
  const shift = 32 - log2;
  for (const pattern of present) {
    for (let offset = 0; offset < stride; offset++) {
      const hash = Math.imul(gramAt(pattern, offset), HASH) >>> shift;
      bits[hash >>> 3]! |= 1 << (hash & 7);
    }
  }
  return { stride, bits, shift };
}

/**
 * The first checked position from `from` (every `stride` bytes, while 4 bytes are there to read) whose gram is in
 * the set, or the first position past the last checkable one: no match starts before `result - stride + 1`.
 */
export function nextFlagged(filter: GramFilter, bytes: Uint8Array, from: number, end: number): number {
  const { stride, bits, shift } = filter;
  let at = from;
  for (; at + 3 < end; at += stride) {
    const hash = Math.imul((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!, HASH) >>> shift;
    if ((bits[hash >>> 3]! & (1 << (hash & 7))) !== 0) return at;
  }
  return at;
}
