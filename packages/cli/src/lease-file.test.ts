import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LeaseRecord } from "@secrets-action/core";
import { afterAll, describe, expect, it } from "vitest";
import { genericConventions } from "./conventions.js";
import { defaultLeaseFile, readLeaseFile, recordLease, writeLeaseFile } from "./lease-file.js";

const dir = mkdtempSync(join(tmpdir(), "lease-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (id: string, name = "pg-app"): LeaseRecord => ({ id, name, path: "/", projectSlug: "shop", environment: "ci", expiresAt: "2030-01-01T00:00:00.000Z" });
let files = 0;
const fresh = (): string => join(dir, `leases-${++files}.json`);

describe("the lease file", () => {
  it("holds no records until one is recorded, then every one, 0600, with no duplicate ids", async () => {
    const path = fresh();
    expect(await readLeaseFile(path)).toEqual([]);
    await recordLease(path, record("a"));
    await recordLease(path, record("b", "pg-other"));
    await recordLease(path, { ...record("a"), expiresAt: "2031-01-01T00:00:00.000Z" });
    expect((await readLeaseFile(path)).map((lease) => [lease.id, lease.expiresAt])).toEqual([
      ["b", "2030-01-01T00:00:00.000Z"],
      ["a", "2031-01-01T00:00:00.000Z"],
    ]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, "utf8"))).toMatchObject({ version: 1 });
  });

  it("is deleted when the last record goes", async () => {
    const path = fresh();
    await recordLease(path, record("a"));
    await writeLeaseFile(path, []);
    expect(() => statSync(path)).toThrow();
    await writeLeaseFile(path, []);
    expect(await readLeaseFile(path)).toEqual([]);
  });

  it("refuses a file that is not one it wrote, naming the file and what to do", async () => {
    for (const content of ["{not json", '{"version":1,"leases":[{"id":"a"}]}', '{"leases":"none"}', "[]"]) {
      const path = fresh();
      writeFileSync(path, content);
      await expect(readLeaseFile(path)).rejects.toMatchObject({ code: "LEASE", message: expect.stringContaining(`${path}: not a lease file written by this CLI`) });
    }
    await expect(readLeaseFile(dir)).rejects.toMatchObject({ code: "LEASE", message: expect.stringContaining(`${dir}: cannot read the lease file (EISDIR)`) });
  });

  it("defaults to the CI's temporary folder, named after the job (made safe for a file name)", () => {
    const ci = { ...genericConventions, tempDir: () => "/ci/tmp", jobId: (env: Record<string, string | undefined>) => env["JOB"] };
    expect(defaultLeaseFile(ci, { JOB: "42" })).toBe("/ci/tmp/secrets-action-leases-42.json");
    expect(defaultLeaseFile(ci, { JOB: "a/b c" })).toBe("/ci/tmp/secrets-action-leases-a_b_c.json");
    expect(defaultLeaseFile(ci, {})).toBe("/ci/tmp/secrets-action-leases.json");
    expect(defaultLeaseFile(genericConventions, {})).toBe(join(tmpdir(), "secrets-action-leases.json"));
  });
});
