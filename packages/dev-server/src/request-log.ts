/**
 * Every request the server answered (admin `/__dev` calls excepted): method, path, query, status, time, client IP,
 * and a note on why an auth request failed. Never bodies, tokens or secret values.
 */

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** 0 when the connection was reset, closed or left hanging by a fault. */
  status: number;
  ms: number;
  ip: string;
  /** ISO time the request arrived (by the server's clock). */
  at: string;
  /** The fault applied, if any. */
  fault?: string;
  /** Why it failed, when the server knows more than the response says. */
  note?: string;
}

export interface RequestFilter {
  method?: string;
  /** Exact path, or a prefix ending in `*`. */
  path?: string;
  status?: number;
}

const matches = (record: RequestRecord, filter: RequestFilter): boolean =>
  (filter.method === undefined || record.method === filter.method.toUpperCase()) &&
  (filter.status === undefined || record.status === filter.status) &&
  (filter.path === undefined || (filter.path.endsWith("*") ? record.path.startsWith(filter.path.slice(0, -1)) : record.path === filter.path));

/** `server.requests`. */
export class RequestLog {
  private records: RequestRecord[] = [];

  add(record: RequestRecord): void {
    this.records.push(record);
  }

  /** Records, oldest first, optionally filtered. */
  list(filter: RequestFilter = {}): RequestRecord[] {
    return this.records.filter((record) => matches(record, filter)).map((record) => ({ ...record }));
  }

  /** How many records match. */
  count(filter: RequestFilter = {}): number {
    return this.records.filter((record) => matches(record, filter)).length;
  }

  /** Forgets every record; returns how many there were. */
  clear(): number {
    const count = this.records.length;
    this.records = [];
    return count;
  }
}
