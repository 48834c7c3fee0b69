import { describe, expect, it } from "vitest";
import { isSecretsActionError } from "../errors.js";
import type { LeaseRequest } from "./spec.js";
import { leaseVariables } from "./variables.js";

const request = (name: string, mappings: LeaseRequest["mappings"] = [], path = "/"): LeaseRequest => ({ name, path, ttl: undefined, mappings });
const data = { DB_USERNAME: "u".repeat(32), DB_PASSWORD: "p".repeat(48) };

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (isSecretsActionError(error) && "problems" in error) return error.problems as readonly string[];
    throw error;
  }
  throw new Error("expected a failure");
}

describe("leaseVariables", () => {
  it("exports every field under its own name by default", () => {
    const { variables, warnings } = leaseVariables([{ request: request("pg"), data }]);
    expect(warnings).toEqual([]);
    expect(variables).toEqual([
      { name: "DB_USERNAME", value: data.DB_USERNAME, field: "DB_USERNAME", lease: "pg", leaseIndex: 0 },
      { name: "DB_PASSWORD", value: data.DB_PASSWORD, field: "DB_PASSWORD", lease: "pg", leaseIndex: 0 },
    ]);
  });

  it("renames mapped fields and keeps the others, including the provider's extra fields", () => {
    const { variables } = leaseVariables([{ request: request("pg", [{ name: "PGUSER", field: "DB_USERNAME" }]), data: { ...data, DB_HOST: "db.internal" } }]);
    expect(variables.map((variable) => [variable.name, variable.field])).toEqual([
      ["PGUSER", "DB_USERNAME"],
      ["DB_PASSWORD", "DB_PASSWORD"],
      ["DB_HOST", "DB_HOST"],
    ]);
  });

  it("tells apart two leases of the same dynamic secret, renamed apart", () => {
    const { variables } = leaseVariables([
      { request: request("pg", [{ name: "A_USER", field: "DB_USERNAME" }, { name: "A_PASS", field: "DB_PASSWORD" }]), data },
      { request: request("pg", [{ name: "B_USER", field: "DB_USERNAME" }, { name: "B_PASS", field: "DB_PASSWORD" }]), data },
    ]);
    expect(variables.map((variable) => [variable.name, variable.leaseIndex])).toEqual([
      ["A_USER", 0],
      ["A_PASS", 0],
      ["B_USER", 1],
      ["B_PASS", 1],
    ]);
  });

  it("normalises a field that is not a name, with a warning naming it", () => {
    const { variables, warnings } = leaseVariables([{ request: request("pg"), data: { "db-user": "someone" } }]);
    expect(variables[0]?.name).toBe("db_user");
    expect(warnings).toEqual(['lease pg: the field "db-user" is exported as db_user; map it with NAME=db-user to choose the name.']);
  });

  it("refuses two leases, or a lease and a secret, setting one variable, and a mapping to a missing field — all at once", () => {
    const problems = problemsOf(() =>
      leaseVariables(
        [
          { request: request("pg-a"), data },
          { request: request("pg-b", [{ name: "USER", field: "NAME" }], "/other"), data },
        ],
        new Map([["DB_PASSWORD", "secret DB_PASSWORD"]]),
      ),
    );
    expect(problems).toEqual([
      "DB_PASSWORD would be set by both secret DB_PASSWORD and lease pg-a",
      "lease pg-b at /other: USER=NAME names a field the lease does not have (it has DB_USERNAME, DB_PASSWORD)",
      "DB_USERNAME would be set by both lease pg-a and lease pg-b at /other",
      "DB_PASSWORD would be set by both secret DB_PASSWORD and lease pg-b at /other",
    ]);
  });

  it("refuses a mapping to a reserved name", () => {
    expect(problemsOf(() => leaseVariables([{ request: request("pg", [{ name: "PATH", field: "DB_USERNAME" }]), data }]))[0]).toMatch(/^lease pg: PATH is reserved/);
  });

  it("folds case on Windows", () => {
    const problems = problemsOf(() => leaseVariables([{ request: request("pg"), data }], new Map([["db_username", "secret db_username"]]), "win32"));
    expect(problems).toEqual(["DB_USERNAME would be set by both secret db_username and lease pg"]);
  });
});
