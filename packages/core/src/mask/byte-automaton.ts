/**
 * An Aho-Corasick automaton over bytes: a trie of the patterns with failure links, so that one pass over the input
 * finds every occurrence of every pattern, in time linear in the input whatever the number of patterns.
 *
 * Laid out in typed arrays for speed and a small heap: node 0 is the root; `fail[n]` is the node of the longest proper
 * suffix of n's text that is also in the trie. Bytes are read through classes: each byte that occurs in some pattern
 * is a class of its own, and every other byte shares class 0 (from any node it leads back to the root), so a full row
 * of resolved transitions — failure links already followed, one lookup a byte — has one entry per class rather than
 * 256. Nodes get full rows breadth first (the shallow nodes, where ordinary output keeps the automaton), up to a
 * budget of entries; nodes with many children always do; the rest keep a short list of (byte, child) and fall back
 * along failure links. Nodes are numbered so that those with full rows come first: node n's row is row n.
 *
 * The rows hold codes rather than node numbers, so that a scan over ordinary output is one lookup a byte: the code of
 * a node with a full row and no pattern ending there is its row's offset (`n * classCount`, never negative); any
 * other node's code is `-1 - n`, which tells the scanner to stop and look (a pattern ends, or a list node follows).
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
  /** The class of each byte: 0 for bytes in no pattern, else 1 … classCount - 1. */
  readonly byteClass: Uint8Array;
  /** Number of byte classes: the width of a full row. */
  readonly classCount: number;
  /** Number of full rows: nodes 0 … rows - 1 have one, the others a list. */
  readonly rows: number;
  /** The row of a node with a full row (its own number), or -1. The root's row is 0. */
  readonly fullRow: Int32Array;
  /**
   * Full rows of codes: `rowCode[n * classCount + byteClass[byte]]` is the code of the next node from node n, failure
   * links already followed — the next node's row offset when it has a full row and no pattern ends there, else
   * `-1 - next`.
   */
  readonly rowCode: Int32Array;
  /** The other nodes' children: `childCount` entries of `childByte`/`childNode` from `childStart`. */
  readonly childStart: Int32Array;
  readonly childCount: Int32Array;
  readonly childByte: Uint8Array;
  readonly childNode: Int32Array;
}

/** Nodes with at least this many children get a full row instead of a list, whatever the budget. */
const FULL_ROW_CHILDREN = 12;
/**
 * Default budget of full-row entries (8 MiB of Int32): with 1 000 secrets and their encoded forms (some 5 000
 * patterns over ~66 byte classes) every node down to depth ~6 gets a row, deeper than ordinary output reaches.
 */
const FULL_ROW_ENTRIES = 1 << 21;

/** Options of {@link buildByteAutomaton}. */
export interface ByteAutomatonOptions {
  /** Most entries the full rows may take in all (default 2 Mi entries, 8 MiB); the root's row is always made. */
  maxFullRowEntries?: number;
}

/** The node a row code stands for. */
export function codeNode(code: number, classCount: number): number {
  return code >= 0 ? code / classCount : -1 - code;
}

/** Build the automaton for `patterns` (empty patterns are ignored; repeats are harmless). */
export function buildByteAutomaton(patterns: readonly Uint8Array[], options: ByteAutomatonOptions = {}): ByteAutomaton {
  // The trie with sibling lists, in insertion numbering ("raw" nodes): firstChild / nextSibling / edge byte per node.
  const firstChild: number[] = [-1];
  const nextSibling: number[] = [-1];
  const edge: number[] = [0];
  const rawDepth: number[] = [0];
  const rawEnd: number[] = [0];
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
        rawDepth.push((rawDepth[node] ?? 0) + 1);
        rawEnd.push(0);
        if (node === 0) rootChild[byte] = child;
      }
      node = child;
    }
    rawEnd[node] = 1;
  }
  const size = firstChild.length;

  // Failure links, breadth first, so a node's link (always shallower) is final before the node is reached.
  const queue = new Int32Array(size);
  const rawFail = new Int32Array(size);
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
        let state = rawFail[node] ?? 0;
        for (;;) {
          const next = findChild(state, byte);
          if (next >= 0) {
            target = next;
            break;
          }
          if (state === 0) break;
          state = rawFail[state] ?? 0;
        }
      }
      rawFail[child] = target;
    }
  }

  // Byte classes: one per byte that occurs in a pattern (every edge of the trie is such a byte), class 0 for the rest.
  const startsPattern = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte++) startsPattern[byte] = (rootChild[byte] ?? -1) < 0 ? 0 : 1;
  const inPattern = new Uint8Array(256);
  for (let node = 1; node < size; node++) inPattern[edge[node] ?? 0] = 1;
  const byteClass = new Uint8Array(256);
  const classByte: number[] = [-1];
  for (let byte = 0; byte < 256; byte++) {
    if (inPattern[byte] === 1) {
      byteClass[byte] = classByte.length;
      classByte.push(byte);
    }
  }
  const classCount = classByte.length;

  // Which nodes get full rows (breadth first, within the budget), then the numbering: those nodes first.
  const rawChildCount = new Int32Array(size);
  for (let node = 0; node < size; node++) {
    for (let child = firstChild[node] ?? -1; child >= 0; child = nextSibling[child] ?? -1) rawChildCount[node] = (rawChildCount[node] ?? 0) + 1;
  }
  const budget = options.maxFullRowEntries ?? FULL_ROW_ENTRIES;
  const hasRow = new Uint8Array(size);
  let rows = 0;
  for (let i = 0; i < size; i++) {
    const node = queue[i] ?? 0;
    const count = rawChildCount[node] ?? 0;
    if (node === 0 || count >= FULL_ROW_CHILDREN || (count > 0 && (rows + 1) * classCount <= budget)) {
      hasRow[node] = 1;
      rows++;
    }
  }
  const id = new Int32Array(size);
  let nextId = 0;
  for (let i = 0; i < size; i++) if (hasRow[queue[i] ?? 0] === 1) id[queue[i] ?? 0] = nextId++;
  for (let i = 0; i < size; i++) if (hasRow[queue[i] ?? 0] === 0) id[queue[i] ?? 0] = nextId++;

  // Everything per node, in the final numbering.
  const depth = new Int32Array(size);
  const isEnd = new Uint8Array(size);
  const fail = new Int32Array(size);
  const outputLink = new Int32Array(size).fill(-1);
  const hasOutput = new Uint8Array(size);
  const liveDepth = new Int32Array(size);
  const childCount = new Int32Array(size);
  const fullRow = new Int32Array(size).fill(-1);
  for (let raw = 0; raw < size; raw++) {
    const node = id[raw] ?? 0;
    depth[node] = rawDepth[raw] ?? 0;
    isEnd[node] = rawEnd[raw] ?? 0;
    fail[node] = id[rawFail[raw] ?? 0] ?? 0;
    childCount[node] = rawChildCount[raw] ?? 0;
    if (hasRow[raw] === 1) fullRow[node] = node;
  }
  // Output links and live depths follow failure links, so breadth first again.
  for (let i = 1; i < size; i++) {
    const node = id[queue[i] ?? 0] ?? 0;
    const target = fail[node] ?? 0;
    outputLink[node] = isEnd[target] === 1 ? target : (outputLink[target] ?? -1);
    hasOutput[node] = isEnd[node] === 1 || outputLink[node] !== -1 ? 1 : 0;
    liveDepth[node] = (childCount[node] ?? 0) > 0 ? (depth[node] ?? 0) : (liveDepth[target] ?? 0);
  }

  // Lists for the nodes without rows (they need nothing else), then the rows, breadth first: a row follows its node's
  // failure link, which is shallower and so already compiled.
  const childStart = new Int32Array(size);
  let listLength = 0;
  for (let node = rows; node < size; node++) {
    childStart[node] = listLength;
    listLength += childCount[node] ?? 0;
  }
  const childByte = new Uint8Array(listLength);
  const childNode = new Int32Array(listLength);
  for (let raw = 0; raw < size; raw++) {
    if (hasRow[raw] === 1) continue;
    let slot = childStart[id[raw] ?? 0] ?? 0;
    for (let child = firstChild[raw] ?? -1; child >= 0; child = nextSibling[child] ?? -1) {
      childByte[slot] = edge[child] ?? 0;
      childNode[slot] = id[child] ?? 0;
      slot++;
    }
  }
  const rowCode = new Int32Array(rows * classCount);
  const code = (node: number): number => (node < rows && hasOutput[node] === 0 ? node * classCount : -1 - node);
  const tables: ByteAutomatonTables = { byteClass, classCount, rows, fail, rowCode, childStart, childCount, childByte, childNode };
  for (let i = 0; i < size; i++) {
    const raw = queue[i] ?? 0;
    if (hasRow[raw] === 0) continue;
    const node = id[raw] ?? 0;
    const base = node * classCount;
    // Class 0 (bytes in no pattern) leads to the root from anywhere.
    rowCode[base] = code(0);
    for (let cls = 1; cls < classCount; cls++) rowCode[base + cls] = node === 0 ? code(0) : code(transition(tables, fail[node] ?? 0, classByte[cls] ?? 0));
    for (let child = firstChild[raw] ?? -1; child >= 0; child = nextSibling[child] ?? -1) rowCode[base + (byteClass[edge[child] ?? 0] ?? 0)] = code(id[child] ?? 0);
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
    byteClass,
    classCount,
    rows,
    fullRow,
    rowCode,
    childStart,
    childCount,
    childByte,
    childNode,
  };
}

/** The transition tables, as much of the automaton as a step needs. */
type ByteAutomatonTables = Pick<
  ByteAutomaton,
  "byteClass" | "classCount" | "rows" | "fail" | "rowCode" | "childStart" | "childCount" | "childByte" | "childNode"
>;

/** The state after reading `byte` in `state`: follow the trie, falling back along failure links. */
export function nextState(automaton: ByteAutomaton, state: number, byte: number): number {
  return transition(automaton, state, byte);
}

function transition(tables: ByteAutomatonTables, state: number, byte: number): number {
  const { byteClass, classCount, rows, fail, rowCode, childStart, childCount, childByte, childNode } = tables;
  for (;;) {
    if (state < rows) return codeNode(rowCode[state * classCount + (byteClass[byte] ?? 0)] ?? 0, classCount);
    const start = childStart[state] ?? 0;
    const end = start + (childCount[state] ?? 0);
    for (let slot = start; slot < end; slot++) if (childByte[slot] === byte) return childNode[slot] ?? 0;
    state = fail[state] ?? 0;
  }
}
