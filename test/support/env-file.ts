/**
 * Parses a GitHub Actions file-command file (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE) as the runner does:
 * `NAME=value` lines and `NAME<<DELIMITER` … `DELIMITER` blocks. Independent of core's writer on purpose.
 */
export function parseFileCommands(content: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = content.split("\n");
  // The runner splits on "\n" and trims a trailing "\r" from the delimiter line only.
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? "";
    index++;
    if (line === "") continue;
    const heredoc = line.indexOf("<<");
    const equals = line.indexOf("=");
    if (heredoc > 0 && (equals < 0 || heredoc < equals)) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (delimiter === "") throw new Error(`file command: empty delimiter for ${name}`);
      const value: string[] = [];
      let closed = false;
      while (index < lines.length) {
        const next = lines[index] ?? "";
        index++;
        if (next === delimiter || next === `${delimiter}\r`) {
          closed = true;
          break;
        }
        value.push(next);
      }
      if (!closed) throw new Error(`file command: ${name}: delimiter ${delimiter} never closed`);
      result[name] = value.join("\n");
    } else if (equals > 0) {
      result[line.slice(0, equals)] = line.slice(equals + 1);
    } else {
      throw new Error(`file command: cannot parse line ${JSON.stringify(line.slice(0, 40))}`);
    }
  }
  return result;
}
