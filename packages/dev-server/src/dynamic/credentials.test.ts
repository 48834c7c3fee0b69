import { describe, expect, it } from "vitest";

import { generatePassword, generateUsername, randomUsername } from "./credentials.js";

describe("lease credentials", () => {
  it("usernames are 32 characters of [0-9A-Za-z], different each time", () => {
    const names = new Set(Array.from({ length: 50 }, randomUsername));
    expect(names.size).toBe(50);
    for (const name of names) expect(name).toMatch(/^[0-9A-Za-z]{32}$/);
  });

  it("passwords are 48 characters from [a-zA-Z0-9] with at least one lowercase, uppercase and digit", () => {
    for (let i = 0; i < 200; i += 1) {
      const password = generatePassword();
      expect(password).toMatch(/^[a-zA-Z0-9]{48}$/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
    }
  });

  it("a username template gets randomUsername, unixTimestamp, identity.name and dynamicSecret.name", () => {
    const name = generateUsername("{{identity.name}}-{{dynamicSecret.name}}-{{unixTimestamp}}-{{randomUsername}}", {
      identityName: "ci",
      dynamicSecret: { name: "pg-app", type: "sql-database" },
      now: Date.parse("2025-01-01T00:00:00Z"),
    });
    expect(name).toMatch(/^ci-pg-app-1735689600-[0-9A-Za-z]{32}$/);
    expect(generateUsername(null, { identityName: "ci", dynamicSecret: { name: "x", type: "sql-database" }, now: 0 })).toMatch(/^[0-9A-Za-z]{32}$/);
  });
});
