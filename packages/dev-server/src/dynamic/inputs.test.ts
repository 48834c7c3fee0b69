import { describe, expect, it } from "vitest";

import { POSTGRES_DEFAULT_STATEMENTS, readSqlInputs, sqlInputProblems, usernameTemplateProblems } from "./inputs.js";

const base = { client: "postgres", host: " DB.Example ", port: 5432, database: "app", username: "admin", password: "pw" };

describe("sql-database inputs", () => {
  it("normalises the host and fills in the Postgres default statements", () => {
    const { inputs, issues } = readSqlInputs(base);
    expect(issues).toEqual([]);
    expect(inputs).toEqual({ ...base, host: "db.example", ...POSTGRES_DEFAULT_STATEMENTS, ca: undefined });
  });

  it("an empty renewStatement means renew runs nothing", () => {
    expect(readSqlInputs({ ...base, renewStatement: "" }).inputs?.renewStatement).toBeUndefined();
  });

  it("collects every problem with its path", () => {
    const { inputs, issues } = readSqlInputs({ client: "sqlite", port: "5432", host: 1 });
    expect(inputs).toBeUndefined();
    expect(issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`)).toEqual([
      "client: Invalid enum value. Expected 'postgres' | 'mysql2' | 'oracledb' | 'mssql', received 'sqlite'",
      "port: Expected number, received string",
      "host: Expected string, received number",
      "database: Required",
      "username: Required",
      "password: Required",
    ]);
  });

  it("refuses clients other than postgres and variables a statement may not use", () => {
    const { inputs } = readSqlInputs({ ...base, client: "mysql2", revocationStatement: 'DROP USER "{{username}}" -- {{password}}' });
    expect(inputs && sqlInputProblems(inputs)).toEqual([
      'client "mysql2" is not supported by the dev server: only postgres leases are created. Use client postgres.',
      "SQL revoke template uses {{password}}; only {{username}}, {{database}} are allowed",
    ]);
  });

  it("username templates may use randomUsername, unixTimestamp and identity.name only", () => {
    expect(usernameTemplateProblems("ci_{{identity.name}}_{{randomUsername}}")).toEqual([]);
    expect(usernameTemplateProblems("{{password}}")).toEqual([
      "usernameTemplate uses {{password}}; only {{randomUsername}}, {{unixTimestamp}} and {{identity.name}} are allowed",
    ]);
  });
});
