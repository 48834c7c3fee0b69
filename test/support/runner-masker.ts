/**
 * What the GitHub runner does with `::add-mask::`: from the line after the command on, every registered value — each
 * line of a multi-line value, and the base64, JSON-escaped and URL-escaped forms of each — is replaced by `***`.
 * Written independently of core's mask module, so tests do not check core against itself.
 */
export class RunnerMasker {
  private readonly masks = new Set<string>();
  private ordered: string[] = [];

  /** Registers a value as the runner would (the runner ignores empty and whitespace-only values). */
  add(value: string): void {
    for (const part of [value, ...value.split(/\r?\n/)]) {
      const trimmed = part.trim();
      if (trimmed === "") continue;
      for (const form of encodings(trimmed)) if (form.length > 0) this.masks.add(form);
    }
    // Longest first, so a value containing another is masked whole.
    this.ordered = [...this.masks].sort((a, b) => b.length - a.length);
  }

  /** Applies every registered mask to one line of output. */
  apply(line: string): string {
    let result = line;
    for (const mask of this.ordered) if (result.includes(mask)) result = result.split(mask).join("***");
    return result;
  }

  get registered(): readonly string[] {
    return [...this.masks];
  }
}

function encodings(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const base64 = [0, 1, 2].flatMap((shift) => {
    if (bytes.length <= shift) return [];
    let encoded = bytes.subarray(shift).toString("base64").replace(/=+$/, "");
    // Drop the edge characters that depend on neighbouring bytes, as the runner does.
    if (shift > 0) encoded = encoded.slice(shift === 1 ? 2 : 3);
    if (bytes.subarray(shift).length % 3 !== 0) encoded = encoded.slice(0, -1);
    return encoded.length >= 4 ? [encoded] : [];
  });
  return [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), ...base64];
}
