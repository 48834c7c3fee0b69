/**
 * `lease`: lease dynamic secrets (short-lived database credentials) and write their credentials to a file (mode 0600),
 * as `export` writes secrets; each lease is recorded in the lease file for `revoke`, in a later step or in an
 * after_script. A failure revokes whatever this command leased: it leaves nothing behind.
 */
import { defineCommand } from "../command.js";
import { type FetchConfig, exportInputNames, readFetchConfig } from "../fetch-config.js";
import { type LeasePlan, readLeasePlan, revokeOwnLeases } from "../leases.js";
import { loadSecrets } from "../load-secrets.js";
import { type ExportFormat, optionsInGroups } from "../options.js";
import { fileDestination, readOutput, writeExportFile } from "./export.js";

/** What `lease` will do. */
export interface LeaseCommandPlan {
  readonly config: FetchConfig;
  readonly leases: LeasePlan;
  readonly fetch: boolean;
  readonly format: ExportFormat;
  readonly output: string | undefined;
}

export const leaseCommand = defineCommand<LeaseCommandPlan>({
  name: "lease",
  summary: "Lease dynamic secrets; write their credentials to a file (mode 0600) and print its path; record the leases for revoke.",
  usage: "[options] --dynamic-secrets 'NAME[:PATH][@TTL] [VAR=FIELD…]' [--output FILE]",
  details: [
    "Each line of --dynamic-secrets leases one dynamic secret (e.g. PostgreSQL credentials that exist only for this job): name, optional folder and TTL (1m to 10y; default the dynamic secret's own), then VAR=FIELD words to rename its credentials (default names DB_USERNAME, DB_PASSWORD, …).",
    "The credentials go to a file like export's (--format, --output; stdout gets the path only). Each lease is recorded in --lease-file the moment it exists — ids only, never credentials — so `revoke` in a later step (or GitLab's after_script) ends them even when the job failed. If this command fails, it revokes what it leased before exiting.",
    "With --fetch-secrets true, the secrets of --secret-path are written to the same file.",
  ],
  optionNames: [...optionsInGroups(["connection", "auth", "secrets", "names", "leases"]), "format", "output", "quiet"],
  configure(context) {
    const config = readFetchConfig({ values: context.values, env: context.env, conventions: context.conventions, cwd: context.cwd });
    const leases = readLeasePlan(context, { projectSlug: config.projectSlug, method: config.auth.method }, true);
    return { config, leases, fetch: context.values.isSet("fetch-secrets") && context.values.boolean("fetch-secrets"), ...readOutput(context) };
  },
  async execute(plan, context) {
    const loaded = await loadSecrets(plan.config, context, {
      inputNames: exportInputNames(context.values),
      destination: fileDestination(plan.format),
      leases: plan.leases,
      fetch: plan.fetch,
    });
    const records = loaded.leased?.records ?? [];
    let path: string;
    try {
      path = await writeExportFile(plan, loaded.variables, context);
    } catch (error) {
      // Fail closed: credentials nobody can read must not outlive the command.
      await revokeOwnLeases(plan.config, plan.leases.leaseFile, records, context);
      throw error;
    }
    const leased = records.length;
    const fetched = plan.fetch ? ` and ${loaded.secrets.length} secret${loaded.secrets.length === 1 ? "" : "s"} from ${loaded.where}` : "";
    context.log.info(`wrote the credentials of ${leased} lease${leased === 1 ? "" : "s"}${fetched} to ${path} (${plan.format}, mode 0600); revoke them with \`${context.conventions.program} revoke\`.`);
    return 0;
  },
});
