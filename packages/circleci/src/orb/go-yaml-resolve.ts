/**
 * How gopkg.in/yaml.v3 — the YAML library of the CircleCI CLI, and so of `circleci orb pack` — reads a plain scalar
 * and orders map keys. The packer uses these so its output matches the CLI's byte for byte: a plain `0777` is an
 * octal int, `1_000` an int, `yes` a string (but quoted on the way out), `2024-01-02` a string that must be quoted.
 */

/** What a plain scalar resolves to in yaml.v3. */
export type GoTag = "str" | "int" | "float" | "bool" | "null" | "timestamp" | "merge";

/** A resolved plain scalar: its tag and, for numbers, the canonical text Go would print back. */
export interface Resolved {
  tag: GoTag;
  /** For int: the decimal digits of the value; for float: Go's FormatFloat(v, 'g', -1, 64); for bool: true/false. */
  text: string;
}

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const TRUES = new Set(["true", "True", "TRUE"]);
const FALSES = new Set(["false", "False", "FALSE"]);
const SPECIAL_FLOATS = new Map([
  [".nan", ".nan"], [".NaN", ".nan"], [".NAN", ".nan"],
  [".inf", ".inf"], [".Inf", ".inf"], [".INF", ".inf"],
  ["+.inf", ".inf"], ["+.Inf", ".inf"], ["+.INF", ".inf"],
  ["-.inf", "-.inf"], ["-.Inf", "-.inf"], ["-.INF", "-.inf"],
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** The strings YAML 1.1 read as booleans; yaml.v3 quotes them on output so older readers keep them strings. */
export function isOldBool(value: string): boolean {
  return ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF"].includes(value);
}

/** YAML 1.1 base-60 floats (`1:20`), quoted on output for the same reason. */
export function isBase60Float(value: string): boolean {
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(value);
}

/** Go's strconv.ParseInt(s, 0, 64) (with the `_` already removed), as a bigint, or undefined. */
function parseGoInt(plain: string): bigint | undefined {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(plain);
  if (!match) return undefined;
  const [, sign = "", digits = ""] = match;
  let value: bigint;
  if (/^0[oO]/.test(digits)) value = BigInt(`0o${digits.slice(2)}`);
  else if (/^0[0-7]+$/.test(digits)) value = BigInt(`0o${digits.slice(1)}`);
  else value = BigInt(digits);
  if (sign === "-") value = -value;
  if (value > 0xffffffffffffffffn || value < -0x8000000000000000n) return undefined;
  return value;
}

/** Go's FormatFloat(f, 'g', -1, 64): the shortest digits, in exponent form below 1e-4 and from 1e6 up. */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return ".nan";
  if (value === Infinity) return ".inf";
  if (value === -Infinity) return "-.inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const [mantissa = "", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace(/^-/, "").replace(".", "");
  let body: string;
  // Shortest formatting decides with precision 6: %e when the exponent is < -4 or >= 6.
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.slice(1);
    const exp = Math.abs(exponent).toString().padStart(2, "0");
    body = `${digits[0]}${fraction ? `.${fraction}` : ""}e${exponent < 0 ? "-" : "+"}${exp}`;
  } else if (exponent < 0) {
    body = `0.${"0".repeat(-exponent - 1)}${digits}`;
  } else if (digits.length <= exponent + 1) {
    body = digits + "0".repeat(exponent + 1 - digits.length);
  } else {
    body = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  }
  return negative ? `-${body}` : body;
}

/** Whether `value` parses as a timestamp in one of the layouts yaml.v3 tries (a 4-digit year and a dash first). */
function isTimestamp(value: string): boolean {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d{1,9})?(?:[ \t]*(?:Z|[+-]\d{1,2}(?::\d{2})?))?)?$/.exec(value);
  if (!match) return false;
  const [, , month = "0", day = "0", hour = "0", minute = "0", second = "0"] = match;
  return Number(month) >= 1 && Number(month) <= 12 && Number(day) >= 1 && Number(day) <= 31 && Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60;
}

/** yaml.v3's resolve("", plain): the tag a plain scalar gets. */
export function resolvePlain(plain: string): Resolved {
  if (NULLS.has(plain)) return { tag: "null", text: "null" };
  if (TRUES.has(plain)) return { tag: "bool", text: "true" };
  if (FALSES.has(plain)) return { tag: "bool", text: "false" };
  const special = SPECIAL_FLOATS.get(plain);
  if (special !== undefined) return { tag: "float", text: special };
  if (plain === "<<") return { tag: "merge", text: plain };
  const first = plain[0] ?? "";
  if (first === ".") {
    if (GO_FLOAT.test(plain)) return { tag: "float", text: formatGoFloat(Number(plain)) };
    return { tag: "str", text: plain };
  }
  if (/[0-9+-]/.test(first)) {
    if (isTimestamp(plain)) return { tag: "timestamp", text: plain };
    const noUnderscores = plain.replaceAll("_", "");
    const int = parseGoInt(noUnderscores);
    if (int !== undefined) return { tag: "int", text: int.toString() };
    if (YAML_STYLE_FLOAT.test(noUnderscores)) return { tag: "float", text: formatGoFloat(Number(noUnderscores)) };
  }
  return { tag: "str", text: plain };
}

/**
 * yaml.v3's order for map keys (sorter.go): letters compare by code point, a non-letter sorts before a letter
 * (after one when following a digit), and runs of digits compare as numbers — `a2` before `a10`.
 */
export function compareGoKeys(a: string, b: string): number {
  return goKeyLess(a, b) ? -1 : goKeyLess(b, a) ? 1 : 0;
}

const isLetter = (char: string): boolean => /\p{L}/u.test(char);
const isDigit = (char: string): boolean => /\p{Nd}/u.test(char);

function goKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] ?? "";
    const bc = br[i] ?? "";
    if (ac === bc) {
      digits = isDigit(ac);
      continue;
    }
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return (ac.codePointAt(0) ?? 0) < (bc.codePointAt(0) ?? 0);
    if (al || bl) return digits ? al : bl;
    let an = 0n;
    let bn = 0n;
    if (ac === "0" || bc === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j] ?? ""); j--) {
        if (ar[j] !== "0") {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai] ?? ""); ai++) an = an * 10n + BigInt((ar[ai] ?? "0").charCodeAt(0) - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi] ?? ""); bi++) bn = bn * 10n + BigInt((br[bi] ?? "0").charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return (ac.codePointAt(0) ?? 0) < (bc.codePointAt(0) ?? 0);
  }
  return ar.length < br.length;
}
