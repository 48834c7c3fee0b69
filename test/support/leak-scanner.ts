/**
 * The leak guard every end-to-end test uses: given the secrets of a run and the log a person would read (after the
 * runner's masking, if any), it reports every secret, line of a multi-line secret, or encoded form still visible.
 * Values shorter than `minLength` are skipped (they are documented as not masked: `1`, `true`).
 */
export interface Leak {
  /** Which secret leaked (by its name, never its value). */
  name: string;
  form: "value" | "line" | "base64" | "url" | "json";
  /** 1-based line of the log. */
  line: number;
}

export interface LeakScanOptions {
  minLength?: number;
}

function forms(value: string): { form: Leak["form"]; text: string }[] {
  const out: { form: Leak["form"]; text: string }[] = [{ form: "value", text: value }];
  const lines = value.split(/\r?\n/).map((line) => line.trim());
  if (lines.length > 1) for (const line of lines) out.push({ form: "line", text: line });
  out.push({ form: "base64", text: Buffer.from(value, "utf8").toString("base64").replace(/=+$/, "") });
  out.push({ form: "url", text: encodeURIComponent(value) });
  out.push({ form: "json", text: JSON.stringify(value).slice(1, -1) });
  return out;
}

/** Scans `log` for the secrets; returns one entry per (secret, form) found. */
export function scanForLeaks(log: string, secrets: Record<string, string>, options: LeakScanOptions = {}): Leak[] {
  const minLength = options.minLength ?? 6;
  const leaks: Leak[] = [];
  const logLines = log.split("\n");
  for (const [name, value] of Object.entries(secrets)) {
    const seen = new Set<string>();
    for (const { form, text } of forms(value)) {
      if (text.trim().length < minLength || seen.has(`${form}:${text}`)) continue;
      seen.add(`${form}:${text}`);
      const index = logLines.findIndex((line) => line.includes(text));
      if (index >= 0) leaks.push({ name, form, line: index + 1 });
    }
  }
  return leaks;
}

/** Throws with the names, forms and lines of every leak (never the values). */
export function assertNoLeaks(log: string, secrets: Record<string, string>, options: LeakScanOptions = {}): void {
  const leaks = scanForLeaks(log, secrets, options);
  if (leaks.length > 0) {
    throw new Error(`secrets visible in the log: ${leaks.map((leak) => `${leak.name} (${leak.form}, line ${leak.line})`).join(", ")}`);
  }
}
