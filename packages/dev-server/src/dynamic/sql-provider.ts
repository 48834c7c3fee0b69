import pg from "pg";

import { errorMessage } from "../errors.js";
import type { SqlDatabaseInputs } from "../store.js";
import { renderTemplate, splitStatements } from "./template.js";

/**
 * The `sql-database` provider against PostgreSQL with `pg` (`sql-database.ts` on the real server): each operation
 * opens one connection with the dynamic secret's admin credentials, runs the rendered statements in ONE transaction,
 * and closes it. Errors come back as the real messages (`Failed to create lease from provider: ...`) with the
 * username, password and database name redacted.
 */

/** A provider failure; its message is what the API answers (400). */
export class ProviderError extends Error {
  readonly code = "PROVIDER_ERROR";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ProviderError";
  }
}

/** The real server's `sanitizeString`: every occurrence of a token replaced. */
const redact = (message: string, tokens: string[]): string =>
  tokens.filter((token) => token.length > 0).reduce((text, token) => text.split(token).join("[REDACTED]"), message);

export interface SqlProviderOptions {
  /** Connection timeout in ms; default 10000 (the real server's EXTERNAL_REQUEST_TIMEOUT). */
  connectTimeoutMs?: number;
}

export class SqlProvider {
  private readonly clients = new Set<pg.Client>();
  /** The last transaction queued on each database (see {@link SqlProvider.oneAtATime}). */
  private readonly queues = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly options: SqlProviderOptions = {}) {}

  /** Runs `work` on a fresh connection with the admin credentials, always closing it. */
  private async withClient<T>(inputs: SqlDatabaseInputs, work: (client: pg.Client) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error("the dev server is closing");
    const client = new pg.Client({
      host: inputs.host,
      port: inputs.port,
      database: inputs.database,
      user: inputs.username,
      password: inputs.password,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 10_000,
      ...(inputs.ca ? { ssl: { rejectUnauthorized: false, ca: inputs.ca, servername: inputs.host } } : {}),
    });
    // A connection dropped by the server later must not crash the process.
    client.on("error", () => {});
    this.clients.add(client);
    try {
      await client.connect();
      return await work(client);
    } finally {
      this.clients.delete(client);
      await client.end().catch(() => {});
    }
  }

  /**
   * Runs `work` after every transaction queued before it on the same database. PostgreSQL refuses a GRANT on an object
   * another transaction is granting on at the same moment ("tuple concurrently updated"), so parallel leases of one
   * dynamic secret — jobs of one pipeline leasing at once — would fail at random. The real server can meet that too;
   * the dev server, which every test leases from, queues them instead.
   */
  private oneAtATime(inputs: SqlDatabaseInputs, work: () => Promise<void>): Promise<void> {
    const key = `${inputs.host}:${inputs.port}/${inputs.database}`;
    const run = (this.queues.get(key) ?? Promise.resolve()).then(work);
    const settled = run.catch(() => {});
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return run;
  }

  /** Runs every statement of `sql` in one transaction, one transaction per database at a time; rolls back on error. */
  private async transaction(inputs: SqlDatabaseInputs, sql: string): Promise<void> {
    await this.oneAtATime(inputs, () => this.statements(inputs, sql));
  }

  private async statements(inputs: SqlDatabaseInputs, sql: string): Promise<void> {
    await this.withClient(inputs, async (client) => {
      await client.query("BEGIN");
      try {
        for (const statement of splitStatements(sql)) await client.query(statement);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      }
    });
  }

  /** `SELECT 1` with the admin credentials: the check made when a dynamic secret is created. */
  async validateConnection(inputs: SqlDatabaseInputs): Promise<void> {
    try {
      await this.withClient(inputs, async (client) => {
        await client.query("SELECT 1");
      });
    } catch (error) {
      throw new ProviderError(`Failed to connect with provider: ${redact(errorMessage(error), [inputs.username])}`, { cause: error });
    }
  }

  /** Creates the user: the creation statement with username, password, expiration (ISO) and database. */
  async create(inputs: SqlDatabaseInputs, username: string, password: string, expireAt: number): Promise<void> {
    const sql = renderTemplate(inputs.creationStatement, { username, password, expiration: new Date(expireAt).toISOString(), database: inputs.database });
    try {
      await this.transaction(inputs, sql);
    } catch (error) {
      throw new ProviderError(`Failed to create lease from provider: ${redact(errorMessage(error), [username, password, inputs.database])}`, { cause: error });
    }
  }

  /** Drops the user: the revocation statement with username and database (HTML-escaped, as the real server). */
  async revoke(inputs: SqlDatabaseInputs, username: string): Promise<void> {
    const sql = renderTemplate(inputs.revocationStatement, { username, database: inputs.database }, { escape: true });
    try {
      await this.transaction(inputs, sql);
    } catch (error) {
      throw new ProviderError(`Failed to revoke lease from provider: ${redact(errorMessage(error), [username, inputs.database])}`, { cause: error });
    }
  }

  /** Moves the user's expiry: the renew statement, if there is one (nothing runs without it). */
  async renew(inputs: SqlDatabaseInputs, username: string, expireAt: number): Promise<void> {
    if (!inputs.renewStatement) return;
    const sql = renderTemplate(inputs.renewStatement, { username, expiration: new Date(expireAt).toISOString(), database: inputs.database }, { escape: true });
    try {
      await this.transaction(inputs, sql);
    } catch (error) {
      throw new ProviderError(`Failed to renew lease from provider: ${redact(errorMessage(error), [inputs.database])}`, { cause: error });
    }
  }

  /** Ends every open connection; later operations fail. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.clients].map((client) => client.end().catch(() => {})));
    this.clients.clear();
  }

  /** Allows operations again after close() (the server's reset keeps the provider). */
  reopen(): void {
    this.closed = false;
  }
}
