/** `--help` text, rendered from the command table and the option table (so it cannot drift from what is parsed). */
import type { Command } from "./command.js";
import type { CiConventions } from "./conventions.js";
import type { OptionGroup, OptionSpec } from "./options.js";

const GROUP_TITLES: Record<OptionGroup, string> = {
  connection: "Server",
  auth: "Login",
  secrets: "What to fetch",
  names: "Variable names and redaction",
  leases: "Dynamic secrets (leases)",
  run: "The command",
  export: "The file",
  general: "General",
};

/** The help printed by `<program> --help` or without a command. */
export function renderGeneralHelp(conventions: CiConventions, commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length), 4);
  const lines = [
    `Usage: ${conventions.program} <command> [options]`,
    "",
    conventions.tagline,
    "",
    "Commands:",
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    `  ${"help".padEnd(width)}  Show a command's options: help <command>.`,
    "",
    "Every option can be given as a flag or, in CI, as the environment variable shown in the command's help.",
    "Exit codes: 0 done; 1 failed (the error line says why); 2 wrong options or variables, nothing sent.",
    `The command that runs another exits with that command's code (128 + N when killed by signal N).`,
    `Run \`${conventions.program} <command> --help\` for its options; \`${conventions.program} --version\` for the version.`,
  ];
  return `${lines.join("\n")}\n`;
}

function describeOption(spec: OptionSpec, defaults: Readonly<Record<string, string>>): string[] {
  const value = spec.type === "boolean" ? "" : ` ${spec.choices ? spec.choices.join("|") : (spec.placeholder ?? "VALUE")}`;
  const names = [`--${spec.name}${value}`];
  for (const alias of spec.aliases ?? []) names.push(`--${alias}`);
  if (spec.short !== undefined) names.unshift(`-${spec.short}`);
  const facts: string[] = [];
  if (spec.env && spec.env.length > 0) facts.push(`env ${spec.env.join(", ")}`);
  const fallback = defaults[spec.name] ?? spec.default;
  if (fallback !== undefined && spec.type !== "boolean") facts.push(`default ${fallback}`);
  if (spec.type === "boolean" && spec.default === "true") facts.push(`default true; --no-${spec.name} turns it off`);
  if (spec.type === "list") facts.push("repeatable");
  return [`  ${names.join(", ")}`, `      ${spec.description}${facts.length > 0 ? ` (${facts.join("; ")})` : ""}`];
}

/** The help of one command: usage, what it does, its options by group. */
export function renderCommandHelp(conventions: CiConventions, command: Command, table: readonly OptionSpec[]): string {
  const lines = [`Usage: ${conventions.program} ${command.name} ${command.usage}`, "", command.summary];
  for (const paragraph of command.details) lines.push("", paragraph);
  const accepted = new Set([...command.optionNames, "help"]);
  const groups = new Map<OptionGroup, OptionSpec[]>();
  for (const spec of table) {
    if (!accepted.has(spec.name)) continue;
    const list = groups.get(spec.group);
    if (list === undefined) groups.set(spec.group, [spec]);
    else list.push(spec);
  }
  for (const [group, specs] of groups) {
    lines.push("", `${GROUP_TITLES[group]}:`);
    const defaults = { "id-token-variable": conventions.idTokenVariables.join(", then "), ...conventions.defaults };
    for (const spec of specs) lines.push(...describeOption(spec, defaults));
  }
  return `${lines.join("\n")}\n`;
}
