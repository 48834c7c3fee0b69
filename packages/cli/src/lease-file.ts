/**
 * The lease file: what `lease` (and `run`/`load` with --dynamic-secrets) leased, for `revoke` in a later step or in
 * GitLab's `after_script`, which run in another shell or process. It holds lease records only — ids and where the
 * dynamic secret lives, never credentials — as JSON, written with mode 0600 and replaced whole after every change, so
 * a job killed between two leases still has the first one on record.
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { type LeaseRecord, SecretsActionError, writeSecretFile } from "@secrets-action/core";
import type { CiConventions } from "./conventions.js";
import type { Env } from "./option-values.js";

interface LeaseFileContent {
  version: 1;
  leases: LeaseRecord[];
}

/** The default lease file: in the CI's private temporary folder, else the system's, named after the job when known. */
export function defaultLeaseFile(conventions: CiConventions, env: Env): string {
  const job = conventions.jobId?.(env);
  return join(conventions.tempDir?.(env) ?? tmpdir(), `secrets-action-leases${job ? `-${job.replace(/[^A-Za-z0-9_.-]/g, "_")}` : ""}.json`);
}

/** The records in the file; none when it does not exist. */
export async function readLeaseFile(path: string): Promise<LeaseRecord[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return [];
    throw new SecretsActionError("LEASE", `${path}: cannot read the lease file (${String((error as { code?: unknown }).code ?? error)})`, {
      hint: "check --lease-file and that this step runs as the user that leased",
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const leases = (parsed as Partial<LeaseFileContent> | undefined)?.leases;
  if (!Array.isArray(leases) || !leases.every(isRecord)) {
    throw new SecretsActionError("LEASE", `${path}: not a lease file written by this CLI`, { hint: "point --lease-file at the file lease wrote, or delete the file" });
  }
  return leases;
}

/** Replaces the file with `leases`; deletes it when there are none left. */
export async function writeLeaseFile(path: string, leases: readonly LeaseRecord[]): Promise<void> {
  if (leases.length === 0) {
    await rm(path, { force: true });
    return;
  }
  const content: LeaseFileContent = { version: 1, leases: [...leases] };
  await writeSecretFile(path, `${JSON.stringify(content, null, 2)}\n`);
}

/** Adds one record, keeping those already there (several `lease` steps may share one file). */
export async function recordLease(path: string, lease: LeaseRecord): Promise<void> {
  const leases = await readLeaseFile(path);
  await writeLeaseFile(path, [...leases.filter((known) => known.id !== lease.id), lease]);
}

function isRecord(value: unknown): value is LeaseRecord {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return ["id", "name", "path", "projectSlug", "environment", "expiresAt"].every((key) => typeof record[key] === "string");
}
