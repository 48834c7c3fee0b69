/**
 * `revoke`: revoke the leases recorded in the lease file — in GitLab's after_script, a CircleCI `when: always` step, or
 * by hand. Logs in again (the leasing command revoked its token when it ended). A lease the server would not revoke is
 * a warning naming it and when its credentials expire, not a failure: cleanup must not fail a job that passed.
 */
import { existsSync } from "node:fs";
import { defineCommand } from "../command.js";
import { type LoginConfig, readLoginConfig } from "../fetch-config.js";
import { readLeaseFilePath, revokeFromFile } from "../leases.js";
import { optionsInGroups } from "../options.js";

/** What `revoke` will do. */
export interface RevokePlan {
  /** Undefined when there is no lease file: nothing to do, so the login options are not even read. */
  readonly login: LoginConfig | undefined;
  readonly leaseFile: string;
  /** Only these lease ids; all recorded leases when undefined. */
  readonly ids: ReadonlySet<string> | undefined;
}

export const revokeCommand = defineCommand<RevokePlan>({
  name: "revoke",
  summary: "Revoke the leases recorded in the lease file (exits 0 even when one cannot be revoked; it warns).",
  usage: "[options] [--lease-id ID]…",
  details: [
    "Revokes every lease that lease, run or load recorded in --lease-file (or only those given with --lease-id), and removes them from the file; the file is deleted when none is left. A lease the server could not revoke stays in the file with a warning that names it and says when its credentials expire, so the step can be run again.",
    "Needs the same login options as the command that leased (the same environment variables in an after_script or a later step). Nothing recorded (no lease file): nothing to do, no request is sent, and the login options are not checked, so an after_script can run revoke in every job.",
  ],
  optionNames: [...optionsInGroups(["connection", "auth"]), "lease-file", "lease-id", "quiet"],
  options: [
    {
      name: "lease-id",
      type: "list",
      group: "leases",
      env: ["INFISICAL_LEASE_ID"],
      placeholder: "ID",
      description: "Revoke only this recorded lease (repeat the flag for several).",
    },
  ],
  configure(context) {
    const ids = context.values.list("lease-id");
    const leaseFile = readLeaseFilePath(context);
    // An after_script or `when: always` step runs revoke in every job, also in jobs that leased nothing or whose
    // options are wrong: without a lease file there is nothing to revoke, and no reason to check the login options.
    const login = existsSync(leaseFile) ? readLoginConfig({ values: context.values, env: context.env, conventions: context.conventions, cwd: context.cwd }) : undefined;
    return { login, leaseFile, ids: ids.length > 0 ? new Set(ids) : undefined };
  },
  async execute(plan, context) {
    if (plan.login === undefined) {
      context.log.info(`no leases to revoke (no lease file at ${plan.leaseFile}).`);
      return 0;
    }
    for (const warning of plan.login.warnings) context.log.warn(warning);
    const summary = await revokeFromFile(plan.login, plan.leaseFile, context, plan.ids === undefined ? {} : { ids: plan.ids });
    if (summary.failed > 0) context.log.warn(`${summary.failed} lease${summary.failed === 1 ? "" : "s"} not revoked; still recorded in ${plan.leaseFile} for another try.`);
    return 0;
  },
});
