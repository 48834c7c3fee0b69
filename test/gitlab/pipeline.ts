/**
 * Runs GitLab pipelines locally with gitlab-ci-local (pinned in the root package.json) and its shell executor: a fresh
 * git repository holding the component project as committed (actions/gitlab: templates/ and bin/), the test's
 * .gitlab-ci.yml, and the CI/CD settings variables in .gitlab-ci-local-variables.yml — what a project that vendors
 * the component, or includes it by path, looks like.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { repoRoot } from "../support/github-runner.js";

const require = createRequire(import.meta.url);
const gitlabCiLocal = join(dirname(require.resolve("gitlab-ci-local/package.json")), "src/index.js");

/** The component project as committed. */
export const componentDir = join(repoRoot, "actions/gitlab");

/** gitlab-ci-local copies files with rsync; fail with what to do rather than with its stack trace. */
export function requireRsync(): void {
  try {
    execFileSync("rsync", ["--version"], { stdio: "ignore" });
  } catch {
    throw new Error("gitlab-ci-local needs rsync, which is not installed: apt-get install -y rsync (.ci/run does this on CI).");
  }
}

export interface PipelineOptions {
  /** The project's .gitlab-ci.yml. */
  ciYaml: string;
  /** CI/CD variables as the project's settings would define them. */
  variables?: Record<string, string>;
  /** Jobs to run (default: the whole pipeline). */
  jobs?: string[];
  /** Extra files in the repository, by path. */
  files?: Record<string, string>;
  /** A git remote, so `include: component:` can name this project (gitlab-ci-local resolves it from the remote). */
  remote?: string;
  /** Check the configuration against GitLab's JSON schema (default true). */
  schemaValidation?: boolean;
  /** Only list the jobs (parses, interpolates, validates; runs nothing). */
  list?: boolean;
  timeoutMs?: number;
}

export interface PipelineResult {
  exitCode: number | null;
  /** gitlab-ci-local's own output (every job's lines, prefixed with the job's name). */
  output: string;
  /** Each run job's log, as GitLab would show it. */
  logs: Record<string, string>;
  /** The repository (CI_PROJECT_DIR of the shell executor). */
  repo: string;
  /** The full commit SHA, for `include: component: …@<sha>`. */
  sha: string;
}

function git(repo: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=CI", "-c", "init.defaultBranch=main", ...args], {
    cwd: repo,
    encoding: "utf8",
  }).trim();
}

/** Creates the repository and runs gitlab-ci-local in it. Asynchronous, so a dev server in this process keeps serving. */
export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const repo = mkdtempSync(join(tmpdir(), "gitlab-project-"));
  cpSync(join(componentDir, "templates"), join(repo, "templates"), { recursive: true });
  cpSync(join(componentDir, "bin"), join(repo, "bin"), { recursive: true });
  writeFileSync(join(repo, ".gitlab-ci.yml"), options.ciYaml);
  for (const [path, content] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), content);
  }
  if (options.variables) writeFileSync(join(repo, ".gitlab-ci-local-variables.yml"), stringify(options.variables));
  writeFileSync(join(repo, ".gitignore"), ".gitlab-ci-local/\n.gitlab-ci-local-variables.yml\n");
  git(repo, "init", "-q");
  if (options.remote) git(repo, "remote", "add", "origin", options.remote);
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "pipeline under test");
  const sha = git(repo, "rev-parse", "HEAD");

  const args = [gitlabCiLocal, "--max-job-name-padding", "0", `--json-schema-validation=${options.schemaValidation ?? true}`];
  if (options.list) args.push("--list");
  else args.push(...(options.jobs ?? []));
  const { exitCode, output } = await new Promise<{ exitCode: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repo, env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 90_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, output: Buffer.concat(chunks).toString("utf8") });
    });
  });
  const logs: Record<string, string> = {};
  const outputDir = join(repo, ".gitlab-ci-local/output");
  if (existsSync(outputDir)) {
    for (const job of options.jobs ?? []) {
      const file = join(outputDir, `${job}.log`);
      if (existsSync(file)) logs[job] = readFileSync(file, "utf8");
    }
  }
  return { exitCode, output, logs, repo, sha };
}

/** Removes a pipeline's repository and the runner's temporary folder beside it. */
export function removePipeline(result: PipelineResult): void {
  rmSync(result.repo, { recursive: true, force: true });
  rmSync(`${result.repo}.tmp`, { recursive: true, force: true });
}
