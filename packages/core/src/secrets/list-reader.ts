/**
 * Reads a list answer, `{"secrets":[…],"imports":[…]}`, as it arrives: the secrets are parsed a window at a time and
 * only the fields a client reads are kept, so neither the whole text (3.3 MB for 5 000 secrets) nor the server's full
 * objects (ids, dates, metadata) are ever held at once.
 *
 * A window is cut after the last `},{` in it, and the cut is proved by parsing `[…]` of everything before it: a `},{`
 * inside a string or inside a nested object leaves something unclosed, so the parse fails and an earlier `},{` is
 * tried. The end of the answer is parsed with its `{"secrets":` put back in front, so the whole answer was parsed
 * exactly once, in pieces. An answer that does not start with `{"secrets":[` is read whole and handed back as text, as
 * is one whose end does not parse, for the client's usual JSON checks (not JSON, cut off).
 *
 * The bytes go into one buffer, reused from window to window: pending bytes always start with the `[` of the array,
 * and a cut writes the closing `]` over the comma it cuts at, so each window is parsed straight from its own text.
 */
import type { BodyReader } from "../http/types.js";
import { decodeUtf8 } from "../http/transport.js";
import { slimSecret } from "./parse.js";

const KEY = '{"secrets":';
const PREFIX = Buffer.from(`${KEY}[`);
const BOUNDARY = "},{";
/** A secret object ends with its tags or metadata array, a tag with a string: `]},{` is tried first. */
const ARRAY_BOUNDARY = "]},{";
const OPEN = 0x5b;
const CLOSE = 0x5d;
const COMMA = 0x2c;
/** Bytes gathered before a cut is tried; a window's text and objects are garbage once its secrets are kept. */
const DEFAULT_WINDOW = 256 * 1024;
/**
 * `},{` tried in one window. A failed try costs a parse of the window; when both fail, the rest of the answer is read
 * whole, so a listing the cut does not suit costs at most two extra window parses.
 */
const CUT_ATTEMPTS = 2;

export function createListReader(windowBytes = DEFAULT_WINDOW): BodyReader {
  // "tail": cutting stopped; the rest is gathered and parsed at the end, after the secrets already read.
  let mode: "undecided" | "stream" | "tail" | "whole" = "undecided";
  let buffer = Buffer.allocUnsafeSlow(2 * windowBytes);
  let used = 0;
  const secrets: unknown[] = [];

  const append = (chunk: Buffer): void => {
    if (used + chunk.length > buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(2 * buffer.length, used + chunk.length));
      buffer.copy(grown, 0, 0, used);
      buffer = grown;
    }
    chunk.copy(buffer, used);
    used += chunk.length;
  };

  const decide = (): void => {
    if (used < PREFIX.length) return;
    if (buffer.subarray(0, PREFIX.length).equals(PREFIX)) {
      mode = "stream";
      // Keep the array's "[": every window starts with one.
      buffer.copyWithin(0, PREFIX.length - 1, used);
      used -= PREFIX.length - 1;
    } else {
      mode = "whole";
    }
  };

  /** Parses `[` … `}` up to the comma at `comma`, which it closes with `]` for the parse; undefined if that fails. */
  const parseUpTo = (comma: number): unknown[] | undefined => {
    buffer[comma] = CLOSE;
    try {
      return JSON.parse(decodeUtf8(buffer.subarray(0, comma + 1))) as unknown[];
    } catch {
      return undefined;
    } finally {
      buffer[comma] = COMMA;
    }
  };

  /** Parses the secrets before the last provable `},{` of what is pending, and keeps the rest. */
  const cut = (): void => {
    const pending = buffer.subarray(0, used);
    const last = pending.lastIndexOf(BOUNDARY);
    const preferred = pending.lastIndexOf(ARRAY_BOUNDARY) + 1;
    const earlier = last > 0 ? pending.lastIndexOf(BOUNDARY, last - 1) : -1;
    const candidates = preferred > 0 && preferred !== last ? [preferred, last] : [last, earlier];
    for (const at of candidates.slice(0, CUT_ATTEMPTS)) {
      if (at <= 0) continue;
      const parsed = parseUpTo(at + 1);
      if (parsed === undefined) continue;
      for (const raw of parsed) secrets.push(slimSecret(raw));
      // The comma becomes the next window's "[".
      buffer[at + 1] = OPEN;
      buffer.copyWithin(0, at + 1, used);
      used -= at + 1;
      return;
    }
    mode = "tail";
  };

  return {
    write(chunk) {
      append(chunk);
      if (mode === "undecided") decide();
      if (mode === "stream" && used >= windowBytes) cut();
    },
    end() {
      const bytes = buffer.subarray(0, used);
      if (mode === "undecided" || mode === "whole") return { text: decodeUtf8(bytes) };
      const text = `${KEY}${decodeUtf8(bytes)}`;
      let rest: unknown;
      try {
        rest = JSON.parse(text);
      } catch {
        return { text };
      }
      const tail = (rest as { secrets?: unknown } | null)?.secrets;
      // Only a second "secrets" key could make this anything but the array begun above: leave such an answer whole.
      if (!Array.isArray(tail)) return { text };
      for (const raw of tail) secrets.push(slimSecret(raw));
      return { value: { ...(rest as Record<string, unknown>), secrets } };
    },
  };
}
