import type { Writable } from "node:stream";

/** Where the CLI's own messages go: stderr, so that stdout stays the command's (or export's path). */
export interface Logger {
  /** Progress; hidden by --quiet. */
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Printed before every line, e.g. `secrets-action-gitlab`. */
  readonly program: string;
  readonly quiet?: boolean;
}

/** One line per message: `<program>: <message>`, `<program>: warning: …`, `<program>: error: …`. Never a value. */
export function createLogger(stream: Writable, options: LoggerOptions): Logger {
  const write = (line: string): void => {
    if (!stream.destroyed) stream.write(`${line}\n`);
  };
  return {
    info: (message) => {
      if (options.quiet !== true) write(`${options.program}: ${message}`);
    },
    warn: (message) => write(`${options.program}: warning: ${message}`),
    error: (message) => write(`${options.program}: error: ${message}`),
  };
}
