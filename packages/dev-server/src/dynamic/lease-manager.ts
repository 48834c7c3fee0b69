import { randomUUID } from "node:crypto";

import { badRequest, notFound } from "../errors.js";
import type { DynamicSecret, Lease, Store } from "../store.js";
import { generatePassword, generateUsername } from "./credentials.js";
import { ProviderError, SqlProvider } from "./sql-provider.js";
import { ttlMs } from "./ttl.js";

/**
 * Leases of dynamic secrets and their lifecycle (`dynamic-secret-lease-service.ts` + `-queue.ts` on the real server):
 * create, renew, revoke, the revocation at `expireAt` (a timer here, a BullMQ job there), and the retries of a
 * failed revocation. The routes resolve project, folder and permission first; this class does the rest.
 */

/** The real `DynamicSecretLeaseStatus.FailedDeletion` (its value is this text). */
export const FAILED_DELETION = "Failed to delete";
/** The real `DynamicSecretStatus.Deleting`. */
export const DELETING = "Deleting";

export interface DynamicSecretsOptions {
  /**
   * Default 1. Expiry timers wait `(expireAt - now) / timeScale` ms: with 60 a lease of "1m" (the shortest the API
   * accepts) is revoked after one real second. expireAt and VALID UNTIL keep their real values.
   */
  timeScale?: number;
  /** Waits between the retries of a failed revocation, in ms; default [1000, 2000, 4000, 8000, 16000]. */
  retryDelaysMs?: number[];
  /** Default true. false answers as a self-hosted server without an Enterprise licence (400 plan restriction). */
  licensed?: boolean;
  /** Default false: close() leaves the roles of live leases in the database. true revokes them first (isForced). */
  revokeOnClose?: boolean;
  /** Connection timeout of the provider, ms; default 10000. */
  connectTimeoutMs?: number;
  /** Default 10000 (`MAX_LEASE_LIMIT`). */
  maxLeases?: number;
}

/** setTimeout's longest wait; longer waits are chained. */
const MAX_TIMER_MS = 2_147_483_647;

export class LeaseManager {
  readonly provider: SqlProvider;
  readonly timeScale: number;
  readonly licensed: boolean;
  private readonly retryDelaysMs: number[];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  /** One provider operation at a time per lease: an expiry firing during a revoke or renew waits for it. */
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Bumped by reset/close so that jobs started before do not touch the new state. */
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly options: DynamicSecretsOptions = {},
  ) {
    if (options.timeScale !== undefined && !(options.timeScale > 0)) throw new Error("dynamicSecrets.timeScale must be a number > 0");
    this.timeScale = options.timeScale ?? 1;
    this.licensed = options.licensed ?? true;
    this.retryDelaysMs = options.retryDelaysMs ?? [1000, 2000, 4000, 8000, 16000];
    this.provider = new SqlProvider(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs });
  }

  // ---- leases ------------------------------------------------------------------------------------------

  /** Creates the credentials and the lease; the TTL is checked against maxTTL before anything is created. */
  async createLease(secret: DynamicSecret, identityName: string, ttl: string | undefined): Promise<{ lease: Lease; data: Record<string, string> }> {
    const maxLeases = this.options.maxLeases ?? 10_000;
    if (this.store.leasesOf(secret.id).length >= maxLeases) throw badRequest(`Max lease limit reached. Limit: ${maxLeases}`);
    const now = this.now();
    const expireAt = now + ttlMs(ttl || secret.defaultTTL);
    if (secret.maxTTL && expireAt > now + ttlMs(secret.maxTTL, "maxTTL")) throw badRequest("TTL cannot be larger than max TTL");
    const username = generateUsername(secret.usernameTemplate, { identityName, dynamicSecret: { name: secret.name, type: secret.type }, now });
    const password = generatePassword();
    await this.provider.create(secret.inputs, username, password, expireAt).catch(rethrowAs400);
    const lease: Lease = {
      id: randomUUID(),
      version: 1,
      externalEntityId: username,
      expireAt,
      status: null,
      statusDetails: null,
      dynamicSecretId: secret.id,
      config: null,
      createdAt: now,
      updatedAt: now,
    };
    this.store.leases.set(lease.id, lease);
    this.scheduleExpiry(lease);
    return { lease, data: { DB_USERNAME: username, DB_PASSWORD: password } };
  }

  /** New expireAt = old expireAt + ttl (or defaultTTL); beyond createdAt + maxTTL is a 400 and nothing changes. */
  renewLease(secret: DynamicSecret, lease: Lease, ttl: string | undefined): Promise<Lease> {
    return this.exclusive(lease.id, async () => {
      if (!this.store.leases.has(lease.id)) throw notFound(`Dynamic secret lease with ID '${lease.id}' not found`);
      return this.renewNow(secret, lease, ttl);
    });
  }

  private async renewNow(secret: DynamicSecret, lease: Lease, ttl: string | undefined): Promise<Lease> {
    const expireAt = lease.expireAt + ttlMs(ttl || secret.defaultTTL);
    if (secret.maxTTL && expireAt > lease.createdAt + ttlMs(secret.maxTTL, "maxTTL")) {
      throw badRequest("The requested renewal would exceed the maximum allowed lease duration. Please choose a shorter TTL");
    }
    await this.provider.renew(secret.inputs, lease.externalEntityId, expireAt).catch(rethrowAs400);
    lease.expireAt = expireAt;
    lease.updatedAt = this.now();
    this.scheduleExpiry(lease);
    return lease;
  }

  /**
   * Revokes through the provider and deletes the lease. When the provider fails and `isForced` is false, the lease
   * stays with status "Failed to delete" and the error in statusDetails, and retries are scheduled; with `isForced`
   * the error is ignored.
   */
  revokeLease(secret: DynamicSecret, lease: Lease, isForced: boolean): Promise<Lease> {
    // Revoked meanwhile (by its expiry): the lease is gone, which is what was asked.
    return this.exclusive(lease.id, async () => (this.store.leases.has(lease.id) ? this.revokeNow(secret, lease, isForced) : lease));
  }

  private async revokeNow(secret: DynamicSecret, lease: Lease, isForced: boolean): Promise<Lease> {
    try {
      await this.provider.revoke(secret.inputs, lease.externalEntityId);
    } catch (error) {
      if (!isForced) {
        this.markFailed(lease, error);
        this.scheduleRetry(lease.id, 0);
        return lease;
      }
    }
    this.forget(lease.id);
    return lease;
  }

  /** Runs the expiry job of a lease now (what happens at expireAt). Resolves true when the lease was revoked. */
  async expire(leaseId: string): Promise<boolean> {
    const lease = this.store.leases.get(leaseId);
    if (!lease) return false;
    this.clearTimer(leaseId);
    await this.track(this.revokeJob(leaseId, 0));
    return !this.store.leases.has(leaseId);
  }

  /** Revokes every lease (all dynamic secrets); `isForced` ignores provider errors. Resolves the number revoked. */
  async revokeAll(options: { isForced?: boolean } = {}): Promise<number> {
    let revoked = 0;
    for (const lease of [...this.store.leases.values()]) {
      const secret = this.store.dynamicSecrets.get(lease.dynamicSecretId);
      if (!secret) continue;
      await this.revokeLease(secret, lease, options.isForced ?? false);
      if (!this.store.leases.has(lease.id)) revoked += 1;
    }
    return revoked;
  }

  // ---- dynamic secrets -------------------------------------------------------------------------------

  /**
   * Deletes a dynamic secret like the real service: forced → at once (its leases are forgotten, their roles stay);
   * with leases → status "Deleting", the leases are revoked in the background and then the secret is deleted (or gets
   * "Failed to delete"); without leases → at once.
   */
  deleteDynamicSecret(secret: DynamicSecret, isForced: boolean): DynamicSecret {
    const leases = this.store.leasesOf(secret.id);
    if (isForced || leases.length === 0) {
      for (const lease of leases) this.forget(lease.id);
      this.store.dynamicSecrets.delete(secret.id);
      return secret;
    }
    secret.status = DELETING;
    secret.updatedAt = this.now();
    const generation = this.generation;
    void this.track(
      (async () => {
        const problems: string[] = [];
        for (const lease of leases) {
          await this.exclusive(lease.id, async () => {
            if (generation !== this.generation || !this.store.leases.has(lease.id)) return;
            try {
              await this.provider.revoke(secret.inputs, lease.externalEntityId);
              if (generation === this.generation) this.forget(lease.id);
            } catch (error) {
              problems.push(error instanceof Error ? error.message : String(error));
            }
          });
        }
        if (generation !== this.generation) return;
        if (problems.length === 0) this.store.dynamicSecrets.delete(secret.id);
        else {
          secret.status = FAILED_DELETION;
          secret.statusDetails = problems.join("; ").slice(0, 255);
          secret.updatedAt = this.now();
        }
      })(),
    );
    return secret;
  }

  // ---- timers ----------------------------------------------------------------------------------------

  private scheduleExpiry(lease: Lease): void {
    const wait = Math.max(0, lease.expireAt - this.now()) / this.timeScale;
    this.setTimer(lease.id, wait, () => this.revokeJob(lease.id, 0));
  }

  private scheduleRetry(leaseId: string, attempt: number): void {
    const wait = this.retryDelaysMs[attempt];
    if (wait === undefined) return; // retries exhausted: the lease stays "Failed to delete"
    this.setTimer(leaseId, wait, () => this.revokeJob(leaseId, attempt + 1));
  }

  private setTimer(leaseId: string, wait: number, job: () => Promise<void>): void {
    this.clearTimer(leaseId);
    const generation = this.generation;
    const step = Math.min(wait, MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.timers.delete(leaseId);
      if (generation !== this.generation) return;
      if (wait > MAX_TIMER_MS) this.setTimer(leaseId, wait - MAX_TIMER_MS, job);
      else void this.track(job());
    }, step);
    timer.unref();
    this.timers.set(leaseId, timer);
  }

  private clearTimer(leaseId: string): void {
    const timer = this.timers.get(leaseId);
    if (timer) clearTimeout(timer);
    this.timers.delete(leaseId);
  }

  /** The revocation job: revoke and delete, or mark the lease failed and schedule the next retry. */
  private revokeJob(leaseId: string, attempt: number): Promise<void> {
    return this.exclusive(leaseId, () => this.revokeJobNow(leaseId, attempt));
  }

  private async revokeJobNow(leaseId: string, attempt: number): Promise<void> {
    const generation = this.generation;
    const lease = this.store.leases.get(leaseId);
    const secret = lease && this.store.dynamicSecrets.get(lease.dynamicSecretId);
    if (!lease || !secret) return;
    try {
      await this.provider.revoke(secret.inputs, lease.externalEntityId);
      if (generation === this.generation) this.forget(leaseId);
    } catch (error) {
      if (generation !== this.generation || !this.store.leases.has(leaseId)) return;
      this.markFailed(lease, error);
      this.scheduleRetry(leaseId, attempt);
    }
  }

  private markFailed(lease: Lease, error: unknown): void {
    lease.status = FAILED_DELETION;
    lease.statusDetails = (error instanceof Error ? error.message : String(error)).slice(0, 255);
    lease.updatedAt = this.now();
  }

  private forget(leaseId: string): void {
    this.clearTimer(leaseId);
    this.store.leases.delete(leaseId);
  }

  /** Runs `work` after every earlier operation on the same lease has settled. */
  private exclusive<T>(leaseId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(leaseId) ?? Promise.resolve();
    const run = previous.then(() => work());
    const tail = run.catch(() => undefined);
    this.locks.set(leaseId, tail);
    void tail.then(() => {
      if (this.locks.get(leaseId) === tail) this.locks.delete(leaseId);
    });
    return run;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    const settled = promise.catch(() => undefined);
    this.running.add(settled);
    void settled.finally(() => this.running.delete(settled));
    return promise;
  }

  /** Number of armed expiry and retry timers (for tests). */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Cancels every timer and detaches running jobs from the state (the store is about to be replaced). */
  reset(): void {
    this.generation += 1;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Stops everything: optionally revokes live leases, cancels timers, waits for running jobs, ends connections. */
  async close(): Promise<void> {
    if (this.options.revokeOnClose) await this.revokeAll({ isForced: true }).catch(() => 0);
    this.reset();
    // Ending the connections first makes a running job fail at once instead of waiting for its query.
    await this.provider.close();
    await Promise.all([...this.running]);
  }
}

/** A provider failure is the real server's 400 with the provider's (redacted) message. */
const rethrowAs400 = (error: unknown): never => {
  if (error instanceof ProviderError) throw badRequest(error.message);
  throw error;
};
