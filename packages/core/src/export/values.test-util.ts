/**
 * fast-check arbitraries shared by the writers' round-trip tests: the values that break naive writers.
 */
import fc from "fast-check";

/** Pieces that have broken real dotenv, shell and YAML writers, to be glued together into values. */
export const TRICKY_PIECES = [
  "'",
  '"',
  "`",
  "$",
  "${X}",
  "$(touch /tmp/x)",
  "`id`",
  "\\",
  "\\n",
  "\\'",
  "'\\''",
  "\n",
  "\r\n",
  "\r",
  "\t",
  " ",
  "  ",
  "#",
  " # not a comment",
  "=",
  "<<",
  "EOF",
  "ghadelimiter_",
  "export X=1",
  ";",
  "&&",
  "|",
  "*",
  "~",
  "!",
  "%",
  "{}",
  "[]",
  ": ",
  "- ",
  "---",
  "on",
  "yes",
  "null",
  "1e3",
  "😀",
  "שלום",
  "e\u0301",
  "\u2028",
  "\u0085",
  "\u00a0",
  "\ufeff",
  "\u0007",
  "\u001b[31m",
  "\u007f",
  "a",
  "b",
  "Z9",
];

/** A value made of tricky pieces, or of arbitrary well-formed Unicode (no lone surrogates: files are UTF-8). */
export const trickyValue = (maxPieces = 12): fc.Arbitrary<string> =>
  fc.oneof(
    fc.array(fc.constantFrom(...TRICKY_PIECES), { maxLength: maxPieces }).map((pieces) => pieces.join("")),
    fc.string({ unit: "grapheme", maxLength: 20 }),
    fc.string({ unit: "binary", maxLength: 20 }).map((text) => text.replace(/\0/g, "")),
  );

/** Distinct environment variable names, all starting `X_` so they cannot clash with the test's own environment. */
export const envNames = (maxLength = 8): fc.Arbitrary<string[]> =>
  fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/).map((suffix) => `X_${suffix}`), { minLength: 1, maxLength });

/** Variables with distinct names and values from `value`. */
export const variables = (value: fc.Arbitrary<string>, maxLength = 8): fc.Arbitrary<{ name: string; value: string }[]> =>
  envNames(maxLength).chain((names) =>
    fc.tuple(...names.map((name) => value.map((v) => ({ name, value: v })))),
  );

/** A 40 KiB value with every tricky piece in it, and one made of newlines and quotes only. */
export const LONG_VALUES = [
  [...TRICKY_PIECES.join("").repeat(Math.ceil(40_960 / TRICKY_PIECES.join("").length))].slice(0, 40_960).join(""),
  "'\n\"".repeat(14_000),
];
