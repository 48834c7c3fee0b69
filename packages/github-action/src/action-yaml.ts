/** Renders action.yml from the input and output lists, so the two can never disagree. Run by `pnpm build`. */
import { INPUTS, OUTPUTS } from "./inputs.js";

/** A YAML double-quoted scalar: exact for any text. */
function quote(text: string): string {
  return JSON.stringify(text);
}

/** The whole action.yml, as committed at the repository root. */
export function renderActionYaml(): string {
  const lines = [
    "# Generated from packages/github-action/src/inputs.ts by `pnpm build`; edit that file, not this one.",
    "name: Infisical secrets (secrets-action)",
    "author: secrets-action",
    "description: Fetch Infisical secrets into a job — a drop-in for Infisical/secrets-action with retries, outputs, safe files, OIDC hints and cleanup.",
    "branding:",
    "  icon: lock",
    "  color: yellow",
    "inputs:",
  ];
  for (const input of INPUTS) {
    lines.push(`  ${input.name}:`, `    description: ${quote(input.description)}`, "    required: false");
    if (input.default !== undefined) lines.push(`    default: ${quote(input.default)}`);
  }
  lines.push("outputs:");
  for (const output of OUTPUTS) lines.push(`  ${output.name}:`, `    description: ${quote(output.description)}`);
  lines.push("runs:", "  using: node24", "  main: actions/github/main.js", "  post: actions/github/post.js", "  post-if: always()", "");
  return lines.join("\n");
}
