import { defaultLeaseFile } from "@secrets-action/cli";
import { describe, expect, it } from "vitest";
import { gitlabConventions } from "./conventions.js";

describe("GitLab's conventions", () => {
  it("name the job by CI_JOB_ID and keep files in SECRETS_ACTION_HOME, so the lease file is the job's own", () => {
    const env = { CI_JOB_ID: "4711", SECRETS_ACTION_HOME: "/builds/acme/shop.tmp/secrets-action-4711" };
    expect(gitlabConventions.jobId?.(env)).toBe("4711");
    expect(gitlabConventions.tempDir?.(env)).toBe("/builds/acme/shop.tmp/secrets-action-4711");
    expect(defaultLeaseFile(gitlabConventions, env)).toBe("/builds/acme/shop.tmp/secrets-action-4711/secrets-action-leases-4711.json");
  });

  it("have no job id outside a job (or with an empty CI_JOB_ID)", () => {
    expect(gitlabConventions.jobId?.({})).toBeUndefined();
    expect(gitlabConventions.jobId?.({ CI_JOB_ID: " " })).toBeUndefined();
  });
});
