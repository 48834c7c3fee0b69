/**
 * A YAML emitter that writes what gopkg.in/yaml.v3's encoder writes (the one `circleci orb pack` prints with), for
 * block mappings and sequences of scalars: 4-space indentation aligned to multiples of 4, sequence items two spaces in,
 * no line wrapping, empty collections as `{}` / `[]`, and libyaml's rules for when a scalar may be plain, single-
 * quoted, double-quoted or a literal block. Anything outside that subset throws rather than being guessed at.
 */

/** A scalar and the style its encoder asks for; the emitter may fall back as libyaml does. */
export interface YScalar {
  kind: "scalar";
  value: string;
  style: "plain" | "single" | "double" | "literal";
}

/** A mapping with its keys in output order. */
export interface YMap {
  kind: "map";
  entries: [YScalar, YNode][];
}

/** A block sequence. */
export interface YSeq {
  kind: "seq";
  items: YNode[];
}

/** Anything the emitter writes. */
export type YNode = YScalar | YMap | YSeq;

const BEST_INDENT = 4;

const isBreak = (cp: number): boolean => cp === 0x0a || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
const isSpace = (cp: number): boolean => cp === 0x20;
const isBlank = (cp: number): boolean => cp === 0x20 || cp === 0x09;
/** libyaml's is_printable: 4-byte UTF-8 characters (emoji) are not. */
const isPrintable = (cp: number): boolean =>
  cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);

interface ScalarAnalysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** yaml_emitter_analyze_scalar, for block context. */
function analyzeScalar(value: string): ScalarAnalysis {
  if (value === "") return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  const cps = [...value].map((char) => char.codePointAt(0) ?? 0);
  let blockIndicators = value.startsWith("---") || value.startsWith("...");
  let lineBreaks = false;
  let specialCharacters = false;
  let tabCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i] ?? 0;
    const next = cps[i + 1];
    const followedByWhitespace = next === undefined || isBlank(next);
    const char = String.fromCodePoint(cp);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(char)) blockIndicators = true;
      else if ((char === "?" || char === ":") && followedByWhitespace) blockIndicators = true;
      else if (char === "-" && followedByWhitespace) blockIndicators = true;
    } else if (char === ":" && followedByWhitespace) blockIndicators = true;
    else if (char === "#" && precededByWhitespace) blockIndicators = true;

    if (cp === 0x09) tabCharacters = true;
    else if (!isPrintable(cp)) specialCharacters = true;
    if (isSpace(cp)) {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(cp)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(cp) || isBreak(cp);
  }
  let blockPlainAllowed = true;
  let singleQuotedAllowed = true;
  let blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
  }
  if (spaceBreak || tabCharacters || specialCharacters) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) blockAllowed = false;
  if (lineBreaks) blockPlainAllowed = false;
  if (blockIndicators) blockPlainAllowed = false;
  return { multiline: lineBreaks, blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

/** yaml_emitter_select_scalar_style, for block context. */
function selectStyle(scalar: YScalar, simpleKey: boolean): YScalar["style"] {
  const analysis = analyzeScalar(scalar.value);
  let style = scalar.style;
  if (simpleKey && analysis.multiline) style = "double";
  if (style === "plain") {
    if (!analysis.blockPlainAllowed) style = "single";
    if (scalar.value === "" && simpleKey) style = "single";
  }
  if (style === "single" && !analysis.singleQuotedAllowed) style = "double";
  if (style === "literal" && (!analysis.blockAllowed || simpleKey)) style = "double";
  return style;
}

const ESCAPES = new Map<number, string>([
  [0x00, "0"], [0x07, "a"], [0x08, "b"], [0x09, "t"], [0x0a, "n"], [0x0b, "v"], [0x0c, "f"], [0x0d, "r"], [0x1b, "e"],
  [0x22, '"'], [0x5c, "\\"], [0x85, "N"], [0xa0, "_"], [0x2028, "L"], [0x2029, "P"],
]);

function doubleQuoted(value: string): string {
  let out = '"';
  for (const char of value) {
    const cp = char.codePointAt(0) ?? 0;
    if (!isPrintable(cp) || cp === 0xfeff || isBreak(cp) || cp === 0x22 || cp === 0x5c) {
      const escape = ESCAPES.get(cp);
      if (escape !== undefined) out += `\\${escape}`;
      else if (cp <= 0xff) out += `\\x${cp.toString(16).toUpperCase().padStart(2, "0")}`;
      else if (cp <= 0xffff) out += `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}`;
      else out += `\\U${cp.toString(16).toUpperCase().padStart(8, "0")}`;
    } else {
      out += char;
    }
  }
  return `${out}"`;
}

/** libyaml's block scalar header: an indentation indicator when the text starts with a space or break, and chomping. */
function literalHeader(value: string): { header: string; keep: boolean } {
  const cps = [...value].map((char) => char.codePointAt(0) ?? 0);
  let header = "|";
  const first = cps[0];
  if (first !== undefined && (isSpace(first) || isBreak(first))) header += String(BEST_INDENT);
  const last = cps[cps.length - 1];
  if (last === undefined || !isBreak(last)) return { header: `${header}-`, keep: false };
  const beforeLast = cps[cps.length - 2];
  if (cps.length === 1 || (beforeLast !== undefined && isBreak(beforeLast))) return { header: `${header}+`, keep: true };
  return { header, keep: false };
}

/** The next indentation of a nested block: aligned to a multiple of 4, as yaml.v3 does. */
const nextIndent = (indent: number): number => BEST_INDENT * Math.floor((indent + BEST_INDENT) / BEST_INDENT);

/** Emits documents the way yaml.v3's Marshal does; one instance per document. */
class Emitter {
  private out = "";
  private column = 0;
  /** The last scalar written was a `|+` block (libyaml would then end the stream with `...`). */
  private keepAtEnd = false;

  text(): string {
    if (this.keepAtEnd) throw new Error("go-yaml: a document ending in a `|+` block scalar is not supported");
    if (this.column > 0) this.newline();
    return this.out;
  }

  private write(text: string): void {
    this.out += text;
    const lastBreak = text.lastIndexOf("\n");
    this.column = lastBreak >= 0 ? [...text.slice(lastBreak + 1)].length : this.column + [...text].length;
  }

  private newline(): void {
    this.write("\n");
  }

  /** Starts a line at `indent` unless the cursor already sits there right after `- `. */
  private startLine(indent: number, afterDash: boolean): void {
    if (!afterDash && this.column > 0) this.newline();
    this.write(" ".repeat(Math.max(0, indent - this.column)));
  }

  /** A scalar right after `key:` or `- ` on the same line, or as a literal block below it at `blockIndent`. */
  private scalar(node: YScalar, blockIndent: number, simpleKey: boolean): void {
    const style = selectStyle(node, simpleKey);
    this.keepAtEnd = false;
    switch (style) {
      case "plain":
        this.write(node.value);
        return;
      case "single":
        this.write(`'${node.value.replaceAll("'", "''")}'`);
        return;
      case "double":
        this.write(doubleQuoted(node.value));
        return;
      case "literal": {
        const { header, keep } = literalHeader(node.value);
        this.write(`${header}\n`);
        const lines = node.value.split(/(\r\n|\r|\n|\u0085|\u2028|\u2029)/);
        for (let i = 0; i < lines.length; i += 2) {
          const line = lines[i] ?? "";
          const lineBreak = lines[i + 1];
          if (line !== "") this.write(" ".repeat(blockIndent) + line);
          if (lineBreak !== undefined) this.write(lineBreak === "\r\n" ? "\r\n" : lineBreak);
        }
        // A value ending without a break (`|-`) leaves the cursor mid-line: the next line starts with a newline.
        this.keepAtEnd = keep;
        return;
      }
    }
  }

  /** A mapping at `indent`; `afterDash` when its first key follows `- ` on the same line. */
  map(node: YMap, indent: number, afterDash = false): void {
    node.entries.forEach(([key, value], index) => {
      this.startLine(indent, afterDash && index === 0);
      this.scalar(key, nextIndent(indent), true);
      this.write(":");
      this.value(value, indent);
    });
  }

  /** The value of a mapping entry whose mapping sits at `indent`. */
  private value(node: YNode, indent: number): void {
    if (node.kind === "scalar") {
      this.write(" ");
      this.scalar(node, nextIndent(indent), false);
    } else if (node.kind === "map") {
      if (node.entries.length === 0) this.write(" {}");
      else this.map(node, nextIndent(indent));
    } else if (node.items.length === 0) {
      this.write(" []");
    } else {
      this.seq(node, nextIndent(indent));
    }
  }

  /** A block sequence with its dashes at `indent`; what follows a dash sits two columns in. */
  private seq(node: YSeq, indent: number): void {
    for (const item of node.items) {
      this.startLine(indent, false);
      this.write("-");
      if (item.kind === "scalar") {
        this.write(" ");
        this.scalar(item, indent + 2, false);
      } else if (item.kind === "map") {
        if (item.entries.length === 0) this.write(" {}");
        else {
          this.write(" ");
          this.map(item, indent + 2, true);
        }
      } else if (item.items.length === 0) {
        this.write(" []");
      } else {
        throw new Error("go-yaml: a sequence directly inside a sequence is not supported");
      }
    }
  }
}

/** The YAML text yaml.v3's Marshal produces for a top-level mapping. */
export function emitDocument(root: YMap): string {
  const emitter = new Emitter();
  if (root.entries.length === 0) return "{}\n";
  emitter.map(root, 0);
  return emitter.text();
}
