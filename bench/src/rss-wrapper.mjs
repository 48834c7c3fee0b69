// Runs a module and writes this process's peak RSS (KB) to the file named by RSS_OUT when it exits.
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

process.on("exit", () => writeFileSync(process.env.RSS_OUT, String(process.resourceUsage().maxRSS)));
await import(pathToFileURL(process.argv[2]).href);
