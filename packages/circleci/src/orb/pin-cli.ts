/**
 * The orb's install command pins the CLI by version and SHA-256 as the defaults of its `version` and `sha256`
 * parameters. The build writes them into `commands/install.yml` (the orb's source, so that `circleci orb pack` of the
 * source gives the committed orb.yml) right after bundling the CLI.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The pinned CLI: what the install command installs by default. */
export interface CliPin {
  readonly version: string;
  readonly sha256: string;
}

const PARAMETER = (name: string): RegExp => new RegExp(`(\\n  ${name}:\\n    type: string\\n    default: )"?([^"\\n]*)"?\\n`);

/** The pin in the install command's source text. */
export function readPin(installYaml: string): CliPin {
  const version = PARAMETER("version").exec(installYaml)?.[2];
  const sha256 = PARAMETER("sha256").exec(installYaml)?.[2];
  if (version === undefined || sha256 === undefined) throw new Error("commands/install.yml: no `version` and `sha256` parameters with a default to pin");
  return { version, sha256 };
}

/** The install command's source with `pin` as its defaults (quoted: a digest of digits alone would read as a number). */
export function writePin(installYaml: string, pin: CliPin): string {
  if (!/^[0-9a-f]{64}$/.test(pin.sha256)) throw new Error(`not a SHA-256: ${pin.sha256}`);
  if (!/^[0-9][0-9A-Za-z.+-]*$/.test(pin.version)) throw new Error(`not a version: ${pin.version}`);
  readPin(installYaml);
  return installYaml
    .replace(PARAMETER("version"), (_match, head: string) => `${head}"${pin.version}"\n`)
    .replace(PARAMETER("sha256"), (_match, head: string) => `${head}"${pin.sha256}"\n`);
}

/** Pins `srcDir`'s install command; returns whether the file changed. */
export function pinCli(srcDir: string, pin: CliPin): boolean {
  const path = join(srcDir, "commands", "install.yml");
  const before = readFileSync(path, "utf8");
  const after = writePin(before, pin);
  if (after !== before) writeFileSync(path, after);
  return after !== before;
}
