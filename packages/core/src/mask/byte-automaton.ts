/**
 * An Aho-Corasick automaton over bytes: a trie of the patterns with failure links, so that one pass over the input
 * finds every occurrence of every pattern, in time linear in the input whatever the number of patterns.
 *
 * Laid out in typed arrays for speed and a small heap: node 0 is the root; `fail[n]` is the node of the longest proper
 * suffix of n's text that is also in the trie. Shallow nodes (where the input spends most of its time) and nodes with
 * many children get a full row of 256 resolved transitions — failure links already followed, one lookup a byte;
 * the others keep a short list of (byte, child) and fall back along failure links.
 */

/** A compiled automaton. Build with {@link buildByteAutomaton}; read with {@link nextState}. */
export interface ByteAutomaton {
  /** Number of trie nodes. */
  readonly size: number;
  /** Length of the longest pattern. */
  readonly maxLength: number;
  /** Depth of each node: the length of the text it stands for. */
  readonly depth: Int32Array;
  /** Failure link of each node. */
  readonly fail: Int32Array;
  /** 1 when a pattern ends at this node or at a node on its failure chain. */
  readonly hasOutput: Uint8Array;
  /** 1 when a pattern ends exactly at this node. */
  readonly isEnd: Uint8Array;
  /** The nearest node on the failure chain (excluding itself) where a pattern ends, or -1. */
  readonly outputLink: Int32Array;
  /**
   * Depth of the deepest node on the failure chain (including itself) that has children: the length of the longest
   * suffix of the input read so far that some pattern could still extend. 0 at the root.
   */
  readonly liveDepth: Int32Array;
  /** 1 for bytes that start some pattern: from the root every other byte leads back to the root. */
  readonly startsPattern: Uint8Array;
  /** The row in `fullNext` of a node with a full row, or -1. The root's row is 0. */
  readonly fullRow: Int32Array;
  /** Full rows: `fullNext[row * 256 + byte]` is the next state, failure links already followed. */
  readonly fullNext: Int32Array;
  /** The other nodes' children: `childCount` entries of `childByte`/`childNode` from `childStart`. */
  readonly childStart: Int32Array;
  readonly childCount: Int32Array;
  readonly childByte: Uint8Array;
  readonly childNode: Int32Array;
}

/** Nodes with at least this many children get a full row instead of a list. */
const FULL_ROW_CHILDREN = 12;
/** Nodes this shallow get a full row, up to {@link FULL_ROW_BUDGET} rows in all (4 MiB). */
const FULL_ROW_DEPTH = 2;
const FULL_ROW_BUDGET = 4096;

/** Build the automaton for `patterns` (empty patterns are ignored; repeats are harmless). */
export function buildByteAutomaton(patterns: readonly Uint8Array[]): ByteAutomaton {
  // Build the trie with sibling lists: firstChild / nextSibling / edge byte per node.
  const firstChild: number[] = [-1];
  const nextSibling: number[] = [-1];
  const edge: number[] = [0];
  const depthList: number[] = [0];
  const endList: number[] = [0];
  const rootChild = new Int32Array(256).fill(-1);
  let maxLength = 0;

  const findChild = (node: number, byte: number): number => {
    if (node === 0) return rootChild[byte] ?? -1;
    for (let child = firstChild[node] ?? -1; child >= 0; child = nextSibling[child] ?? -1) {
      if (edge[child] === byte) return child;
    }
    return -1;
  };

  for (const pattern of patterns) {
    if (pattern.length === 0) continue;
    maxLength = Math.max(maxLength, pattern.length);
    let node = 0;
    for (const byte of pattern) {
      let child = findChild(node, byte);
      if (child < 0) {
        child = firstChild.length;
        firstChild.push(-1);
        nextSibling.push(firstChild[node] ?? -1);
        firstChild[node] = child;
        edge.push(byte);
        depthList.push((depthList[node] ?? 0) + 1);
        endList.push(0);
        if (node === 0) rootChild[byte] = child;
      }
      node = child;
    }
    endList[node] = 1;
  }

  const size = firstChild.length;
  const depth = Int32Array.from(depthList);
  const isEnd = Uint8Array.from(endList);
  const fail = new Int32Array(size);
  const outputLink = new Int32Array(size).fill(-1);
  const hasOutput = new Uint8Array(size);
  const liveDepth = new Int32Array(size);

  // Breadth-first, so a node's failure link (always shallower) is final before the node is reached.
  const queue = new Int32Array(size);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  while (head < tail) {
    const node = queue[head++] ?? 0;
    for (let child = firstChild[node] ?? -1; child >= 0; child = nextSibling[child] ?? -1) {
      queue[tail++] = child;
      const byte = edge[child] ?? 0;
      let target = 0;
      if (node !== 0) {
        let state = fail[node] ?? 0;
        for (;;) {
          const next = findChild(state, byte);
          if (next >= 0) {
            target = next;
            break;
          }
          if (state === 0) break;
          state = fail[state] ?? 0;
        }
      }
      fail[child] = target;
      outputLink[child] = isEnd[target] === 1 ? target : (outputLink[target] ?? -1);
      hasOutput[child] = isEnd[child] === 1 || outputLink[child] !== -1 ? 1 : 0;
      liveDepth[child] = (firstChild[child] ?? -1) >= 0 ? (depth[child] ?? 0) : (liveDepth[target] ?? 0);
    }
  }

  // Compile the transitions, in breadth-first order so a node's failure link is compiled before the node.
  const startsPattern = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte++) startsPattern[byte] = (rootChild[byte] ?? -1) < 0 ? 0 : 1;
  const childCount = new Int32Array(size);
  for (let node = 0; node < size; node++) {
    for (let child = firstChild[node] ?? -1; child >= 0; child = nextSibling[child] ?? -1) childCount[node] = (childCount[node] ?? 0) + 1;
  }
  const fullRow = new Int32Array(size).fill(-1);
  let rows = 0;
  for (let i = 0; i < size; i++) {
    const node = queue[i] ?? 0;
    const count = childCount[node] ?? 0;
    if (node === 0 || count >= FULL_ROW_CHILDREN || (count > 0 && (depth[node] ?? 0) <= FULL_ROW_DEPTH && rows < FULL_ROW_BUDGET)) {
      fullRow[node] = rows++;
    }
  }
  const childStart = new Int32Array(size);
  let listLength = 0;
  for (let node = 0; node < size; node++) {
    if ((fullRow[node] ?? -1) >= 0) continue;
    childStart[node] = listLength;
    listLength += childCount[node] ?? 0;
  }
  const childByte = new Uint8Array(listLength);
  const childNode = new Int32Array(listLength);
  const fullNext = new Int32Array(rows * 256);
  const partial: ByteAutomatonTables = { fail, fullRow, fullNext, childStart, childCount, childByte, childNode };
  for (let i = 0; i < size; i++) {
    const node = queue[i] ?? 0;
    const row = fullRow[node] ?? -1;
    if (row < 0) {
      let slot = childStart[node] ?? 0;
      for (let child = firstChild[node] ?? -1; child >= 0; child = nextSibling[child] ?? -1) {
        childByte[slot] = edge[child] ?? 0;
        childNode[slot] = child;
        slot++;
      }
      continue;
    }
    // A full row: the child where there is one, else where the failure link goes on that byte (already compiled).
    for (let byte = 0; byte < 256; byte++) fullNext[row * 256 + byte] = node === 0 ? 0 : transition(partial, fail[node] ?? 0, byte);
    for (let child = firstChild[node] ?? -1; child >= 0; child = nextSibling[child] ?? -1) fullNext[row * 256 + (edge[child] ?? 0)] = child;
  }

  return {
    size,
    maxLength,
    depth,
    fail,
    hasOutput,
    isEnd,
    outputLink,
    liveDepth,
    startsPattern,
    fullRow,
    fullNext,
    childStart,
    childCount,
    childByte,
    childNode,
  };
}

/** The transition tables, as much of the automaton as a step needs. */
type ByteAutomatonTables = Pick<ByteAutomaton, "fail" | "fullRow" | "fullNext" | "childStart" | "childCount" | "childByte" | "childNode">;

/** The state after reading `byte` in `state`: follow the trie, falling back along failure links. */
export function nextState(automaton: ByteAutomaton, state: number, byte: number): number {
  return transition(automaton, state, byte);
}

function transition(tables: ByteAutomatonTables, state: number, byte: number): number {
  const { fail, fullRow, fullNext, childStart, childCount, childByte, childNode } = tables;
  for (;;) {
    const row = fullRow[state] ?? -1;
    if (row >= 0) return fullNext[row * 256 + byte] ?? 0;
    const start = childStart[state] ?? 0;
    const end = start + (childCount[state] ?? 0);
    for (let slot = start; slot < end; slot++) if (childByte[slot] === byte) return childNode[slot] ?? 0;
    state = fail[state] ?? 0;
  }
}
