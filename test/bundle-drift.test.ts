/**
 * The files users run are committed under actions/ (and action.yml at the root). The test command builds them first,
 * so any difference from the commit means the committed bundles do not match their sources: rebuild and commit.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/github-runner.js";

describe("committed bundles", () => {
  it("match a fresh build of the sources (run `pnpm build` and commit actions/ and action.yml)", () => {
    const status = execFileSync("git", ["status", "--porcelain", "--untracked-files=all", "--", "actions", "action.yml"], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(status.split("\n").filter(Boolean)).toEqual([]);
  });
});
