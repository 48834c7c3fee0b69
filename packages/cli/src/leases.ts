/**
 * Leasing and revoking for the CLI's commands: `lease`, `revoke`, and `run`/`load` with --dynamic-secrets. Every lease
 * is recorded in the lease file the moment it exists, so whatever happens next, a `revoke` (GitLab's after_script, a
 * CircleCI `when: always` step) finds it.
 */
import { resolve } from "node:path";
import {
  type LeaseRecord,
  type LeaseRequest,
  type LeasedCredentials,
  type LeaseVariable,
  createDynamicSecretsClient,
  errorMessage,
  describeLease,
  leaseVariables,
  masksForAll,
  parseLeaseRequests,
  revokeRecordedLease,
} from "@secrets-action/core";
import type { LoginConfig } from "./fetch-config.js";
import { defaultLeaseFile, readLeaseFile, recordLease, writeLeaseFile } from "./lease-file.js";
import { type LoadContext, type OpenSession, openSession } from "./load-secrets.js";
import type { CommandContext } from "./command.js";

/** What to lease and where to record it. */
export interface LeasePlan {
  readonly requests: readonly LeaseRequest[];
  readonly leaseFile: string;
}

/**
 * Reads --dynamic-secrets and --lease-file. With `required`, no lease is a problem (the `lease` command); the scope
 * must name a project by slug, since the lease API takes no project id.
 */
export function readLeasePlan(context: CommandContext, scope: { projectSlug: string | undefined; method: string }, required: boolean): LeasePlan {
  const { values } = context;
  const lines = values.list("dynamic-secrets");
  const { requests, problems } = parseLeaseRequests(lines.join("\n"), values.label("dynamic-secrets"));
  values.problems.push(...problems);
  if (required && lines.length === 0) values.problems.push(`${values.ways("dynamic-secrets")}: required. Name the dynamic secrets to lease, e.g. pg-app@30m.`);
  if (lines.length > 0) {
    if (scope.method === "service-token") {
      values.problems.push(`${values.label("dynamic-secrets")}: a service token cannot lease dynamic secrets. Log in with a machine identity (universal, oidc, aws-iam or token).`);
    } else if (scope.projectSlug === undefined) {
      values.problems.push(`${values.label("dynamic-secrets")}: needs ${values.label("project-slug")} (the lease API names projects by slug, not id).`);
    }
  }
  return { requests, leaseFile: readLeaseFilePath(context) };
}

/** --lease-file, resolved against the current folder, or the CI's default. */
export function readLeaseFilePath(context: CommandContext): string {
  const given = context.values.string("lease-file");
  if (given === undefined) return defaultLeaseFile(context.conventions, context.env);
  return resolve(context.cwd, given);
}

/** The leases made, their credentials' variables, and every credential value (for redaction). */
export interface Leased {
  readonly records: readonly LeaseRecord[];
  readonly variables: readonly LeaseVariable[];
  readonly sensitive: readonly string[];
  /** Credentials shorter than the redaction minimum, by variable name. */
  readonly short: readonly string[];
}

/**
 * Leases each request in order with a logged-in session, recording each in the lease file at once, then names the
 * credentials (`taken`: the names secrets already use). A failure part-way revokes the leases made so far.
 */
export async function leaseWith(
  open: OpenSession,
  scope: { projectSlug: string; environment: string },
  plan: LeasePlan,
  context: LoadContext,
  options: { maskMinLength: number; taken?: ReadonlyMap<string, string>; platform?: string },
): Promise<Leased> {
  const client = createDynamicSecretsClient(open.session);
  const credentials: LeasedCredentials[] = [];
  const records: LeaseRecord[] = [];
  try {
    return await leaseEach();
  } catch (error) {
    // Fail closed: a command that fails leaves no lease behind.
    if (records.length > 0) await revokeWith(open, records, plan.leaseFile, context);
    throw error;
  }

  async function leaseEach(): Promise<Leased> {
    for (const request of plan.requests) {
      const created = await client.lease(request.name, { ...scope, path: request.path, ttl: request.ttl });
      const record: LeaseRecord = { id: created.lease.id, name: request.name, path: request.path, ...scope, expiresAt: created.lease.expireAt.toISOString() };
      records.push(record);
      credentials.push({ request, data: created.data });
      await recordLease(plan.leaseFile, record);
      const ttl = request.ttl ?? `the default TTL, ${created.dynamicSecret.defaultTTL}`;
      context.log.info(`leased ${describeLease(request)} for ${ttl}: lease ${record.id}, expires ${record.expiresAt} (recorded in ${plan.leaseFile}).`);
    }
    const { variables, warnings } = leaseVariables(credentials, options.taken, options.platform ?? context.platform ?? process.platform);
    for (const warning of warnings) context.log.warn(warning);
    const sensitive = variables.map((variable) => variable.value);
    const { short } = masksForAll(
      variables.map((variable) => ({ key: variable.name, value: variable.value })),
      { minLength: options.maskMinLength },
    );
    return { records, variables, sensitive, short };
  }
}

/** Revokes `records` with a session still open, and drops the revoked ones from the lease file. */
export async function revokeWith(open: OpenSession, records: readonly LeaseRecord[], leaseFile: string, context: LoadContext): Promise<RevokeSummary> {
  const client = createDynamicSecretsClient(open.session);
  const summary = { revoked: 0, pending: 0, failed: 0 };
  const done = new Set<string>();
  for (const record of records) {
    const result = await revokeRecordedLease(client, record);
    if (result.outcome === "failed") {
      context.log.warn(result.message);
      summary.failed += 1;
      continue;
    }
    done.add(record.id);
    if (result.outcome === "pending") {
      context.log.warn(result.message);
      summary.pending += 1;
    } else {
      context.log.info(lowerFirst(result.message));
      summary.revoked += 1;
    }
  }
  const kept = (await readLeaseFile(leaseFile)).filter((record) => !done.has(record.id));
  await writeLeaseFile(leaseFile, kept);
  return summary;
}

/** How a `revoke` went. */
export interface RevokeSummary {
  /** Revoked now, or already gone. */
  readonly revoked: number;
  /** Kept by the server as failed-deletion; it retries them. */
  readonly pending: number;
  /** Not revoked: still in the lease file. */
  readonly failed: number;
}

/**
 * Revokes the records in the lease file (only `ids` when given), logging in with `login`; keeps the ones that could
 * not be revoked in the file, so a later `revoke` can try again, and deletes the file when none is left.
 * Never throws for a lease the server would not revoke: each is a warning naming it and when it expires.
 */
/**
 * {@link revokeFromFile} for a command's own leases when it ends or fails: never throws (a login that fails now is a
 * warning — the leases stay recorded for a later `revoke`, and end at their TTL anyway).
 */
export async function revokeOwnLeases(login: LoginConfig, leaseFile: string, records: readonly LeaseRecord[], context: LoadContext): Promise<void> {
  if (records.length === 0) return;
  try {
    await revokeFromFile(login, leaseFile, context, { ids: new Set(records.map((record) => record.id)) });
  } catch (error) {
    context.log.warn(`could not revoke the leases this command made (${errorMessage(error)}); they stay in ${leaseFile} for a later revoke, and end at their TTL.`);
  }
}

export async function revokeFromFile(
  login: LoginConfig,
  leaseFile: string,
  context: LoadContext,
  options: { ids?: ReadonlySet<string> } = {},
): Promise<RevokeSummary> {
  const records = await readLeaseFile(leaseFile);
  const chosen = records.filter((record) => options.ids === undefined || options.ids.has(record.id));
  if (chosen.length === 0) {
    context.log.info(`no leases to revoke in ${leaseFile}.`);
    return { revoked: 0, pending: 0, failed: 0 };
  }
  const open = await openSession(login, context);
  try {
    return await revokeWith(open, chosen, leaseFile, context);
  } finally {
    await open.close();
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
