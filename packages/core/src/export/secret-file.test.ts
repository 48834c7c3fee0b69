import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isSecretsActionError } from "../errors.js";
import { writeSecretFile, type SecretFileSystem } from "./secret-file.js";

const dir = mkdtempSync(join(tmpdir(), "secret-file-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const posix = process.platform !== "win32";
const mode = (path: string): number => statSync(path).mode & 0o777;

describe("writeSecretFile", () => {
  it("creates the file readable by its owner only, creating missing directories", async () => {
    const path = join(dir, "a", "b", ".env");
    await writeSecretFile(path, "A='1'\n");
    expect(readFileSync(path, "utf8")).toBe("A='1'\n");
    if (posix) {
      expect(mode(path)).toBe(0o600);
      expect(mode(join(dir, "a", "b"))).toBe(0o700);
    }
    expect(readdirSync(join(dir, "a", "b"))).toEqual([".env"]);
  });

  it("replaces an existing world-readable file with a 0600 one", async () => {
    const path = join(dir, "existing.env");
    writeFileSync(path, "old and longer content\n");
    chmodSync(path, 0o644);
    await writeSecretFile(path, new TextEncoder().encode("new\n"));
    expect(readFileSync(path, "utf8")).toBe("new\n");
    if (posix) expect(mode(path)).toBe(0o600);
  });

  it("replaces a symlink planted at the path instead of writing through it", async () => {
    const target = join(dir, "target.txt");
    writeFileSync(target, "untouched");
    const path = join(dir, "link.env");
    symlinkSync(target, path);
    await writeSecretFile(path, "secret\n");
    expect(readFileSync(target, "utf8")).toBe("untouched");
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
    expect(readFileSync(path, "utf8")).toBe("secret\n");
  });

  it("fails with an EXPORT error naming the path and the step, never the content, and leaves no temporary file", async () => {
    const sub = join(dir, "failing");
    const failingRename: SecretFileSystem = {
      mkdir: fs.mkdir,
      open: fs.open,
      unlink: fs.unlink,
      rename: () => Promise.reject(Object.assign(new Error("nope"), { code: "EXDEV" })),
    };
    const path = join(sub, ".env");
    const error: unknown = await writeSecretFile(path, "hunter2-secret", failingRename).catch((e: unknown) => e);
    expect(isSecretsActionError(error) && error.code).toBe("EXPORT");
    expect((error as Error).message).toBe(`${path}: could not move it into place (EXDEV)`);
    expect((error as Error).message).not.toContain("hunter2");
    expect(readdirSync(sub)).toEqual([]);
  });

  it("fails clearly when the directory cannot be created", async () => {
    const blocker = join(dir, "blocker");
    writeFileSync(blocker, "");
    await expect(writeSecretFile(join(blocker, "x", ".env"), "v")).rejects.toThrow(/could not create its directory \((ENOTDIR|EEXIST)\)/);
  });
});
