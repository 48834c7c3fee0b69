import { describe, expect, it } from "vitest";
import { RESERVED_NAMES, reservedNameReason } from "./reserved.js";

describe("reserved names", () => {
  it("reserves the names that would hijack a job", () => {
    for (const name of ["PATH", "NODE_OPTIONS", "LD_PRELOAD", "LD_LIBRARY_PATH", "BASH_ENV", "ENV", "PS4", "SHELLOPTS", "IFS", "HOME"]) {
      expect(reservedNameReason(name), name).toBeDefined();
    }
  });

  it("reserves the CI platforms' prefixes", () => {
    for (const name of ["GITHUB_TOKEN", "GITHUB_ENV", "RUNNER_TEMP", "ACTIONS_STEP_DEBUG", "CI_JOB_TOKEN", "CIRCLE_BRANCH", "DYLD_INSERT_LIBRARIES", "GIT_CONFIG_COUNT"]) {
      expect(reservedNameReason(name), name).toBeDefined();
    }
  });

  it("leaves ordinary names, and names that merely contain a reserved one, alone", () => {
    for (const name of ["DATABASE_URL", "TF_VAR_PATH", "MY_GITHUB_TOKEN", "GITLAB_TOKEN", "HTTPS_PROXY", "CIX", "PATHS", "ENVIRONMENT"]) {
      expect(reservedNameReason(name), name).toBeUndefined();
    }
  });

  it("matches exactly on Linux but ignoring case on Windows, where Path is PATH", () => {
    expect(reservedNameReason("Path")).toBeUndefined();
    expect(reservedNameReason("Path", { platform: "win32" })).toBeDefined();
    expect(reservedNameReason("github_token", { platform: "win32" })).toBeDefined();
    expect(reservedNameReason("github_token", { platform: "darwin" })).toBeUndefined();
  });

  it("gives every entry a reason and keeps prefixes ending in _", () => {
    for (const rule of RESERVED_NAMES) {
      expect(rule.reason.length).toBeGreaterThan(10);
      if (rule.prefix) expect(rule.name.endsWith("_")).toBe(true);
    }
    expect(new Set(RESERVED_NAMES.map((rule) => rule.name)).size).toBe(RESERVED_NAMES.length);
  });
});
