import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRedactStream } from "./redact-stream.js";
import { compilePatterns, createPatternRedactor, createRedactor, type Redactor } from "./redactor.js";
import { redactionPatterns } from "./redaction-patterns.js";

const REPLACEMENT = Buffer.from("[X]");

/** The reference: at each position replace the longest pattern starting there, else copy one byte. */
function naiveRedact(input: Buffer, patterns: readonly Buffer[], replacement: Buffer): Buffer {
  const byFirstByte = new Map<number, Buffer[]>();
  for (const pattern of patterns) {
    if (pattern.length === 0) continue;
    const list = byFirstByte.get(pattern[0] ?? 0) ?? [];
    list.push(pattern);
    byFirstByte.set(pattern[0] ?? 0, list);
  }
  const out: Buffer[] = [];
  let i = 0;
  while (i < input.length) {
    let best = 0;
    for (const pattern of byFirstByte.get(input[i] ?? 0) ?? []) {
      if (pattern.length > best && i + pattern.length <= input.length && input.subarray(i, i + pattern.length).equals(pattern)) best = pattern.length;
    }
    if (best > 0) {
      out.push(replacement);
      i += best;
    } else {
      out.push(input.subarray(i, i + 1));
      i++;
    }
  }
  return Buffer.concat(out);
}

/** Feed `input` to `redactor` cut at `cuts` (sorted offsets), then flush; return everything printed. */
function runChunked(redactor: Redactor, input: Buffer, cuts: readonly number[]): Buffer {
  const out: Buffer[] = [];
  let last = 0;
  for (const cut of [...cuts, input.length]) {
    out.push(redactor.transform(input.subarray(last, cut)));
    last = cut;
  }
  out.push(redactor.flush());
  return Buffer.concat(out);
}

const cutsFor = (length: number): fc.Arbitrary<number[]> =>
  fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, length) }), { maxLength: 12 }).map((cuts) => cuts.sort((a, b) => a - b));

// Few distinct characters, some multi-byte, so secrets overlap, nest, and share prefixes and suffixes.
const ALPHABET = ["a", "b", "é", "😀", "ab", "\n"];
const secretArb = fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 5 }).map((parts) => parts.join(""));
// Raw bytes, including halves of é (0xc3 0xa9) and bytes that are never valid UTF-8.
const byteSecretArb = fc.array(fc.constantFrom(0x00, 0x61, 0xc3, 0xa9, 0xff), { minLength: 1, maxLength: 5 }).map((bytes) => Uint8Array.from(bytes));

describe("createPatternRedactor", () => {
  it("matches the reference redaction for any secrets, any output and any chunking", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.oneof(secretArb, byteSecretArb), { minLength: 1, maxLength: 6, selector: (s) => Buffer.from(s).toString("hex") }),
        fc.array(fc.oneof(secretArb, byteSecretArb, fc.constantFrom(...ALPHABET, "[", "]", "X"), fc.uint8Array({ maxLength: 6 })), { maxLength: 30 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        // Full rows for every node (the default), for the root only, or for a few: the list paths are exercised too.
        fc.constantFrom(undefined, 0, 16, 64),
        (secrets, pieces, seed, maxFullRowEntries) => {
          const patterns = secrets.map((s) => Buffer.from(s));
          const input = Buffer.concat(pieces.map((piece) => Buffer.from(piece)));
          const expected = naiveRedact(input, patterns, REPLACEMENT);
          const [cuts] = fc.sample(cutsFor(input.length), { numRuns: 1, seed });
          const options = maxFullRowEntries === undefined ? { replacement: REPLACEMENT } : { replacement: REPLACEMENT, maxFullRowEntries };
          const output = runChunked(createPatternRedactor(secrets, options), input, cuts ?? []);
          expect(output.toString("hex")).toBe(expected.toString("hex"));
          for (const pattern of patterns) expect(output.includes(pattern)).toBe(false);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("matches the reference with the skipping filter: secrets of 4 bytes or more, strides 1 to 8, any chunking", () => {
    // Few bytes, so secrets share grams and prefixes, and near-misses (a secret less its last byte) are common.
    const longSecret = fc.array(fc.constantFrom("a", "b", "c", "é"), { minLength: 4, maxLength: 14 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(
        fc.uniqueArray(longSecret, { minLength: 1, maxLength: 8 }),
        fc.array(fc.oneof(longSecret, longSecret.map((secret) => secret.slice(0, -1)), fc.constantFrom("a", "b", "c", "é", " ", "\n")), { maxLength: 40 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(undefined, 0, 64),
        (secrets, pieces, seed, maxFullRowEntries) => {
          const compiled = compilePatterns(secrets, maxFullRowEntries === undefined ? {} : { maxFullRowEntries });
          expect(compiled.filter).toBeDefined();
          const input = Buffer.from(pieces.join(""));
          const [cuts] = fc.sample(cutsFor(input.length), { numRuns: 1, seed });
          const output = runChunked(createPatternRedactor(compiled, { replacement: REPLACEMENT }), input, cuts ?? []);
          expect(output.toString("hex")).toBe(naiveRedact(input, secrets.map((secret) => Buffer.from(secret)), REPLACEMENT).toString("hex"));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("gives the same output with and without the filter, fed one byte at a time", () => {
    const longSecret = fc.array(fc.constantFrom("a", "b", "é"), { minLength: 4, maxLength: 10 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(fc.uniqueArray(longSecret, { minLength: 1, maxLength: 5 }), fc.array(fc.oneof(longSecret, fc.constantFrom("a", "b", "é", "x")), { maxLength: 25 }), (secrets, pieces) => {
        const input = Buffer.from(pieces.join(""));
        const cuts = Array.from({ length: input.length }, (_, i) => i);
        const filtered = runChunked(createPatternRedactor(compilePatterns(secrets), { replacement: REPLACEMENT }), input, cuts);
        const plain = runChunked(createPatternRedactor(compilePatterns(secrets, { filter: false }), { replacement: REPLACEMENT }), input, cuts);
        expect(filtered.equals(plain)).toBe(true);
        expect(filtered.equals(naiveRedact(input, secrets.map((secret) => Buffer.from(secret)), REPLACEMENT))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("gives the same output fed one byte at a time", () => {
    fc.assert(
      fc.property(fc.uniqueArray(secretArb, { minLength: 1, maxLength: 6 }), fc.array(fc.oneof(secretArb, fc.constantFrom(...ALPHABET)), { maxLength: 25 }), (secrets, pieces) => {
        const input = Buffer.from(pieces.join(""));
        const cuts = Array.from({ length: input.length }, (_, i) => i);
        const output = runChunked(createPatternRedactor(secrets, { replacement: REPLACEMENT }), input, cuts);
        expect(output.equals(naiveRedact(input, secrets.map((s) => Buffer.from(s)), REPLACEMENT))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("passes binary output through byte for byte when nothing matches", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (bytes, seed) => {
        const input = Buffer.from(bytes);
        const [cuts] = fc.sample(cutsFor(input.length), { numRuns: 1, seed });
        // A secret that cannot occur in the input: longer than it.
        const secret = Buffer.alloc(input.length + 1, 7);
        expect(runChunked(createPatternRedactor([secret]), input, cuts ?? []).equals(input)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("prefers the longest match, and the leftmost when matches overlap", () => {
    const redact = (patterns: string[], input: string): string => runChunked(createPatternRedactor(patterns, { replacement: "#" }), Buffer.from(input), []).toString();
    expect(redact(["abc", "abcdef"], "xabcdefx")).toBe("x#x");
    expect(redact(["abc", "abcdef"], "xabcdex")).toBe("x#dex");
    expect(redact(["bcd", "abc"], "abcd")).toBe("#d");
    expect(redact(["cd", "abcde"], "abcdf")).toBe("ab#f");
    expect(redact(["aa"], "aaaaa")).toBe("##a");
  });

  it("prints bytes at once unless they may start a secret, and holds those until decided", () => {
    const redactor = createPatternRedactor(["hunter22"], { replacement: "[MASKED]" });
    expect(redactor.transform(Buffer.from("progress 45%")).toString()).toBe("progress 45%");
    expect(redactor.transform(Buffer.from("pass: hun")).toString()).toBe("pass: ");
    expect(redactor.heldBytes).toBe(3);
    expect(redactor.transform(Buffer.from("ter2")).toString()).toBe("");
    expect(redactor.transform(Buffer.from("2 ok")).toString()).toBe("[MASKED] ok");
    expect(redactor.transform(Buffer.from("hunt")).toString()).toBe("");
    expect(redactor.transform(Buffer.from("ing")).toString()).toBe("hunting");
    expect(redactor.transform(Buffer.from("... hunte")).toString()).toBe("... ");
    // At the end of the stream a prefix is printed: it was not the secret.
    expect(redactor.flush().toString()).toBe("hunte");
    expect(redactor.redactions).toBe(1);
    expect(redactor.heldBytes).toBe(0);
  });

  it("prints the replacement as soon as a secret is complete, even when a longer one could follow", () => {
    const redactor = createPatternRedactor(["password1", "password123"], { replacement: "[MASKED]" });
    expect(redactor.transform(Buffer.from("x password1")).toString()).toBe("x [MASKED]");
    expect(redactor.transform(Buffer.from("23 y")).toString()).toBe(" y");
    const other = createPatternRedactor(["password1", "password123"], { replacement: "[MASKED]" });
    expect(other.transform(Buffer.from("password1")).toString()).toBe("[MASKED]");
    expect(other.transform(Buffer.from("2")).toString()).toBe("");
    expect(other.transform(Buffer.from("x")).toString()).toBe("2x");
  });

  it("makes independent Redactors from one compiled automaton", () => {
    const compiled = compilePatterns(["hunter22-secret"]);
    const out = createPatternRedactor(compiled);
    const err = createPatternRedactor(compiled);
    const printed = [out.transform(Buffer.from("a hunter22")), err.transform(Buffer.from("b hunter2")), out.transform(Buffer.from("-secret!")), err.transform(Buffer.from("2-x"))];
    expect(Buffer.concat([printed[0] ?? Buffer.alloc(0), printed[2] ?? Buffer.alloc(0), out.flush()]).toString()).toBe("a [MASKED]!");
    expect(Buffer.concat([printed[1] ?? Buffer.alloc(0), printed[3] ?? Buffer.alloc(0), err.flush()]).toString()).toBe("b hunter22-x");
  });

  it("handles a long line and a secret split across many chunks", () => {
    const secret = "s3cr3t-".repeat(100);
    const line = "x".repeat(1_000_000) + secret + "y".repeat(1_000_000);
    const input = Buffer.from(line);
    const cuts = Array.from({ length: 300 }, (_, i) => 1_000_000 + i * 3);
    const output = runChunked(createPatternRedactor([secret]), input, cuts);
    expect(output.toString()).toBe("x".repeat(1_000_000) + "[MASKED]" + "y".repeat(1_000_000));
  });
});

describe("createRedactor", () => {
  it("redacts each line of a multi-line secret, its trimmed form, and its JSON leaves", () => {
    const pem = "-----BEGIN KEY-----\r\nMIIBVwIBADANBgkq\r\nhkiG9w0BAQEFAASC\r\n-----END KEY-----\r\n";
    const json = '{"user": "deploy-bot", "password": "correct horse battery", "port": 5432}';
    const redactor = createRedactor([pem, json, "  padded-secret  "], { replacement: "***" });
    const log = [
      "line MIIBVwIBADANBgkq printed alone",
      "password=correct horse battery",
      "user deploy-bot logged in on port 5432",
      "value: padded-secret.",
    ].join("\n");
    const output = runChunked(redactor, Buffer.from(log), [7, 40, 41]).toString();
    expect(output).toBe(["line *** printed alone", "password=***", "user *** logged in on port 5432", "value: ***."].join("\n"));
  });

  it("redacts base64 of a secret at every alignment inside a longer encoded text, and its URL and JSON escapes", () => {
    const secret = 'p@ss w0rd/"quoted"+é';
    const redactor = createRedactor([secret]);
    for (const prefix of ["", "a", "ab", "abc"]) {
      const encoded = Buffer.from(`user:${prefix}${secret}:tail`).toString("base64");
      const output = runChunked(redactor, Buffer.from(`Authorization: Basic ${encoded}\n`), [10]).toString();
      expect(output, prefix).toContain("[MASKED]");
      // Whatever is left cannot be decoded back to the secret.
      const left = output.replace("Authorization: Basic ", "").split("[MASKED]");
      for (const part of left) expect(Buffer.from(part, "base64").toString()).not.toContain(secret.slice(0, 6));
    }
    const forms = [encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString("base64")];
    for (const form of forms) expect(runChunked(redactor, Buffer.from(`>${form}<`), []).toString()).toBe(">[MASKED]<");
  });

  it("leaves values shorter than the minimum alone unless told otherwise", () => {
    expect(runChunked(createRedactor(["true", "test"]), Buffer.from("test is true"), []).toString()).toBe("test is true");
    expect(runChunked(createRedactor(["true"], { minLength: 1 }), Buffer.from("test is true"), []).toString()).toBe("test is [MASKED]");
    expect(runChunked(createRedactor(["hunter22"], { includeEncodedForms: false }), Buffer.from("aHVudGVyMjI="), []).toString()).toBe("aHVudGVyMjI=");
    expect(runChunked(createRedactor(["hunter22"]), Buffer.from("aHVudGVyMjI="), []).toString()).toBe("[MASKED]");
  });

  it("matches the reference redaction with hundreds of secrets and their encoded forms", () => {
    const secrets = fc.sample(fc.string({ unit: "grapheme-ascii", minLength: 6, maxLength: 40 }), { numRuns: 300, seed: 3 });
    const patterns = redactionPatterns(secrets).map((p) => Buffer.from(p));
    const pieces = fc.sample(fc.oneof(fc.constantFrom(...patterns.map((p) => p.toString())), fc.string({ unit: "grapheme-ascii", maxLength: 30 })), { numRuns: 1500, seed: 4 });
    const input = Buffer.from(pieces.join(" "));
    const expected = naiveRedact(input, patterns, Buffer.from("[MASKED]"));
    const cuts = Array.from({ length: 200 }, (_, i) => Math.floor((i * input.length) / 200));
    expect(runChunked(createRedactor(secrets), input, cuts).equals(expected)).toBe(true);
  });
});

describe("createRedactStream", () => {
  it("redacts a stream across chunk boundaries and prints held bytes at its end", async () => {
    const stream = createRedactStream(createRedactor(["hunter22-secret"]));
    const chunks = ["pass hunter", "22-sec", "ret done; hun", "ter"].map((c) => Buffer.from(c));
    const received: Buffer[] = [];
    await pipeline(
      Readable.from(chunks),
      stream,
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          received.push(chunk);
          callback();
        },
      }),
    );
    expect(Buffer.concat(received).toString()).toBe("pass [MASKED] done; hunter");
  });
});
