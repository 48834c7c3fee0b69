/**
 * Exit codes. `run` exits with the command's own code instead, so a job fails exactly when its command does; codes
 * 126, 127 and 128 + N follow the shells' convention for a command that could not run or was killed.
 */
export const EXIT = {
  /** Done. */
  OK: 0,
  /** Login, fetch, export or another step failed; the error line says why. */
  FAILURE: 1,
  /** The command line or the variables are wrong; every problem is listed. Nothing was sent to the server. */
  USAGE: 2,
  /** run: the command exists but could not be executed (permissions, not a program). */
  CANNOT_EXECUTE: 126,
  /** run: the command was not found. */
  NOT_FOUND: 127,
  /** run: the command was killed by signal N: exit 128 + N (SIGINT 130, SIGTERM 143). */
  SIGNAL_BASE: 128,
} as const;
