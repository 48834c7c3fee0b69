/**
 * `circleci orb pack <src>` in TypeScript, so the packed orb is built and checked in this repository without the
 * CircleCI CLI. It follows the CLI's cmd/orb.go and filetree package:
 *
 * 1. `@orb.yml` must exist. The tree is walked in lexical order, keeping the root and folders named `commands`,
 *    `jobs`, `executors` and `examples` (others, `scripts/` included, and dot-folders are skipped); only `.yml` and
 *    `.yaml` files count. Root files are merged into the top level; a file `commands/load.yml` becomes `commands.load`.
 * 2. The result is read into the CLI's OrbSchema: `version`, `description`, `display`, `orbs`, `commands`,
 *    `executors`, `jobs`, `examples` in that order (anything else at the top is dropped), each example reduced to
 *    `description`, `usage` and `result` with `version`, `setup`, `orbs`, `jobs`, `workflows`.
 * 3. In `commands`, `jobs` and `executors`, a scalar that is exactly `<<include(path)>>` is replaced by that file's
 *    text (relative to `src`), with every `<<` escaped as `\<<` so CircleCI does not read it as a parameter.
 * 4. yaml.v3 writes it out (4-space indentation, keys in its order), and the CLI prints it with one more newline.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { type GoData, OrbSourceError, decodeYaml, encodeGo, goNodeStringStyle, goString } from "./go-yaml-data.js";
import { type YMap, type YNode, type YScalar, emitDocument } from "./go-yaml-emit.js";
import { formatGoFloat } from "./go-yaml-resolve.js";

export { OrbSourceError } from "./go-yaml-data.js";

const ALLOWED_FOLDERS = new Set(["executors", "jobs", "commands", "examples"]);
const INCLUDE = /<<[\s]*include\(([-\w/.]+)\)?[\s]*>>/g;
const YAML_FILE = /.+\.(yml|yaml)$/;

/** Reads `dir` as the CLI's filetree does; undefined for an empty folder. */
function readTree(dir: string, isRoot: boolean): Map<string, GoData> {
  const tree = new Map<string, GoData>();
  const names = readdirSync(dir).sort();
  for (const name of names) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) {
      if (name.startsWith(".") || !ALLOWED_FOLDERS.has(name)) continue;
      merge(tree, name, { kind: "map", entries: readTree(path, false) });
      continue;
    }
    if (!stat.isFile() || name.startsWith(".") || !YAML_FILE.test(name)) continue;
    const content = decodeYaml(readFileSync(path, "utf8"), path);
    if (content.kind !== "map" && content.kind !== "null") {
      throw new OrbSourceError(`expected a map, got a \`${content.kind}\` which is not supported at this time for "${path}"`);
    }
    const entries = content.kind === "map" ? content.entries : new Map<string, GoData>();
    if (isRoot) {
      for (const [key, value] of entries) tree.set(key, value);
    } else if (/^@.*\.(yml|yaml)$/.test(name)) {
      throw new OrbSourceError(`${path}: @-files inside a folder are not supported by this packer`);
    } else {
      merge(tree, name.replace(/\.[^.]*$/, ""), content);
    }
  }
  return tree;
}

/** mergeTree(subtree[name], child): a shallow merge of two maps under one key. */
function merge(tree: Map<string, GoData>, name: string, child: GoData): void {
  const existing = tree.get(name);
  const merged = new Map<string, GoData>(existing?.kind === "map" ? existing.entries : []);
  if (child.kind === "map") for (const [key, value] of child.entries) merged.set(key, value);
  tree.set(name, { kind: "map", entries: merged });
}

/** process.MaybeIncludeFile: the included text with `<<` escaped, or undefined when `value` is no include. */
function maybeInclude(value: string, srcDir: string): string | undefined {
  const matches = [...value.matchAll(INCLUDE)];
  if (matches.length === 0) return undefined;
  if (matches.length > 1) throw new OrbSourceError(`multiple include statements: '${value}'`);
  const [full, path = ""] = matches[0] ?? [];
  if (full !== value) throw new OrbSourceError(`entire string must be include statement: '${value}'`);
  const file = join(srcDir, path);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new OrbSourceError(`An unexpected error occurred: could not open ${file} for inclusion`);
  }
  return text.replaceAll("<<", "\\<<");
}

function scalarText(data: GoData | undefined): string | undefined {
  if (data === undefined || data.kind === "null") return undefined;
  if (data.kind === "str") return data.value;
  if (data.kind === "int" || data.kind === "float") return data.text;
  if (data.kind === "bool") return String(data.value);
  throw new OrbSourceError(`expected a scalar, got a ${data.kind}`);
}

const isEmpty = (data: GoData | undefined): boolean => data === undefined || data.kind === "null";

/**
 * ExampleUsageSchema: the five fields the CLI keeps, in its order. `workflows` has no omitempty, so it is written
 * (as null) whenever another field is set; a usage with no field at all is left out (Go's omitempty on a zero struct).
 */
function exampleUsage(data: GoData | undefined, where: string): YMap | undefined {
  if (data !== undefined && data.kind !== "map" && data.kind !== "null") throw new OrbSourceError(`${where}: expected a map`);
  const fields = data?.kind === "map" ? data.entries : new Map<string, GoData>();
  const entries: YMap["entries"] = [];
  const version = scalarText(fields.get("version"));
  if (version !== undefined && version !== "") entries.push([goString("version"), goString(version)]);
  const setup = fields.get("setup");
  if (setup !== undefined && setup.kind === "bool" && setup.value) entries.push([goString("setup"), { kind: "scalar", value: "true", style: "plain" }]);
  for (const name of ["orbs", "jobs"]) {
    const value = fields.get(name);
    if (!isEmpty(value) && value !== undefined) entries.push([goString(name), encodeGo(value)]);
  }
  const workflows = fields.get("workflows");
  if (entries.length === 0 && isEmpty(workflows)) return undefined;
  entries.push([goString("workflows"), encodeGo(workflows ?? { kind: "null" })]);
  return { kind: "map", entries };
}

/** The packed orb, exactly as `circleci orb pack <srcDir>` prints it (stdout, final newline included). */
export function packOrb(srcDir: string): string {
  if (!existsSync(join(srcDir, "@orb.yml"))) throw new OrbSourceError("@orb.yml file not found, are you sure this is the Orb root?");
  const tree = readTree(srcDir, true);
  const root: YMap = { kind: "map", entries: [] };
  const key = (name: string): YScalar => goString(name);

  const version = tree.get("version");
  if (version !== undefined && version.kind !== "null") {
    if (version.kind !== "int" && version.kind !== "float") throw new OrbSourceError("version: expected a number such as 2.1");
    // OrbSchema.Version is a float32: Go prints it with 32-bit precision.
    const value = Math.fround(Number(version.text));
    if (value !== 0) root.entries.push([key("version"), { kind: "scalar", value: formatFloat32(value), style: "plain" }]);
  }
  const description = scalarText(tree.get("description"));
  if (description !== undefined && description !== "") root.entries.push([key("description"), goString(description)]);

  const withIncludes = (value: string): YScalar | undefined => {
    const included = maybeInclude(value, srcDir);
    return included === undefined ? undefined : { kind: "scalar", value: included, style: goNodeStringStyle(included) };
  };
  for (const name of ["display", "orbs", "commands", "executors", "jobs"]) {
    const value = tree.get(name);
    if (isEmpty(value) || value === undefined) continue;
    const includes = name === "commands" || name === "executors" || name === "jobs";
    root.entries.push([key(name), encodeGo(value, includes ? withIncludes : undefined)]);
  }

  const examples = tree.get("examples");
  if (examples?.kind === "map" && examples.entries.size > 0) {
    const encoded = encodeGo({ kind: "map", entries: new Map([...examples.entries].map(([name]) => [name, { kind: "null" } as GoData])) }) as YMap;
    const entries: YMap["entries"] = encoded.entries.map(([nameScalar]) => {
      const example = examples.entries.get(nameScalar.value);
      const where = `examples.${nameScalar.value}`;
      if (example !== undefined && example.kind !== "map" && example.kind !== "null") throw new OrbSourceError(`${where}: expected a map`);
      const fields = example?.kind === "map" ? example.entries : new Map<string, GoData>();
      const body: YMap = { kind: "map", entries: [] };
      const exampleDescription = scalarText(fields.get("description"));
      if (exampleDescription !== undefined && exampleDescription !== "") body.entries.push([key("description"), goString(exampleDescription)]);
      const usage = exampleUsage(fields.get("usage"), `${where}.usage`);
      if (usage !== undefined) body.entries.push([key("usage"), usage]);
      const result = exampleUsage(fields.get("result"), `${where}.result`);
      if (result !== undefined) body.entries.push([key("result"), result]);
      return [nameScalar, body as YNode];
    });
    root.entries.push([key("examples"), { kind: "map", entries }]);
  }
  // `fmt.Println(result)`: Marshal's text and one more newline.
  return `${emitDocument(root)}\n`;
}

/** strconv.FormatFloat(float64(f), 'g', -1, 32): the shortest text that reads back as the same float32. */
function formatFloat32(value: number): string {
  for (let digits = 1; digits <= 9; digits++) {
    const text = Number(value.toPrecision(digits));
    if (Math.fround(text) === value) return formatGoFloat(text);
  }
  return formatGoFloat(value);
}
