/**
 * A streaming Redactor: bytes in, the same bytes out with every secret replaced — for front doors that run a user's
 * command and print its output (GitLab and CircleCI cannot mask values produced at run time).
 *
 * What it guarantees, for any split of the input into chunks:
 * - The output is exactly what a simple scan of the whole input gives: at each position, if one or more patterns
 *   start there, the longest is replaced and the scan continues after it; otherwise the byte is copied. So
 *   overlapping and nested secrets resolve leftmost first, longest first, and bytes outside secrets are copied
 *   unchanged — binary output included. Patterns are matched as UTF-8 bytes.
 * - Nothing is held back that is not a proper prefix of some pattern: a byte leaves as soon as no pattern starting
 *   at or before it could still match, so output without newlines (a progress bar) is not delayed. A replacement is
 *   printed as soon as a complete pattern starts at the first undecided byte, even if a longer one could still
 *   follow: either way one replacement stands for the secret, so the output is the same.
 * - No idle timer: the only bytes held are a live prefix of a secret, which must not be printed while the next
 *   chunk could complete it — a timer could release nothing safely. At the end of the stream (`flush`) they are
 *   printed, because then they were not a secret. The longest hold is the longest pattern less one byte.
 *
 * Cost: one pass of an Aho-Corasick automaton over bytes (see byte-automaton.ts), linear in the input whatever the
 * number of secrets, plus a step per reported match. Over ordinary output that pass is one table lookup a byte: the
 * automaton's row codes say when to stop and look (a pattern ends, or the text is deep in a pattern).
 */
import { type ByteAutomaton, buildByteAutomaton } from "./byte-automaton.js";
import { type GramFilter, buildGramFilter, nextFlagged } from "./gram-filter.js";
import { DEFAULT_MASK_MIN_LENGTH } from "./masks-for.js";
import { redactionPatterns } from "./redaction-patterns.js";

/** A stateful redactor for one stream. Give each stream (stdout, stderr) its own. */
export interface Redactor {
  /** Redact the next chunk; returns what can be printed now (possibly empty). */
  transform(chunk: Uint8Array): Buffer;
  /** End of the stream: returns the held bytes, redacted, and resets the redactor for a new stream. */
  flush(): Buffer;
  /** Number of distinct byte patterns it replaces. */
  readonly patternCount: number;
  /** Replacements made so far. */
  readonly redactions: number;
  /** Bytes held back right now, waiting to see whether they are a secret. */
  readonly heldBytes: number;
}

/** Options for {@link createRedactor}. */
export interface RedactorOptions {
  /** What each secret is replaced with (default "[MASKED]", as GitLab prints masked variables). */
  replacement?: string;
  /** Also replace base64, URL-encoded and JSON-escaped forms of each secret (default true). */
  includeEncodedForms?: boolean;
  /**
   * Texts shorter than this are not redacted (default DEFAULT_MASK_MIN_LENGTH, 6), as with masksFor, whose warnings
   * name the secrets this leaves out. Set 1 to redact every non-blank secret whatever its length.
   */
  minLength?: number;
}

/**
 * A Redactor for `secrets`: each is expanded with masksFor (whole value, trimmed, each line, JSON leaves) and, unless
 * `includeEncodedForms` is false, encodedForms, then matched with one automaton.
 */
export function createRedactor(secrets: readonly string[], options: RedactorOptions = {}): Redactor {
  const patterns = redactionPatterns(secrets, {
    minLength: options.minLength ?? DEFAULT_MASK_MIN_LENGTH,
    includeEncodedForms: options.includeEncodedForms ?? true,
  });
  return createPatternRedactor(patterns, options.replacement === undefined ? {} : { replacement: options.replacement });
}

/** Options for {@link createPatternRedactor}. */
export interface PatternRedactorOptions {
  /** What each pattern is replaced with (default "[MASKED]"). */
  replacement?: string | Uint8Array;
  /** The automaton's budget of full-row entries (see buildByteAutomaton; default 2 Mi); unused with compiled patterns. */
  maxFullRowEntries?: number;
}

/** Patterns compiled once, to share between Redactors (a command's stdout and stderr): one automaton, built once. */
export interface CompiledPatterns {
  readonly automaton: ByteAutomaton;
  /** The skipping pre-filter, when every pattern is at least 4 bytes long. */
  readonly filter: GramFilter | undefined;
}

/** Options of {@link compilePatterns}. */
export interface CompilePatternsOptions {
  /** The automaton's budget of full-row entries (see buildByteAutomaton; default 2 Mi). Tests set it low. */
  maxFullRowEntries?: number;
  /** Skip ahead with the gram filter when every pattern is 4 bytes or longer (default true; tests turn it off). */
  filter?: boolean;
}

/** Compiles patterns (strings are matched as UTF-8) for {@link createPatternRedactor}. */
export function compilePatterns(patterns: readonly (string | Uint8Array)[], options: CompilePatternsOptions = {}): CompiledPatterns {
  const bytes = patterns.map((pattern) => (typeof pattern === "string" ? Buffer.from(pattern, "utf8") : pattern));
  const automaton = buildByteAutomaton(bytes, options.maxFullRowEntries === undefined ? {} : { maxFullRowEntries: options.maxFullRowEntries });
  return { automaton, filter: options.filter === false ? undefined : buildGramFilter(bytes) };
}

/**
 * A Redactor for exactly these patterns (strings are matched as UTF-8), with no expansion: the building block of
 * createRedactor, for callers that already have their patterns, for tests and for benchmarks. Give it patterns
 * compiled with {@link compilePatterns} to make several Redactors from one automaton.
 */
export function createPatternRedactor(patterns: readonly (string | Uint8Array)[] | CompiledPatterns, options: PatternRedactorOptions = {}): Redactor {
  const { automaton, filter } = isCompiled(patterns)
    ? patterns
    : compilePatterns(patterns, options.maxFullRowEntries === undefined ? {} : { maxFullRowEntries: options.maxFullRowEntries });
  const stride = filter?.stride ?? 1;
  const replacementOption = options.replacement ?? "[MASKED]";
  const replacement = typeof replacementOption === "string" ? Buffer.from(replacementOption, "utf8") : Buffer.from(replacementOption);
  const {
    depth,
    fail,
    hasOutput,
    isEnd,
    outputLink,
    liveDepth,
    byteClass,
    classCount,
    rows,
    rowCode,
    childStart,
    childCount,
    childByte,
    childNode,
  } = automaton;
  const patternCount = isEnd.reduce((sum, end) => sum + end, 0);

  // Absolute byte positions in the stream. Bytes before `decided` have been printed (or replaced); bytes from
  // `decided` to `consumed` are held in `held`.
  let state = 0;
  let consumed = 0;
  let decided = 0;
  let held: Buffer = Buffer.alloc(0);
  // Complete matches whose start is not yet decided, as parallel lists (start, length): rarely more than one.
  const matchStart: number[] = [];
  const matchLength: number[] = [];
  // The start of a match whose replacement is already printed, or -1.
  let replacedAt = -1;
  let redactions = 0;

  let data: Uint8Array = held;
  let dataBase = 0;
  let out: Uint8Array[] = [];

  const emitPlain = (until: number): void => {
    if (until > decided) {
      out.push(data.subarray(decided - dataBase, until - dataBase));
      decided = until;
    }
  };

  const record = (end: number): void => {
    // Every pattern ending at `end`: the node itself when a pattern ends there, then the output links.
    for (let node = isEnd[state] === 1 ? state : outputLink[state]!; node >= 0; node = outputLink[node]!) {
      const length = depth[node]!;
      const start = end - length + 1;
      if (start < decided) continue;
      const existing = matchStart.indexOf(start);
      if (existing < 0) {
        matchStart.push(start);
        matchLength.push(length);
      } else if (length > matchLength[existing]!) {
        matchLength[existing] = length;
      }
    }
  };

  /** Decide every position no pattern can still reach; `liveFrom` is the start of the longest live prefix. */
  const decide = (liveFrom: number): void => {
    while (matchStart.length > 0) {
      let first = 0;
      for (let i = 1; i < matchStart.length; i++) if (matchStart[i]! < matchStart[first]!) first = i;
      const start = matchStart[first]!;
      if (start >= liveFrom) {
        emitPlain(liveFrom);
        if (start === decided && replacedAt !== start) {
          // A complete secret starts at the first undecided byte: whatever longer one may follow, it is replaced.
          out.push(replacement);
          replacedAt = start;
        }
        return;
      }
      emitPlain(start);
      if (replacedAt !== start) out.push(replacement);
      replacedAt = -1;
      redactions++;
      decided = start + matchLength[first]!;
      for (let i = matchStart.length - 1; i >= 0; i--) {
        if (matchStart[i]! < decided) {
          matchStart.splice(i, 1);
          matchLength.splice(i, 1);
        }
      }
      // Live prefixes that began inside the replaced secret no longer count: fall back to one that begins after it.
      while (depth[state]! > consumed - decided) state = fail[state]!;
      liveFrom = consumed - liveDepth[state]!;
    }
    emitPlain(liveFrom);
  };

  const transform = (chunk: Uint8Array): Buffer => {
    out = [];
    data = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
    dataBase = decided;
    const base = consumed;
    const length = chunk.length;
    let s = state;
    let i = 0;
    // With the filter: the flagged position the automaton must read past before the filter takes over again.
    let mustPass = -1;
    while (i < length) {
      let stepped = false;
      if (matchStart.length === 0) {
        if (filter !== undefined) {
          // No match can start before the live prefix: from there the filter skips to the next possible match.
          const from = i - depth[s]!;
          if (from > mustPass && from >= 0) {
            const flagged = nextFlagged(filter, chunk, from, length);
            mustPass = flagged;
            i = Math.max(from, flagged - stride + 1);
            s = 0;
          }
          // Up to the end of the flagged gram nothing can be decided: read at one lookup a byte, as below.
          const stop = Math.min(length, mustPass + 4);
          if (i < stop && s < rows) {
            let code = s * classCount;
            let next = 0;
            for (; i < stop; i++) {
              next = rowCode[code + byteClass[chunk[i]!]!]!;
              if (next < 0) break;
              code = next;
            }
            if (i === stop) {
              s = code / classCount;
              continue;
            }
            s = -1 - next;
            stepped = true;
          }
        } else if (s < rows) {
          // Ordinary output: one lookup a byte, for as long as the next node has a full row and ends no pattern.
          let code = s * classCount;
          let next = 0;
          for (; i < length; i++) {
            next = rowCode[code + byteClass[chunk[i]!]!]!;
            if (next < 0) break;
            code = next;
          }
          if (i === length) {
            s = code / classCount;
            break;
          }
          s = -1 - next;
          stepped = true;
        }
      }
      if (!stepped) {
        // nextState, inlined: a full row answers at once; otherwise the child list, then the failure link.
        const byte = chunk[i]!;
        for (;;) {
          if (s < rows) {
            const code = rowCode[s * classCount + byteClass[byte]!]!;
            s = code >= 0 ? code / classCount : -1 - code;
            break;
          }
          const start = childStart[s]!;
          const end = start + childCount[s]!;
          let next = -1;
          for (let slot = start; slot < end; slot++) {
            if (childByte[slot] === byte) {
              next = childNode[slot]!;
              break;
            }
          }
          if (next >= 0) {
            s = next;
            break;
          }
          s = fail[s]!;
        }
      }
      if (hasOutput[s] === 1 || matchStart.length > 0) {
        state = s;
        consumed = base + i + 1;
        if (hasOutput[s] === 1) record(base + i);
        decide(consumed - liveDepth[state]!);
        s = state;
      }
      i++;
    }
    state = s;
    consumed = base + length;
    decide(consumed - liveDepth[state]!);
    held = Buffer.from(data.subarray(decided - dataBase));
    return finish();
  };

  const flush = (): Buffer => {
    out = [];
    data = held;
    dataBase = decided;
    // Nothing can follow: no prefix is live any more, so every held byte is decided.
    state = 0;
    decide(consumed);
    const result = finish();
    state = 0;
    held = Buffer.alloc(0);
    replacedAt = -1;
    return result;
  };

  const finish = (): Buffer => {
    const pieces = out;
    out = [];
    if (pieces.length === 0) return Buffer.alloc(0);
    const only = pieces[0]!;
    // One piece of the caller's chunk goes out as a view of it, without a copy (the common case: nothing matched).
    if (pieces.length === 1 && only !== replacement) return Buffer.from(only.buffer, only.byteOffset, only.byteLength);
    return Buffer.concat(pieces);
  };

  return {
    transform,
    flush,
    patternCount,
    get redactions() {
      return redactions;
    },
    get heldBytes() {
      return held.length;
    },
  };
}

function isCompiled(patterns: readonly (string | Uint8Array)[] | CompiledPatterns): patterns is CompiledPatterns {
  return !Array.isArray(patterns) && "automaton" in patterns;
}
