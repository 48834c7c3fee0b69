/**
 * Reads a list answer, `{"secrets":[…],"imports":[…]}`, as it arrives: the secrets are parsed a window at a time and
 * only the fields a client reads are kept, so neither the whole text (3.3 MB for 5 000 secrets) nor the server's full
 * objects (ids, dates, metadata) are ever held at once.
 *
 * A window is cut after the last `},{` in it, and the cut is proved by parsing `[…]` of everything before it: a `},{`
 * inside a string or inside a nested object leaves something unclosed, so the parse fails and an earlier `},{` is
 * tried. The end of the answer is parsed with its `{"secrets":[` put back in front, so the whole answer was parsed
 * exactly once, in pieces. An answer that does not start with `{"secrets":[` is
 * read whole and handed back as text, as is one whose end does not parse, for the client's usual JSON checks.
 */
import type { BodyReader } from "../http/types.js";
import { decodeUtf8 } from "../http/transport.js";
import { slimSecret } from "./parse.js";

const PREFIX = '{"secrets":[';
const PREFIX_BYTES = Buffer.from(PREFIX);
const BOUNDARY = "},{";
const ARRAY_BOUNDARY = "]},{";
/** Bytes gathered before a cut is tried; a window's text and objects are garbage once its secrets are kept. */
const DEFAULT_WINDOW = 256 * 1024;
/**
 * `},{` tried in one window, the last first. A failed try costs a parse of the window; when both fail (a secret with
 * several tags ends the window, say), the rest of the answer is read whole, so a listing the cut does not suit costs at
 * most two extra window parses.
 */
const CUT_ATTEMPTS = 2;

export function createListReader(windowBytes = DEFAULT_WINDOW): BodyReader {
  // "tail": cutting stopped; the rest is gathered and parsed at the end, with the secrets already read.
  let mode: "undecided" | "stream" | "tail" | "whole" = "undecided";
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Try to cut again once this many bytes are pending. */
  let nextTry = windowBytes;
  const secrets: unknown[] = [];

  const take = (): Buffer => {
    const all = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return all;
  };
  const keep = (bytes: Buffer): void => {
    pending.push(bytes);
    pendingBytes += bytes.length;
  };

  const decide = (): void => {
    if (pendingBytes < PREFIX_BYTES.length) return;
    const all = take();
    if (all.subarray(0, PREFIX_BYTES.length).equals(PREFIX_BYTES)) {
      mode = "stream";
      keep(all.subarray(PREFIX_BYTES.length));
    } else {
      mode = "whole";
      keep(all);
    }
  };

  /** Parses the secrets before the last provable `},{` of what is pending, and keeps the rest. */
  const cut = (): void => {
    const all = take();
    // A secret object ends with its tags or metadata array: a `]},{` is tried first, as a tag ends with a string.
    const last = all.lastIndexOf(BOUNDARY);
    const preferred = all.lastIndexOf(ARRAY_BOUNDARY) + 1;
    const earlier = last > 0 ? all.lastIndexOf(BOUNDARY, last - 1) : -1;
    const candidates = preferred > 0 && preferred !== last ? [preferred, last] : [last, earlier];
    for (const at of candidates.slice(0, CUT_ATTEMPTS)) {
      if (at <= 0) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(`[${decodeUtf8(all.subarray(0, at + 1))}]`);
      } catch {
        continue;
      }
      for (const raw of parsed as unknown[]) secrets.push(slimSecret(raw));
      // A copy: a view would keep the whole window's bytes alive.
      keep(Buffer.from(all.subarray(at + 2)));
      nextTry = pendingBytes + windowBytes;
      return;
    }
    keep(all);
    mode = "tail";
  };

  return {
    write(chunk) {
      keep(chunk);
      if (mode === "undecided") decide();
      if (mode === "stream" && pendingBytes >= nextTry) cut();
    },
    end() {
      if (mode === "undecided" || mode === "whole") return { text: decodeUtf8(take()) };
      const text = `${PREFIX}${decodeUtf8(take())}`;
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
