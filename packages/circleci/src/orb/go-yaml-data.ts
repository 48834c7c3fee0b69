/**
 * YAML read the way yaml.v3's Unmarshal into `interface{}` reads it, and written back the way its Marshal writes Go
 * values: the two halves of what `circleci orb pack` does to every file of an orb's source.
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Node as YamlNode, Scalar } from "yaml";
import type { YMap, YNode, YScalar } from "./go-yaml-emit.js";
import { compareGoKeys, isBase60Float, isOldBool, resolvePlain } from "./go-yaml-resolve.js";

/** A value as yaml.v3 decodes it into `interface{}`. Map entries keep source order; Marshal sorts them. */
export type GoData =
  | { kind: "map"; entries: Map<string, GoData> }
  | { kind: "seq"; items: GoData[] }
  | { kind: "str"; value: string }
  | { kind: "int"; text: string }
  | { kind: "float"; text: string }
  | { kind: "bool"; value: boolean }
  | { kind: "null" };

/** A source file the packer cannot read exactly as the CircleCI CLI would. */
export class OrbSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OrbSourceError";
  }
}

/** Parses one YAML file into what yaml.v3 would hand the packer. Anchors, aliases, tags and merge keys are refused. */
export function decodeYaml(text: string, file: string): GoData {
  const documents = parseAllDocuments(text, { version: "1.2", uniqueKeys: true });
  if (!Array.isArray(documents)) throw new OrbSourceError(`${file}: not YAML`);
  if (documents.length > 1) throw new OrbSourceError(`${file}: more than one YAML document`);
  const document = documents[0];
  if (document === undefined) return { kind: "null" };
  const problem = document.errors[0];
  if (problem) throw new OrbSourceError(`${file}: ${problem.message}`);
  return decodeNode(document.contents, file);
}

function decodeNode(node: unknown, file: string): GoData {
  if (node === null || node === undefined) return { kind: "null" };
  if (isAlias(node)) throw new OrbSourceError(`${file}: aliases are not supported`);
  const yamlNode = node as YamlNode;
  if (yamlNode.anchor) throw new OrbSourceError(`${file}: anchors are not supported (&${yamlNode.anchor})`);
  if (yamlNode.tag) throw new OrbSourceError(`${file}: tags are not supported (${yamlNode.tag})`);
  if (isMap(node)) {
    const entries = new Map<string, GoData>();
    for (const pair of node.items) {
      if (!isScalar(pair.key)) throw new OrbSourceError(`${file}: a mapping key is not a plain string`);
      const key = decodeNode(pair.key, file);
      if (key.kind !== "str") throw new OrbSourceError(`${file}: the key ${JSON.stringify(String(pair.key.value))} is not a string to yaml.v3; quote it`);
      entries.set(key.value, decodeNode(pair.value, file));
    }
    return { kind: "map", entries };
  }
  if (isSeq(node)) return { kind: "seq", items: node.items.map((item) => decodeNode(item, file)) };
  if (isScalar(node)) {
    if (node.type !== Scalar.PLAIN) return { kind: "str", value: String(node.value) };
    const plain = node.source ?? "";
    const resolved = resolvePlain(plain);
    switch (resolved.tag) {
      case "str":
      case "timestamp": // yaml.v3 keeps timestamp-looking scalars as strings in an interface{}
        return { kind: "str", value: plain };
      case "int":
        return { kind: "int", text: resolved.text };
      case "float":
        return { kind: "float", text: resolved.text };
      case "bool":
        return { kind: "bool", value: resolved.text === "true" };
      case "null":
        return { kind: "null" };
      case "merge":
        throw new OrbSourceError(`${file}: merge keys (<<) are not supported`);
    }
  }
  throw new OrbSourceError(`${file}: unsupported YAML node`);
}

/** The style yaml.v3's Marshal asks for a Go string (encode.go stringv). */
export function goStringStyle(value: string): YScalar["style"] {
  if (value.includes("\n")) return "literal";
  const plain = resolvePlain(value).tag === "str" && !isBase60Float(value) && !isOldBool(value);
  return plain ? "plain" : "double";
}

/** The style yaml.v3 asks for a string scalar node whose value was replaced after parsing (an included file). */
export function goNodeStringStyle(value: string): YScalar["style"] {
  if (value.includes("\n")) return "literal";
  return resolvePlain(value).tag === "str" ? "plain" : "double";
}

/** A Go string scalar, styled as Marshal would. */
export function goString(value: string): YScalar {
  return { kind: "scalar", value, style: goStringStyle(value) };
}

/**
 * What yaml.v3's Marshal writes for a decoded value: maps with keys in yaml.v3's order, strings styled by
 * {@link goStringStyle}, numbers in Go's canonical form. `onString` may replace a string first (for includes).
 */
export function encodeGo(data: GoData, onString?: (value: string) => YScalar | undefined): YNode {
  switch (data.kind) {
    case "map": {
      const keys = [...data.entries.keys()].sort(compareGoKeys);
      const entries: YMap["entries"] = keys.map((key) => [onString?.(key) ?? goString(key), encodeGo(data.entries.get(key) ?? { kind: "null" }, onString)]);
      return { kind: "map", entries };
    }
    case "seq":
      return { kind: "seq", items: data.items.map((item) => encodeGo(item, onString)) };
    case "str":
      return (data.value !== "" ? onString?.(data.value) : undefined) ?? goString(data.value);
    case "int":
    case "float":
      return { kind: "scalar", value: data.text, style: "plain" };
    case "bool":
      return { kind: "scalar", value: String(data.value), style: "plain" };
    case "null":
      return { kind: "scalar", value: "null", style: "plain" };
  }
}
