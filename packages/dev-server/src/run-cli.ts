import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";

import { demoSeedPath } from "./demo-seed.js";
import { errorMessage } from "./errors.js";
import { startDevServer, type DevServer, type DevServerOptions } from "./server.js";

/** The command line of `secrets-action-dev-server`, separated from process handling so it can be tested in-process. */

export const USAGE = `Usage: secrets-action-dev-server [options]

  --seed <file>          seed (.json or .yaml); default: the bundled seeds/demo.yaml
  --port <port>          default 0 (a free port; the URL is printed)
  --host <host>          default 127.0.0.1
  --no-v4                behave as a late-2024 server without /api/v4 routes
  --rate-limit <style>   enable rate limits (Infisical Cloud free tier): 429 or 500
  --time-scale <n>       dynamic secret leases expire n times sooner (60: a 1m lease lasts 1 s)
  --unlicensed           refuse dynamic secrets like a self-hosted server without a licence
  --tls-key <file>       PEM key, with --tls-cert: serve HTTPS
  --tls-cert <file>      PEM certificate
  --quiet                no request log on stderr
  --help                 this text

Prints "dev server listening on <url>" once ready; stops on SIGINT/SIGTERM.`;

export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

const defaultIo: CliIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

/** A usage problem: one line, with what to do. */
class UsageError extends Error {}

const parse = (argv: string[]) => {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        seed: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        "no-v4": { type: "boolean" },
        "rate-limit": { type: "string" },
        "time-scale": { type: "string" },
        unlicensed: { type: "boolean" },
        "tls-key": { type: "string" },
        "tls-cert": { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    const message = errorMessage(error);
    const option = /'(-[^']*)'/.exec(message)?.[1];
    if (message.startsWith("Unknown option")) throw new UsageError(`unknown option ${option ?? ""}. Run with --help to see the options.`);
    if (message.includes("argument missing")) throw new UsageError(`option ${option ?? ""} needs a value. Run with --help to see the options.`);
    if (message.startsWith("Unexpected argument")) throw new UsageError(`unexpected argument ${option ?? ""}. Options take the form --name value.`);
    throw new UsageError(`${message.split("\n")[0] ?? message}. Run with --help to see the options.`);
  }
};

/** Turns argv into server options; every usage problem is a one-line UsageError. */
const optionsFrom = async (argv: string[]): Promise<DevServerOptions | "help"> => {
  const values = parse(argv);
  if (values.help) return "help";
  const options: DevServerOptions = {};
  if (values.quiet) options.log = false;
  const seed = values.seed ?? demoSeedPath();
  if (!seed) throw new UsageError("no --seed given and the bundled seeds/demo.yaml was not found. Pass --seed <file>.");
  options.seed = seed;
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) throw new UsageError(`--port: "${values.port}" is not a port. Use a number from 0 to 65535 (0 picks a free one).`);
    options.port = port;
  }
  if (values.host !== undefined) options.host = values.host;
  if (values["no-v4"]) options.v4 = false;
  const style = values["rate-limit"];
  if (style !== undefined) {
    if (style !== "429" && style !== "500") throw new UsageError(`--rate-limit: "${style}" is not a style. Use 429 (current servers) or 500 (late-2024 servers).`);
    options.rateLimit = { style };
  }
  const timeScale = values["time-scale"];
  if (timeScale !== undefined && !(Number(timeScale) > 0)) throw new UsageError(`--time-scale: "${timeScale}" is not a number > 0. Use e.g. 60 (a 1m lease lasts one second).`);
  if (timeScale !== undefined || values.unlicensed) {
    options.dynamicSecrets = { ...(timeScale !== undefined ? { timeScale: Number(timeScale) } : {}), ...(values.unlicensed ? { licensed: false } : {}) };
  }
  const keyFile = values["tls-key"];
  const certFile = values["tls-cert"];
  if ((keyFile === undefined) !== (certFile === undefined)) throw new UsageError("--tls-key and --tls-cert go together. Give both to serve HTTPS, or neither.");
  if (keyFile !== undefined && certFile !== undefined) {
    const read = async (file: string, flag: string): Promise<string> => {
      try {
        return await readFile(file, "utf8");
      } catch (error) {
        throw new UsageError(`${flag}: cannot read ${file} (${errorMessage(error)}). Check the path.`);
      }
    };
    options.tls = { key: await read(keyFile, "--tls-key"), cert: await read(certFile, "--tls-cert") };
  }
  return options;
};

/** Runs the CLI; resolves with the server once it listens, or with an exit code. */
export const runCli = async (argv: string[], io: CliIo = defaultIo): Promise<{ server: DevServer } | { exitCode: number }> => {
  let options: DevServerOptions | "help";
  try {
    options = await optionsFrom(argv);
  } catch (error) {
    io.stderr(`secrets-action-dev-server: ${errorMessage(error)}`);
    return { exitCode: 2 };
  }
  if (options === "help") {
    io.stdout(USAGE);
    return { exitCode: 0 };
  }
  try {
    const server = await startDevServer({ log: (line) => io.stderr(line), ...options });
    io.stdout(`dev server listening on ${server.url}`);
    return { server };
  } catch (error) {
    // A seed with several problems lists them on the following lines; the first line says what failed.
    io.stderr(`secrets-action-dev-server: ${errorMessage(error)}`);
    return { exitCode: 1 };
  }
};
