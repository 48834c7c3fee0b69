import { describe, expect, it } from "vitest";
import { describeLease, parseLeaseRequests } from "./spec.js";

describe("parseLeaseRequests", () => {
  it("reads name, path, ttl and mappings, one lease per line, skipping blanks and comments", () => {
    const { requests, problems } = parseLeaseRequests(
      ["pg-app", "", "# the reporting replica", "pg-reports:/reporting/db/@1h PGUSER=DB_USERNAME PGPASSWORD=DB_PASSWORD", "  cache@30m  "].join("\n"),
      "dynamic-secrets",
    );
    expect(problems).toEqual([]);
    expect(requests).toEqual([
      { name: "pg-app", path: "/", ttl: undefined, mappings: [] },
      {
        name: "pg-reports",
        path: "/reporting/db",
        ttl: "1h",
        mappings: [
          { name: "PGUSER", field: "DB_USERNAME" },
          { name: "PGPASSWORD", field: "DB_PASSWORD" },
        ],
      },
      { name: "cache", path: "/", ttl: "30m", mappings: [] },
    ]);
  });

  it("reads an empty path or TTL as the default", () => {
    expect(parseLeaseRequests("pg:@", "x").requests).toEqual([{ name: "pg", path: "/", ttl: undefined, mappings: [] }]);
  });

  it("collects every problem, each naming its line, and keeps none of the bad lines", () => {
    const { requests, problems } = parseLeaseRequests(
      ["pg-app@soon", "pg:relative", "pg@30s", "pg@1h PGUSER", "pg@1h 1X=DB_USERNAME", "pg@1h A=DB_USERNAME A=DB_PASSWORD", "a b:c@d:e", "pg:/a/../b", "ok"].join("\n"),
      "dynamic-secrets",
    );
    expect(requests.map((request) => request.name)).toEqual(["ok"]);
    expect(problems).toEqual([
      'dynamic-secrets line 1: the TTL "soon" is not a duration: write it like 30m, 1h, 12h or 7d',
      'dynamic-secrets line 2: the path "relative" must start with /, e.g. pg:/relative',
      'dynamic-secrets line 3: the TTL "30s" is shorter than 1 minute, the shortest lease the server grants',
      'dynamic-secrets line 4: "PGUSER" is not NAME=FIELD, e.g. PGUSER=DB_USERNAME',
      'dynamic-secrets line 5: "1X" is not an environment variable name (letters, digits and _, not starting with a digit)',
      "dynamic-secrets line 6: A is mapped twice",
      'dynamic-secrets line 7: "b:c@d:e" is not NAME=FIELD, e.g. PGUSER=DB_USERNAME',
      'dynamic-secrets line 8: the path "/a/../b" has "." or ".." segments; write the folder as an absolute path such as /databases',
    ]);
  });

  it("names the input alone when there is one line", () => {
    expect(parseLeaseRequests("pg@1h@2h", "--lease").problems).toEqual(['--lease: the TTL "1h@2h" is not a duration: write it like 30m, 1h, 12h or 7d']);
    expect(parseLeaseRequests("p:g:h", "--lease").problems).toEqual(['--lease: the path "g:h" must start with /, e.g. p:/g:h']);
  });

  it("describes a lease by name, and path when not the root", () => {
    expect(describeLease({ name: "pg", path: "/" })).toBe("pg");
    expect(describeLease({ name: "pg", path: "/db" })).toBe("pg at /db");
  });
});
