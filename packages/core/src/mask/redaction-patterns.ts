import { encodedForms } from "./encoded-forms.js";
import { masksFor, type MaskOptions } from "./masks-for.js";

/** Options for {@link redactionPatterns}. */
export interface RedactionPatternOptions extends MaskOptions {
  /** Also redact each mask's encodedForms: base64, URL and JSON escapes (default true). */
  includeEncodedForms?: boolean;
}

/**
 * Every text a Redactor must replace for `secrets`: the masksFor of each (whole, trimmed, lines, JSON leaves) and,
 * unless `includeEncodedForms` is false, their encodedForms; distinct. Secrets shorter than `minLength` contribute
 * nothing: call masksFor for the warnings that say so.
 */
export function redactionPatterns(secrets: readonly string[], options: RedactionPatternOptions = {}): string[] {
  const maskOptions: MaskOptions = options.minLength === undefined ? {} : { minLength: options.minLength };
  const patterns = new Set<string>();
  for (const secret of secrets) {
    for (const mask of masksFor("", secret, maskOptions).masks) {
      patterns.add(mask);
      if (options.includeEncodedForms !== false) for (const form of encodedForms(mask, maskOptions)) patterns.add(form);
    }
  }
  return [...patterns];
}
