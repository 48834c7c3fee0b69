/**
 * `export`: write the secrets to a file for tools that read one (docker compose --env-file, terraform, a config
 * loader). The file is created with mode 0600 and replaced whole; its path is printed on stdout, its values never.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, isAbsolute, join, relative, resolve } from "node:path";
import { type ExportVariable, SecretsActionError, writeDotenv, writeJson, writeSecretFile, writeShell, writeYaml } from "@secrets-action/core";
import { type CommandContext, defineCommand } from "../command.js";
import { type FetchConfig, exportInputNames, readFetchConfig } from "../fetch-config.js";
import { loadSecrets } from "../load-secrets.js";
import { EXPORT_FORMATS, type ExportFormat, FETCH_OPTION_GROUPS, optionsInGroups } from "../options.js";

const WRITERS: Record<ExportFormat, (variables: readonly ExportVariable[]) => string> = {
  dotenv: writeDotenv,
  shell: writeShell,
  json: writeJson,
  yaml: writeYaml,
};

const EXTENSIONS: Record<ExportFormat, string> = { dotenv: "env", shell: "sh", json: "json", yaml: "yaml" };

/** The format an output path's extension suggests, if any. */
export function formatForPath(path: string): ExportFormat | undefined {
  switch (extname(path).toLowerCase()) {
    case ".json":
      return "json";
    case ".yaml":
    case ".yml":
      return "yaml";
    case ".sh":
      return "shell";
    case ".env":
      return "dotenv";
    default:
      return undefined;
  }
}

/** Why `path` would print the secrets or write to a device instead of a file, if it would. */
export function outputProblem(path: string): string | undefined {
  if (path === "-") return "export never prints the secrets (a CI log keeps them). Give a file path; the file is written with mode 0600.";
  const normalised = resolve(path);
  if (/^\/(dev|proc)(\/|$)/.test(normalised) || /^\/dev\/fd\//.test(normalised)) {
    return `${normalised} is a device or a process file, not a file the secrets can be written to privately. Give a regular file's path.`;
  }
  return undefined;
}

/** What `export` will write. */
export interface ExportPlan {
  readonly config: FetchConfig;
  readonly format: ExportFormat;
  /** Absolute; undefined means a new file in a private temporary folder, made once the secrets are fetched. */
  readonly output: string | undefined;
}

/** The `export` command. */
export const exportCommand = defineCommand<ExportPlan>({
  name: "export",
  summary: "Write the secrets to a file (mode 0600) and print its path; never the values.",
  usage: "[options] [--format dotenv|shell|json|yaml] [--output FILE]",
  details: [
    `Formats: ${EXPORT_FORMATS.join(", ")} — each read back exactly by its parser (dotenv libraries and node --env-file, a POSIX shell's \`.\`, any JSON or YAML reader). Without --format the --output extension decides (.json, .yaml/.yml, .sh, else dotenv).`,
    "The file is written to a temporary file beside it and renamed into place, readable by the job's user only. Without --output it is a new file in a private temporary folder. stdout gets the path and nothing else, so `FILE=$(… export)` works; the values are never printed.",
    "A file inside the job's checkout can be picked up by artifacts or caches: export warns when you write one there. Delete it when you are done.",
  ],
  optionNames: [...optionsInGroups(FETCH_OPTION_GROUPS), "format", "output", "quiet"],
  configure(context) {
    return { config: readFetchConfig({ values: context.values, env: context.env, conventions: context.conventions, cwd: context.cwd }), ...readOutput(context) };
  },
  async execute(plan, context) {
    // A file is not an environment: a 1 MB value or (in json and yaml) a NUL fits there; a shell file's exports do not.
    const loaded = await loadSecrets(plan.config, context, { inputNames: exportInputNames(context.values), destination: fileDestination(plan.format) });
    const path = await writeExportFile(plan, loaded.variables, context);
    context.log.info(`fetched ${loaded.secrets.length} secret${loaded.secrets.length === 1 ? "" : "s"} from ${loaded.where}; wrote ${loaded.variables.length} to ${path} (${plan.format}, mode 0600).`);
    return 0;
  },
});

/**
 * What planExport checks values against for a file of this format. A shell file's `export` lines put every value in
 * the environment of the shell that sources it, and of every program it starts: the environment's limits apply.
 */
export function fileDestination(format: ExportFormat): "environment" | "file" | "text-file" {
  if (format === "shell") return "environment";
  return format === "json" || format === "yaml" ? "file" : "text-file";
}

/** Reads --output and --format: the output's extension decides the format when --format is not given. */
export function readOutput(context: CommandContext): { format: ExportFormat; output: string | undefined } {
  const { values } = context;
  const given = values.string("output");
  let output: string | undefined;
  if (given !== undefined) {
    const candidate = given === "-" ? given : resolve(context.cwd, given);
    const problem = outputProblem(candidate);
    if (problem !== undefined) values.problems.push(`${values.label("output")}: ${problem}`);
    else output = candidate;
  }
  const format = values.choice<ExportFormat>("format") ?? (output === undefined ? undefined : formatForPath(output)) ?? "dotenv";
  return { format, output };
}

/**
 * Writes the variables to the file (0600; a new private folder when no --output), warns when it is inside the
 * checkout, and prints its path — and only its path — on stdout. Resolves with the path.
 */
export async function writeExportFile(plan: { format: ExportFormat; output: string | undefined }, variables: readonly ExportVariable[], context: CommandContext): Promise<string> {
  const { log, conventions, env } = context;
  const path = plan.output ?? join(privateFolder(conventions.tempDir?.(env) ?? tmpdir()), `secrets.${EXTENSIONS[plan.format]}`);
  await writeSecretFile(path, WRITERS[plan.format](variables));
  const workspace = conventions.workspace(env);
  if (workspace !== undefined && isInside(path, workspace)) {
    log.warn(`${path} is inside the job's checkout (${workspace}): artifacts or caches that include it would keep the secrets. Write it elsewhere (the default is a private temporary folder), or delete it before the job ends.`);
  }
  context.io.stdout.write(`${path}\n`);
  return path;
}

/** A new folder only the job's user can enter, under `parent` (created if missing). */
function privateFolder(parent: string): string {
  try {
    mkdirSync(parent, { recursive: true, mode: 0o700 });
    return mkdtempSync(join(parent, "secrets-action-"));
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "unknown error";
    throw new SecretsActionError("EXPORT", `${parent}: could not create a private folder for the file (${code})`, {
      cause: error,
      hint: "Give --output a path the job's user can write to.",
    });
  }
}

function isInside(path: string, folder: string): boolean {
  const between = relative(resolve(folder), resolve(path));
  return between !== "" && !between.startsWith("..") && !isAbsolute(between);
}
