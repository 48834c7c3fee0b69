import { DEFAULT_MASK_MIN_LENGTH, type MaskOptions } from "./masks-for.js";

/**
 * The forms a leaked `mask` takes in a log besides itself, each at least `minLength` characters long (default
 * DEFAULT_MASK_MIN_LENGTH), distinct, and different from the mask:
 * - base64 of its UTF-8 bytes, padded, as `base64 <<< "$SECRET"` prints it alone;
 * - for each of the three byte alignments the value can have inside a longer base64-encoded text (a config file or
 *   an `Authorization: Basic` header), the base64 characters that depend on the value's bits only — the edge
 *   characters shared with the neighbouring bytes are left out, as the GitHub runner does;
 * - the base64url spelling (`-` and `_`, no padding) of each of those, where it differs;
 * - URL encoding: encodeURIComponent, the same with `+` for spaces, and URLSearchParams' form encoding (which also
 *   escapes `!'()~`);
 * - JSON string escaping without the quotes, and the same with every non-ASCII character as `\uXXXX` (Python's
 *   json.dumps default).
 * Other escapings (shell quoting, XML, lowercase percent-escapes) are not covered.
 */
export function encodedForms(mask: string, options: MaskOptions = {}): string[] {
  const minLength = options.minLength ?? DEFAULT_MASK_MIN_LENGTH;
  const forms = new Set<string>();
  const bytes = Buffer.from(mask, "utf8");
  const base64: string[] = [bytes.toString("base64")];
  for (let shift = 0; shift < 3; shift++) base64.push(alignedBase64(bytes, shift));
  for (const form of base64) {
    forms.add(form);
    forms.add(form.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_"));
  }
  const uri = safeEncodeURIComponent(mask);
  if (uri !== undefined) {
    forms.add(uri);
    forms.add(uri.replace(/%20/g, "+"));
    forms.add(new URLSearchParams([["", mask]]).toString().slice(1));
  }
  const json = JSON.stringify(mask).slice(1, -1);
  forms.add(json);
  forms.add(json.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`));
  forms.delete(mask);
  return [...forms].filter((form) => [...form].length >= minLength);
}

/**
 * The base64 characters fixed by `bytes` alone when they start `shift` bytes into a 3-byte group of a longer input:
 * character j of the encoding covers bits [6j, 6j + 6), so it is kept when those bits all fall inside the value.
 */
function alignedBase64(bytes: Buffer, shift: number): string {
  const padded = Buffer.concat([Buffer.alloc(shift), bytes, Buffer.alloc(2)]);
  const encoded = padded.toString("base64");
  const firstBit = shift * 8;
  const endBit = firstBit + bytes.length * 8;
  return encoded.slice(Math.ceil(firstBit / 6), Math.floor(endBit / 6));
}

function safeEncodeURIComponent(text: string): string | undefined {
  try {
    return encodeURIComponent(text);
  } catch {
    // A lone surrogate has no URL encoding; nothing can print it encoded either.
    return undefined;
  }
}
