/**
 * The leaves of a JSON document as they appear in its text: what a program that parses a JSON secret may print.
 */

/** String leaves (decoded) and number leaves (exactly as written, so 12345678901234567890 is not rounded). */
export interface JsonLeaves {
  readonly strings: readonly string[];
  readonly numbers: readonly string[];
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/**
 * The string and number leaves of `text` if it is a JSON object or array, else `undefined`. Object keys are not
 * leaves (they name fields, they are not secret); `true`, `false` and `null` are left out.
 */
export function jsonLeaves(text: string): JsonLeaves | undefined {
  const start = text.trimStart()[0];
  if (start !== "{" && start !== "[") return undefined;
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  // The text is valid JSON, so a simple scan over its tokens is exact.
  const strings: string[] = [];
  const numbers: string[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (char === '"') {
      let end = index + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const literal = text.slice(index, end + 1);
      index = end + 1;
      let next = index;
      while (next < text.length && /\s/.test(text[next] ?? "")) next++;
      if (text[next] !== ":") strings.push(JSON.parse(literal) as string);
    } else if (char === "-" || (char !== undefined && char >= "0" && char <= "9")) {
      NUMBER.lastIndex = index;
      const match = NUMBER.exec(text);
      const token = match?.[0] ?? char;
      numbers.push(token);
      index += token.length;
    } else {
      index++;
    }
  }
  return { strings, numbers };
}
