import { Transform } from "node:stream";
import type { Redactor } from "./redactor.js";

/**
 * A Node Transform stream around `redactor`: pipe a child's stdout (or stderr, with its own Redactor) through it.
 * Each chunk is redacted and passed on at once; the bytes the Redactor holds back (a possible start of a secret) are
 * passed on, redacted, when the input ends.
 */
export function createRedactStream(redactor: Redactor): Transform {
  return new Transform({
    transform(chunk: Buffer | string, encoding, callback) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, encoding) : chunk;
      const output = redactor.transform(bytes);
      callback(null, output.length > 0 ? output : undefined);
    },
    flush(callback) {
      const output = redactor.flush();
      callback(null, output.length > 0 ? output : undefined);
    },
  });
}
