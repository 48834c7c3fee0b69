import { afterEach, describe, expect, it } from "vitest";

import { HttpError } from "../errors.js";
import { applySeed } from "../seed-apply.js";
import { Store, type DynamicSecret, type Lease } from "../store.js";
import { manualClock } from "../test-support.js";
import { FAILED_DELETION, LeaseManager } from "./lease-manager.js";

/** No database listens on port 1: every provider call fails at once with ECONNREFUSED. */
const unreachable = {
  projects: [
    {
      slug: "p",
      dynamicSecrets: {
        dev: { "/": [{ name: "db", defaultTTL: "1h", maxTTL: "2h", inputs: { client: "postgres", host: "127.0.0.1", port: 1, database: "app", username: "admin", password: "pw" } }] },
      },
    },
  ],
};

const setup = (options: ConstructorParameters<typeof LeaseManager>[2] = {}) => {
  const clock = manualClock();
  const store = new Store();
  applySeed(store, unreachable, clock.now());
  const manager = new LeaseManager(store, clock.now, { connectTimeoutMs: 2000, ...options });
  const secret = store.getDynamicSecret("p", "dev", "/", "db") as DynamicSecret;
  /** A lease as if created earlier (its role would be in the database). */
  const addLease = (): Lease => {
    const lease: Lease = {
      id: `lease-${store.leases.size + 1}`,
      version: 1,
      externalEntityId: "someone",
      expireAt: clock.now() + 3_600_000,
      status: null,
      statusDetails: null,
      dynamicSecretId: secret.id,
      config: null,
      createdAt: clock.now(),
      updatedAt: clock.now(),
    };
    store.leases.set(lease.id, lease);
    return lease;
  };
  return { clock, store, manager, secret, addLease };
};

const rejection = async (promise: Promise<unknown>): Promise<HttpError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error("did not reject");
};

const managers: LeaseManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()));
});

describe("LeaseManager", () => {
  it("checks the TTL against maxTTL before asking the provider", async () => {
    const { manager, secret, store } = setup();
    managers.push(manager);
    const error = await rejection(manager.createLease(secret, "ci", "3h"));
    expect([error.statusCode, error.body]).toEqual([400, "TTL cannot be larger than max TTL"]);
    expect(store.leases.size).toBe(0);
  });

  it("a provider that cannot be reached is the real 400, and no lease is kept", async () => {
    const { manager, secret, store } = setup();
    managers.push(manager);
    const error = await rejection(manager.createLease(secret, "ci", undefined));
    expect(error.statusCode).toBe(400);
    expect(error.body).toBe("Failed to create lease from provider: connect ECONNREFUSED 127.0.0.1:1");
    expect(store.leases.size).toBe(0);
  });

  it("renewing past createdAt + maxTTL is refused and leaves expireAt alone", async () => {
    const { manager, secret, addLease } = setup();
    managers.push(manager);
    const lease = addLease();
    const before = lease.expireAt;
    const error = await rejection(manager.renewLease(secret, lease, "90m"));
    expect(error.body).toBe("The requested renewal would exceed the maximum allowed lease duration. Please choose a shorter TTL");
    expect(lease.expireAt).toBe(before);
  });

  it("a failed revocation keeps the lease as 'Failed to delete', retries, and then gives up", async () => {
    const { manager, secret, store, addLease } = setup({ retryDelaysMs: [5, 5] });
    managers.push(manager);
    const lease = addLease();
    const answered = await manager.revokeLease(secret, lease, false);
    expect(answered.status).toBe(FAILED_DELETION);
    expect(answered.statusDetails).toBe("Failed to revoke lease from provider: connect ECONNREFUSED 127.0.0.1:1");
    expect(manager.pendingTimers).toBe(1);
    const deadline = Date.now() + 5000;
    while (manager.pendingTimers > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(manager.pendingTimers).toBe(0);
    expect(store.leases.get(lease.id)?.status).toBe(FAILED_DELETION);

    const forced = await manager.revokeLease(secret, lease, true);
    expect(forced.id).toBe(lease.id);
    expect(store.leases.has(lease.id)).toBe(false);
  });

  it("expire() runs the expiry job now; a failure there is recorded the same way", async () => {
    const { manager, store, addLease } = setup({ retryDelaysMs: [] });
    managers.push(manager);
    const lease = addLease();
    expect(await manager.expire(lease.id)).toBe(false);
    expect(store.leases.get(lease.id)?.status).toBe(FAILED_DELETION);
    expect(await manager.expire("nope")).toBe(false);
  });

  it("reset and close cancel every timer", async () => {
    const { manager, secret, addLease } = setup({ retryDelaysMs: [60_000] });
    await manager.revokeLease(secret, addLease(), false);
    expect(manager.pendingTimers).toBe(1);
    manager.reset();
    expect(manager.pendingTimers).toBe(0);
    await manager.revokeLease(secret, addLease(), false);
    await manager.close();
    expect(manager.pendingTimers).toBe(0);
  });

  it("refuses a timeScale that is not a positive number", () => {
    const store = new Store();
    expect(() => new LeaseManager(store, Date.now, { timeScale: 0 })).toThrow("dynamicSecrets.timeScale must be a number > 0");
  });
});
