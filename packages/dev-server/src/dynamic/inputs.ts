import type { SqlDatabaseInputs } from "../store.js";
import { isRecord, zodTypeOf } from "../validation.js";
import { disallowedExpressions } from "./template.js";

/**
 * The provider config of a `sql-database` dynamic secret, read from an API body or a seed: field types as the real
 * `DynamicSecretSqlDBSchema` (host trimmed and lowercased), every problem collected with its path. Missing statements
 * get the Postgres defaults the dashboard pre-fills.
 */

export const SQL_CLIENTS = ["postgres", "mysql2", "oracledb", "mssql"] as const;

/** The Postgres defaults of the dashboard's form (`getSqlStatements`). */
export const POSTGRES_DEFAULT_STATEMENTS = {
  creationStatement: `CREATE USER "{{username}}" WITH ENCRYPTED PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';\nGRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA public TO "{{username}}";`,
  renewStatement: `ALTER ROLE "{{username}}" VALID UNTIL '{{expiration}}';`,
  revocationStatement: `REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM "{{username}}";\nDROP ROLE "{{username}}";`,
} as const;

/** One problem with the inputs; `path` is below `inputs`. */
export interface InputIssue {
  path: string[];
  message: string;
  expected?: string;
  received?: string;
}

const typeIssue = (key: string, expected: string, value: unknown): InputIssue => ({
  path: [key],
  expected,
  received: zodTypeOf(value),
  message: value === undefined ? "Required" : `Expected ${expected}, received ${zodTypeOf(value)}`,
});

/** Reads and normalises the inputs; `inputs` is undefined when there is any issue. */
export const readSqlInputs = (raw: unknown): { inputs: SqlDatabaseInputs | undefined; issues: InputIssue[] } => {
  if (!isRecord(raw)) return { inputs: undefined, issues: [{ ...typeIssue("inputs", "object", raw), path: [] }] };
  const issues: InputIssue[] = [];
  const str = (key: string, required: boolean): string | undefined => {
    const value = raw[key];
    if (value === undefined || value === null) {
      if (required) issues.push(typeIssue(key, "string", undefined));
      return undefined;
    }
    if (typeof value !== "string") {
      issues.push(typeIssue(key, "string", value));
      return undefined;
    }
    return value.trim();
  };
  const client = raw["client"];
  if (typeof client !== "string" || !(SQL_CLIENTS as readonly string[]).includes(client)) {
    issues.push({
      path: ["client"],
      received: typeof client === "string" ? client : zodTypeOf(client),
      message: `Invalid enum value. Expected ${SQL_CLIENTS.map((c) => `'${c}'`).join(" | ")}, received '${String(client)}'`,
    });
  }
  const port = raw["port"];
  if (typeof port !== "number" || !Number.isInteger(port) || port <= 0) issues.push(typeIssue("port", "number", port));
  const host = str("host", true);
  const database = str("database", true);
  const username = str("username", true);
  const password = str("password", true);
  const creationStatement = str("creationStatement", false) || POSTGRES_DEFAULT_STATEMENTS.creationStatement;
  const revocationStatement = str("revocationStatement", false) || POSTGRES_DEFAULT_STATEMENTS.revocationStatement;
  const renewRaw = raw["renewStatement"];
  const renewStatement = renewRaw === undefined ? POSTGRES_DEFAULT_STATEMENTS.renewStatement : str("renewStatement", false) || undefined;
  const ca = str("ca", false) || undefined;
  if (issues.length > 0 || host === undefined || database === undefined || username === undefined || password === undefined) return { inputs: undefined, issues };
  return {
    inputs: {
      client: client as SqlDatabaseInputs["client"],
      host: host.toLowerCase(),
      port: port as number,
      database,
      username,
      password,
      creationStatement,
      revocationStatement,
      renewStatement,
      ca,
    },
    issues,
  };
};

/**
 * What the dev server cannot do with valid inputs, or templates naming variables they may not use
 * (`validateHandlebarTemplate`): each a message for a 400 or a seed problem.
 */
export const sqlInputProblems = (inputs: SqlDatabaseInputs): string[] => {
  const problems: string[] = [];
  if (inputs.client !== "postgres") {
    problems.push(`client "${inputs.client}" is not supported by the dev server: only postgres leases are created. Use client postgres.`);
  }
  const check = (name: string, template: string | undefined, allowed: string[]): void => {
    if (!template) return;
    const bad = disallowedExpressions(template, allowed);
    if (bad.length > 0) problems.push(`${name} template uses ${bad.map((b) => `{{${b}}}`).join(", ")}; only ${allowed.map((a) => `{{${a}}}`).join(", ")} are allowed`);
  };
  check("SQL creation", inputs.creationStatement, ["username", "password", "expiration", "database"]);
  check("SQL renew", inputs.renewStatement, ["username", "expiration", "database"]);
  check("SQL revoke", inputs.revocationStatement, ["username", "database"]);
  return problems;
};

/** Problems of a username template: at most 255 characters, only randomUsername, unixTimestamp and identity.name. */
export const usernameTemplateProblems = (template: string): string[] => {
  const problems: string[] = [];
  if (template.length > 255) problems.push("usernameTemplate must be at most 255 characters");
  const bad = disallowedExpressions(template, ["randomUsername", "unixTimestamp", "identity.name"]);
  if (bad.length > 0) problems.push(`usernameTemplate uses ${bad.map((b) => `{{${b}}}`).join(", ")}; only {{randomUsername}}, {{unixTimestamp}} and {{identity.name}} are allowed`);
  return problems;
};

/** A dynamic secret's name as the real server's `slugSchema` takes it: lowercase letters, digits and single hyphens, 1 to 64 characters. */
export const isDynamicSecretSlug = (name: string): boolean => name.length <= 64 && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name);
