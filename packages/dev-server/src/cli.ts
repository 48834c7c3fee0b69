#!/usr/bin/env node
import { runCli } from "./run-cli.js";

// The whole entry point: run, then stop cleanly on SIGINT/SIGTERM.
void runCli(process.argv.slice(2)).then((result) => {
  if ("exitCode" in result) {
    process.exitCode = result.exitCode;
    return;
  }
  const stop = (): void => {
    void result.server.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
});
