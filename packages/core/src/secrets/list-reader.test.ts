import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createListReader } from "./list-reader.js";
import { slimSecret } from "./parse.js";

/** Feeds `body` to a fresh reader in pieces of the given sizes (cycled), and ends it. */
function read(body: string, pieces: readonly number[], windowBytes: number): ReturnType<ReturnType<typeof createListReader>["end"]> {
  const reader = createListReader(windowBytes);
  const bytes = Buffer.from(body);
  for (let at = 0, index = 0; at < bytes.length; index++) {
    const size = Math.max(1, pieces[index % pieces.length] ?? 1);
    // A copy, as the socket gives: the reader must not rely on the bytes staying put.
    reader.write(Buffer.from(bytes.subarray(at, at + size)));
    at += size;
  }
  return reader.end();
}

/** What a whole parse gives, with the secrets reduced as the reader reduces them. */
function expected(body: string): unknown {
  const whole = JSON.parse(body) as { secrets: unknown[] };
  return { ...whole, secrets: whole.secrets.map(slimSecret) };
}

// Strings that look like the reader's cut, or like JSON, from inside a value.
const tricky = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.constantFrom('"},{"', "},{", "\\", '\\"},{"secretKey":"X"}', "ü€😀", '{"secrets":['),
);
const tag = fc.record({ id: fc.uuid(), slug: tricky, name: tricky });
const secret = fc.record({
  id: fc.uuid(),
  _id: fc.uuid(),
  workspace: fc.uuid(),
  environment: fc.constantFrom("dev", "prod"),
  version: fc.nat(),
  type: fc.constantFrom("shared", "personal"),
  secretKey: tricky,
  secretValue: tricky,
  secretComment: tricky,
  secretPath: fc.constantFrom("/", "/app", "/a/b"),
  skipMultilineEncoding: fc.boolean(),
  createdAt: fc.string(),
  tags: fc.array(tag, { maxLength: 3 }),
  secretMetadata: fc.array(fc.record({ key: tricky, value: tricky }), { maxLength: 2 }),
});
const listing = fc.record({
  secrets: fc.array(secret, { maxLength: 30 }),
  imports: fc.array(fc.record({ secretPath: fc.constantFrom("/shared"), environment: fc.constantFrom("dev"), secrets: fc.array(secret, { maxLength: 5 }) }), { maxLength: 2 }),
});

describe("createListReader", () => {
  it("gives what one JSON.parse gives, the secrets reduced, however the bytes arrive and whatever the values hold", () => {
    fc.assert(
      fc.property(listing, fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 2_000 }), (list, pieces, windowBytes) => {
        const body = JSON.stringify(list);
        expect(read(body, pieces, windowBytes)).toEqual({ value: expected(body) });
      }),
      { numRuns: 300 },
    );
  });

  it("keeps only the fields a secret is read by", () => {
    const body = JSON.stringify({ secrets: [{ id: "i", secretKey: "K", secretValue: "v", createdAt: "2026", secretMetadata: [], workspace: "w" }], imports: [] });
    expect(read(body, [7], 16)).toEqual({ value: { secrets: [{ id: "i", secretKey: "K", secretValue: "v" }], imports: [] } });
  });

  it("reads a 5 000-secret listing in windows, with the cut proved against values full of '},{'", () => {
    const secrets = Array.from({ length: 5_000 }, (_, index) => ({ id: `id-${index}`, secretKey: `K${index}`, secretValue: index % 3 === 0 ? `a"},{"b\\\\"},{${index}` : `v${index}`, tags: [{ slug: "x" }, { slug: "y" }] }));
    const body = JSON.stringify({ secrets, imports: [] });
    const result = read(body, [65_536, 1_000, 30_000], 4_096);
    expect(result).toEqual({ value: expected(body) });
  });

  it("hands back as text, whole, an answer that does not start as a listing", () => {
    for (const body of ['{"imports":[],"secrets":[{"secretKey":"A","secretValue":"1"}]}', ' {"secrets":[]}', "<html>not the API</html>", "{}", ""]) {
      expect(read(body, [3], 4)).toEqual({ text: body });
    }
  });

  it("hands back as text an answer cut short, so the client reports it as cut off", () => {
    const body = JSON.stringify({ secrets: Array.from({ length: 50 }, (_, index) => ({ secretKey: `K${index}`, secretValue: "v".repeat(40) })), imports: [] });
    const result = read(body.slice(0, Math.floor(body.length * 0.7)), [100], 256);
    expect("text" in result && result.text.startsWith('{"secrets":[')).toBe(true);
    expect(() => JSON.parse("text" in result ? result.text : "")).toThrow();
  });

  it("reads an empty listing and multi-byte text split across pieces", () => {
    expect(read('{"secrets":[],"imports":[]}', [1], 1)).toEqual({ value: { secrets: [], imports: [] } });
    const body = JSON.stringify({ secrets: [{ secretKey: "K", secretValue: "ünïcødé 🔑" }, { secretKey: "L", secretValue: "€".repeat(100) }] });
    expect(read(body, [1, 2, 3], 8)).toEqual({ value: expected(body) });
  });
});
