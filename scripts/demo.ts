/**
 * The demo: the committed GitHub Action bundle against the embedded dev server, in a simulated runner. Prints the
 * step's log as GitHub would show it (masks applied) and what later steps receive — every secret masked.
 */
import { join } from "node:path";
import { startDevServer } from "@secrets-action/dev-server";
import { createJob, readActionYaml, repoRoot, runStep } from "../test/support/github-runner.js";
import { scanForLeaks } from "../test/support/leak-scanner.js";

const bold = (text: string): string => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const indent = (text: string, prefix = "    "): string => text.split("\n").map((line) => `${prefix}${line}`).join("\n");

const seed = join(repoRoot, "packages/dev-server/seeds/demo.yaml");
const server = await startDevServer({ seed, log: false });
try {
  const inputs = {
    domain: server.url,
    "client-id": "7c1b9a52-3e0f-4d6e-a1c8-5b2f90d3e4a7",
    "client-secret": "demo-ci-client-secret-0b9e5a7c",
    "project-slug": "demo",
    "env-slug": "dev",
    "export-type": "env,file",
  };
  const action = readActionYaml();
  console.log(bold(`▶ Infisical-compatible dev server on ${server.url} (project "demo", seeds/demo.yaml)`));
  console.log(bold("▶ The workflow step (runs on " + action.runs.using + "):"));
  console.log(indent(["- uses: <owner>/secrets-action@v2", "  with:", ...Object.entries(inputs).map(([k, v]) => `    ${k}: ${k === "client-secret" ? "${{ secrets.INFISICAL_CLIENT_SECRET }}" : v}`)].join("\n")));

  const job = createJob();
  const main = await runStep({ job, inputs });
  console.log(bold(`\n▶ Step log, as GitHub shows it (exit code ${main.exitCode}, ${main.durationMs.toFixed(0)} ms):`));
  console.log(indent(main.log.trimEnd(), "  | "));

  console.log(bold("\n▶ What later steps receive (GITHUB_ENV), printed as the runner would print it:"));
  for (const [name, value] of Object.entries(main.env)) {
    console.log(`    ${name}=${main.masker.apply(value).split("\n").join("⏎")}`);
  }
  console.log(bold("\n▶ Step outputs:"));
  for (const [name, value] of Object.entries(main.outputs)) console.log(`    ${name}=${main.masker.apply(value)}`);

  const post = await runStep({ job, step: "post", masker: main.masker });
  console.log(bold(`\n▶ Post step log (exit code ${post.exitCode}):`));
  console.log(indent(post.log.trimEnd(), "  | "));

  const leaks = scanForLeaks(`${main.log}\n${post.log}`, { ...main.env, CLIENT_SECRET: inputs["client-secret"] });
  console.log(bold(`\n▶ Leak check: ${leaks.length === 0 ? "no secret value is visible in either log" : `LEAKED: ${leaks.map((l) => l.name).join(", ")}`}`));
  if (main.exitCode !== 0 || post.exitCode !== 0 || leaks.length > 0) process.exitCode = 1;
} finally {
  await server.close();
}
