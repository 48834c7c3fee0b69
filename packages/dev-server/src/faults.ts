import { isRecord } from "./validation.js";

/**
 * Injected faults: the next N requests matching a method and path get a chosen status/body/headers, a delay, or a
 * broken connection (reset, close, hang, truncated body, an HTML page instead of JSON).
 */

export type FaultAction = "reset" | "close" | "hang" | "truncate" | "not-json";

const ACTIONS: readonly FaultAction[] = ["reset", "close", "hang", "truncate", "not-json"];

export interface FaultSpec {
  /** Any method when absent. */
  method?: string;
  /** Exact path, or a prefix ending in `*`; matched without the query string. */
  path: string;
  /** How many matching requests it applies to; default 1. */
  count?: number;
  /** Answer with this status instead of serving the request. */
  status?: number;
  /** Body of that answer: a string as is, an object as JSON. Default: an Infisical error body for the status. */
  body?: string | Record<string, unknown> | unknown[];
  headers?: Record<string, string>;
  /** Wait this long first; alone, the request is then served normally. */
  delayMs?: number;
  action?: FaultAction;
}

/** A fault still armed, with what is left of its count. */
export interface ArmedFault extends FaultSpec {
  remaining: number;
}

/** A spec that makes no sense; `message` says which field and why. */
export class FaultSpecError extends Error {
  readonly code = "FAULT_SPEC_INVALID";
}

/** Validates a spec from JSON; collects every problem. */
export const parseFaultSpec = (raw: unknown): FaultSpec => {
  if (!isRecord(raw)) throw new FaultSpecError("fault: must be a JSON object like {\"path\":\"/api/v3/secrets/raw\",\"status\":503}");
  const problems: string[] = [];
  const spec: FaultSpec = { path: "" };
  if (typeof raw["path"] !== "string" || !raw["path"].startsWith("/")) problems.push("path must be a string starting with / (a prefix may end in *)");
  else spec.path = raw["path"];
  if (raw["method"] !== undefined) {
    if (typeof raw["method"] !== "string") problems.push("method must be a string");
    else spec.method = raw["method"].toUpperCase();
  }
  if (raw["count"] !== undefined) {
    if (typeof raw["count"] !== "number" || !Number.isInteger(raw["count"]) || raw["count"] < 1) problems.push("count must be a whole number ≥ 1");
    else spec.count = raw["count"];
  }
  if (raw["status"] !== undefined) {
    if (typeof raw["status"] !== "number" || !Number.isInteger(raw["status"]) || raw["status"] < 100 || raw["status"] > 599) problems.push("status must be an HTTP status (100-599)");
    else spec.status = raw["status"];
  }
  if (raw["body"] !== undefined) {
    const body = raw["body"];
    if (typeof body === "string" || isRecord(body) || Array.isArray(body)) spec.body = body;
    else problems.push("body must be a string or JSON");
  }
  if (raw["headers"] !== undefined) {
    const headers = raw["headers"];
    if (!isRecord(headers) || !Object.values(headers).every((value) => typeof value === "string")) problems.push("headers must map names to strings");
    else spec.headers = headers as Record<string, string>;
  }
  if (raw["delayMs"] !== undefined) {
    if (typeof raw["delayMs"] !== "number" || raw["delayMs"] < 0) problems.push("delayMs must be a number ≥ 0");
    else spec.delayMs = raw["delayMs"];
  }
  if (raw["action"] !== undefined) {
    if (typeof raw["action"] !== "string" || !(ACTIONS as readonly string[]).includes(raw["action"])) problems.push(`action must be one of ${ACTIONS.join(", ")}`);
    else spec.action = raw["action"] as FaultAction;
  }
  if (problems.length > 0) throw new FaultSpecError(`fault: ${problems.join("; ")}.`);
  return spec;
};

const pathMatches = (pattern: string, path: string): boolean => (pattern.endsWith("*") ? path.startsWith(pattern.slice(0, -1)) : path === pattern);

/** `server.faults`: add, list and clear faults; the server takes one per matching request. */
export class FaultController {
  private armed: ArmedFault[] = [];

  /** Arms a fault (validated: throws FaultSpecError). */
  add(spec: FaultSpec): void {
    const parsed = parseFaultSpec(spec);
    this.armed.push({ ...parsed, remaining: parsed.count ?? 1 });
  }

  /** Disarms everything; returns how many were armed. */
  clear(): number {
    const count = this.armed.length;
    this.armed = [];
    return count;
  }

  /** The faults still armed, oldest first. */
  list(): ArmedFault[] {
    return this.armed.map((fault) => ({ ...fault }));
  }

  /** The first armed fault matching this request, spending one of its count. */
  take(method: string, path: string): FaultSpec | undefined {
    const fault = this.armed.find((candidate) => (candidate.method === undefined || candidate.method === method) && pathMatches(candidate.path, path));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.armed = this.armed.filter((candidate) => candidate !== fault);
    const { remaining: _remaining, ...spec } = fault;
    return spec;
  }
}
