import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HIDDEN_VALUE, parseListBody, parseSecret, parseSecretBody, slimSecret } from "./parse.js";

const raw = (key: string, value: string, extra: Record<string, unknown> = {}) => ({
  id: `id-${key}`, _id: `id-${key}`, workspace: "p", environment: "dev", version: 2, type: "shared", secretKey: key, secretValue: value,
  secretComment: "c", skipMultilineEncoding: false, secretValueHidden: false, ...extra,
});

describe("parseListBody", () => {
  it("reads secrets, tags and imports, treating a missing imports key as none", () => {
    const parsed = parseListBody({ secrets: [raw("A", "1", { secretPath: "/app", tags: [{ slug: "db", name: "db" }] })] }, "GET /x", "/", "dev");
    expect(parsed.imports).toEqual([]);
    expect(parsed.secrets[0]).toMatchObject({ key: "A", value: "1", path: "/app", tags: ["db"], version: 2, comment: "c" });
  });

  it("gives imported secrets the imported folder's path and environment", () => {
    const parsed = parseListBody({ secrets: [], imports: [{ secretPath: "/shared", environment: "prod", secrets: [raw("B", "2", { workspace: "" })] }] }, "GET /x", "/", "dev");
    expect(parsed.imports[0]?.secrets[0]).toMatchObject({ key: "B", path: "/shared", environment: "prod" });
  });

  it("refuses a hidden value instead of exporting the placeholder", () => {
    expect(() => parseListBody({ secrets: [raw("A", "<hidden-by-infisical>", { secretValueHidden: true })] }, "GET /api/v3/secrets/raw", "/", "dev")).toThrowError(
      /value of secret A is hidden/,
    );
  });

  it("names the endpoint and the problem when the body is not a listing", () => {
    expect(() => parseListBody("<html>", "GET /api/v3/secrets/raw", "/", "dev")).toThrowError(/GET \/api\/v3\/secrets\/raw: unexpected response, no secrets array/);
    expect(() => parseListBody({ secrets: [{ secretKey: 1 }] }, "GET /x", "/", "dev")).toThrowError(/without secretKey/);
  });
});

describe("slimSecret", () => {
  it("keeps every field parseSecret reads: a reduced secret reads, or fails, exactly as the whole one", () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(HIDDEN_VALUE), fc.array(fc.record({ slug: fc.string() }), { maxLength: 2 }));
    const field = fc.constantFrom("id", "_id", "secretKey", "secretValue", "secretValueHidden", "secretPath", "environment", "secretComment", "version", "type", "tags", "skipMultilineEncoding", "createdAt", "workspace");
    const outcome = (raw: unknown): unknown => {
      try {
        return parseSecret(raw, "GET /x", "/", "dev");
      } catch (error) {
        return String(error);
      }
    };
    fc.assert(
      fc.property(fc.dictionary(field, value), fc.string(), fc.string(), (extra, key, secretValue) => {
        const whole = { secretKey: key, secretValue, ...extra };
        expect(outcome(slimSecret(whole))).toEqual(outcome(whole));
      }),
      { numRuns: 500 },
    );
    expect(slimSecret("not an object")).toBe("not an object");
  });
});

describe("parseSecretBody", () => {
  it("explains an approval-policy answer instead of failing on its shape", () => {
    expect(() => parseSecretBody({ approval: { id: "1" } }, "POST /api/v3/secrets/raw/A", "/", "dev")).toThrowError(/needs approval/);
  });
});
