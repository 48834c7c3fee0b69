import { ConfigError } from "../errors.js";
import { jsonLeaves } from "./json-leaves.js";

/**
 * Values shorter than this many characters are not masked (default 6). Masking replaces every occurrence of the text
 * in the whole log, so a short value masks ordinary output: `true`, `false`, `test`, `null`, `yes`, `admin`, `debug`,
 * a port such as `5432` or `27017`. Worse, GitHub drops any job output that contains a mask, so a masked `false`
 * silently empties every output that says false. Six is the shortest length that leaves those common words and
 * five-digit numbers alone while still masking short passwords and PINs of six or more. GitLab requires eight for
 * its own masked variables. A value left unmasked is reported with a warning naming its key.
 */
export const DEFAULT_MASK_MIN_LENGTH = 6;

/** Options for {@link masksFor} and everything built on it. */
export interface MaskOptions {
  /** Shortest text, in Unicode characters after trimming, that is masked (default {@link DEFAULT_MASK_MIN_LENGTH}). */
  minLength?: number;
}

/** What to register with the CI's masker for one secret, and what to tell the user. */
export interface Masks {
  /** Distinct, non-empty, longest first. */
  readonly masks: readonly string[];
  /** One line each, naming the key, never the value. */
  readonly warnings: readonly string[];
}

/** How deep JSON inside JSON strings is followed, e.g. a service account JSON stored as a string field. */
const MAX_JSON_DEPTH = 3;

/**
 * The texts to mask so that `value` cannot show up in a log, in the forms it is printed in:
 * - the value itself, and the value without its leading and trailing whitespace (a shell or a logger may trim it);
 * - each line of a multi-line value, trimmed (`\n`, `\r\n` and `\r` all end lines), because logs are read and masked
 *   line by line — the GitHub runner masks a multi-line secret only where it is printed whole;
 * - the leaves of a JSON object or array value (string leaves like above, number leaves as written), because a
 *   program that parses the secret prints its fields, not the document. Object keys are not masked.
 * Texts shorter than `minLength` are not masked (see {@link DEFAULT_MASK_MIN_LENGTH}); when that leaves the value,
 * or some of its lines or JSON strings, unmasked, a warning names the key. Empty and whitespace-only values have
 * nothing to mask and no warning. Encoded forms (base64, URL, JSON escapes) come from encodedForms.
 * @throws ConfigError when `minLength` is not a whole number of at least 1.
 */
export function masksFor(key: string, value: string, options: MaskOptions = {}): Masks {
  const minLength = minLengthOf(options);
  // Most values are one line without surrounding space that is not JSON: the value is its only mask.
  return isPlainLine(value, minLength) ? { masks: [value], warnings: [] } : masksOfText(key, value, minLength);
}

/** masksFor of a value that is not a plain line, with `minLength` already checked. */
function masksOfText(key: string, value: string, minLength: number): Masks {
  const trimmed = value.trim();
  if (trimmed === "") return { masks: [], warnings: [] };
  const masks = new Set<string>();
  const shown = JSON.stringify(key);
  if (!hasAtLeast(trimmed, minLength)) {
    return {
      masks: [],
      warnings: [
        `${shown}: its value is shorter than ${minLength} characters, so it is not masked in logs. ` +
          `Masking text that short would hide every occurrence of it in the output; if it is a secret, make it longer.`,
      ],
    };
  }
  const short = collect(value, minLength, masks, 0);
  const warnings: string[] = [];
  if (short > 0) {
    warnings.push(
      `${shown}: ${short === 1 ? "1 line or JSON field" : `${short} lines or JSON fields`} of its value ${short === 1 ? "is" : "are"} shorter than ` +
        `${minLength} characters, so ${short === 1 ? "it is" : "they are"} masked only where the whole value is printed.`,
    );
  }
  return { masks: [...masks].sort((a, b) => b.length - a.length), warnings };
}

/** The masks of many secrets together, as a front door registers them. */
export interface AllMasks {
  /** Every secret's masks, one secret after another (each secret's longest first); may repeat across secrets. */
  readonly masks: string[];
  /** The keys of the secrets that {@link masksFor} warns about (a value or part of one too short to mask). */
  readonly short: string[];
}

/**
 * {@link masksFor} over many secrets, collected into one list: what a front door registers before it prints or
 * exports anything. Thousands of secrets are one pass, with no result object per one-line value.
 * @throws ConfigError when `minLength` is not a whole number of at least 1.
 */
export function masksForAll(secrets: ReadonlyArray<{ readonly key: string; readonly value: string }>, options: MaskOptions = {}): AllMasks {
  const minLength = minLengthOf(options);
  const masks: string[] = [];
  const short: string[] = [];
  // Indexed: once per secret, in code V8 has not optimised yet, where for-of allocates at every step.
  for (let index = 0; index < secrets.length; index++) {
    const { key, value } = secrets[index] as { readonly key: string; readonly value: string };
    if (isPlainLine(value, minLength)) {
      masks.push(value);
      continue;
    }
    const one = masksOfText(key, value, minLength);
    for (const mask of one.masks) masks.push(mask);
    if (one.warnings.length > 0) short.push(key);
  }
  return { masks, short };
}

function minLengthOf(options: MaskOptions): number {
  const minLength = options.minLength ?? DEFAULT_MASK_MIN_LENGTH;
  if (!Number.isInteger(minLength) || minLength < 1) {
    throw new ConfigError([`minLength: ${String(minLength)} is not a whole number of at least 1. The default is ${DEFAULT_MASK_MIN_LENGTH}.`]);
  }
  return minLength;
}

/**
 * A one-line value without surrounding space that is not JSON and is long enough: its only mask is itself. Checked
 * with indexOf rather than regular expressions, which allocate on every call in code V8 has not optimised yet.
 */
function isPlainLine(value: string, minLength: number): boolean {
  const start = value[0];
  return (
    value.trim().length === value.length &&
    value.indexOf("\n") < 0 &&
    value.indexOf("\r") < 0 &&
    start !== "{" &&
    start !== "[" &&
    hasAtLeast(value, minLength)
  );
}

/** Add the masks of `text` to `masks`; return how many of its non-blank parts were too short to mask. */
function collect(text: string, minLength: number, masks: Set<string>, depth: number): number {
  const trimmed = text.trim();
  if (trimmed === "") return 0;
  if (!hasAtLeast(trimmed, minLength)) return 1;
  masks.add(text);
  masks.add(trimmed);
  let short = 0;
  const leaves = depth < MAX_JSON_DEPTH ? jsonLeaves(trimmed) : undefined;
  if (LINE_BREAK.test(trimmed)) {
    for (const line of trimmed.split(/\r\n|\r|\n/)) {
      const lineTrimmed = line.trim();
      if (lineTrimmed === "") continue;
      if (hasAtLeast(lineTrimmed, minLength)) masks.add(lineTrimmed);
      // Lines of a JSON document are mostly punctuation: its fields are counted below instead.
      else if (leaves === undefined) short++;
    }
  }
  if (leaves !== undefined) {
    for (const leaf of leaves.strings) short += collect(leaf, minLength, masks, depth + 1);
    for (const number of leaves.numbers) if (number.length >= minLength) masks.add(number);
  }
  return short;
}

const LINE_BREAK = /[\r\n]/;

/**
 * Whether `text` has at least `n` Unicode code points, so an emoji counts once. A code point is one or two UTF-16
 * units, so the length alone decides unless it lies between n and 2n.
 */
function hasAtLeast(text: string, n: number): boolean {
  if (text.length < n) return false;
  if (text.length >= 2 * n) return true;
  let count = 0;
  for (const _ of text) if (++count >= n) return true;
  return false;
}
