import { describe, expect, it } from "vitest";
import { mergeListing } from "./merge.js";
import type { SecretListing, SecretRecord } from "./types.js";

function secret(key: string, value: string, path = "/", extra: Partial<SecretRecord> = {}): SecretRecord {
  return { id: `${path}:${key}`, key, value, path, environment: "dev", comment: "", version: 1, type: "shared", tags: [], skipMultilineEncoding: false, ...extra };
}

function listing(secrets: SecretRecord[], imports: SecretListing["imports"] = []): SecretListing {
  return { secrets, imports, apiVersion: "v3" };
}

describe("mergeListing", () => {
  it("lets the folder's own secrets win over imports", () => {
    const result = mergeListing(listing([secret("A", "own")], [{ path: "/shared", environment: "dev", secrets: [secret("A", "imported", "/shared")] }]));
    expect(result.secrets).toEqual([{ key: "A", value: "own", path: "/", environment: "dev", source: "folder" }]);
  });

  it("walks imports from the last to the first, the first key seen winning (the bottom-most import wins)", () => {
    const result = mergeListing(
      listing(
        [],
        [
          { path: "/first", environment: "dev", secrets: [secret("X", "first", "/first"), secret("ONLY_FIRST", "1", "/first")] },
          { path: "/last", environment: "prod", secrets: [secret("X", "last", "/last", { environment: "prod" })] },
        ],
      ),
    );
    expect(Object.fromEntries(result.secrets.map((s) => [s.key, s.value]))).toEqual({ X: "last", ONLY_FIRST: "1" });
    expect(result.secrets.find((s) => s.key === "X")).toMatchObject({ path: "/last", environment: "prod", source: "import" });
    expect(result.collisions).toEqual([]);
  });

  it("resolves a recursive collision to the deepest folder and reports it by name", () => {
    // Real servers do not order recursive results by path.
    const result = mergeListing(listing([secret("DB", "deep", "/app/db"), secret("DB", "root", "/"), secret("DB", "mid", "/app"), secret("OK", "1", "/app")]));
    expect(result.secrets.find((s) => s.key === "DB")).toMatchObject({ value: "deep", path: "/app/db" });
    expect(result.collisions).toEqual([{ key: "DB", paths: ["/", "/app", "/app/db"], chosen: "/app/db" }]);
    // Whichever folder the server lists first.
    const rootFirst = mergeListing(listing([secret("DB", "root", "/"), secret("DB", "deep", "/app/db")]));
    expect(rootFirst.secrets).toMatchObject([{ key: "DB", value: "deep", path: "/app/db" }]);
  });

  it("breaks a tie between folders of the same depth by the path that sorts last", () => {
    const result = mergeListing(listing([secret("K", "b", "/b"), secret("K", "a", "/a")]));
    expect(result.secrets[0]).toMatchObject({ value: "b", path: "/b" });
    expect(result.collisions[0]?.chosen).toBe("/b");
  });

  it("fails naming keys and folders — never values — under the fail rule", () => {
    expect(() => mergeListing(listing([secret("K", "value-one", "/a"), secret("K", "value-two", "/b")]), "fail")).toThrowError(
      /K \(\/a, \/b → \/b\)/,
    );
    try {
      mergeListing(listing([secret("K", "value-one", "/a"), secret("K", "value-two", "/b")]), "fail");
    } catch (error) {
      expect(String(error)).not.toMatch(/value-one|value-two/);
      expect((error as { code?: string }).code).toBe("EXPORT");
    }
  });

  it("lets a personal override win over the shared secret of the same folder without calling it a collision", () => {
    const result = mergeListing(listing([secret("K", "shared"), secret("K", "mine", "/", { type: "personal" })]));
    expect(result.secrets).toHaveLength(1);
    expect(result.secrets[0]?.value).toBe("mine");
    expect(result.collisions).toEqual([]);
  });

  it("keeps the server's order of the folder's secrets, then the imported keys", () => {
    const result = mergeListing(listing([secret("Z", "1"), secret("A", "2")], [{ path: "/s", environment: "dev", secrets: [secret("M", "3", "/s")] }]));
    expect(result.secrets.map((s) => s.key)).toEqual(["Z", "A", "M"]);
  });
});
