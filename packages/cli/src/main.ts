import type { CiConventions } from "./conventions.js";
import { runCli } from "./cli.js";

/**
 * The body of a CI's bin entry: runs the CLI on this process's argv and environment and sets the exit code. The
 * process ends when its work does (no process.exit, so piped output is never cut short).
 */
export async function cliMain(conventions: CiConventions): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), { conventions });
}
