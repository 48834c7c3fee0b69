import { describe, expect, it } from "vitest";
import { parseListBody, parseSecretBody } from "./parse.js";

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

describe("parseSecretBody", () => {
  it("explains an approval-policy answer instead of failing on its shape", () => {
    expect(() => parseSecretBody({ approval: { id: "1" } }, "POST /api/v3/secrets/raw/A", "/", "dev")).toThrowError(/needs approval/);
  });
});
