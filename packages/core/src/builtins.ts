/**
 * Node built-ins that only some runs use, loaded on first use. A CI step is a fresh process every time, and loading
 * `node:crypto`, `node:tls` and `node:fs/promises` up front costs every run ~3 ms on Node 20 (with their internals),
 * though only encrypted projects, AWS logins, https servers and proxies, a custom CA and file exports need them.
 */
import type * as Crypto from "node:crypto";
import type * as FsPromises from "node:fs/promises";
import type * as Https from "node:https";
import * as nodeModule from "node:module";
import type * as Tls from "node:tls";

// Through the namespace, so bundlers leave these calls alone: built-ins are never bundled, only loaded.
const require = nodeModule.createRequire(import.meta.url);

let crypto: typeof Crypto | undefined;
let tls: typeof Tls | undefined;
let fsPromises: typeof FsPromises | undefined;
let https: typeof Https | undefined;

/** `node:crypto`, loaded the first time it is asked for. */
export function nodeCrypto(): typeof Crypto {
  return (crypto ??= require("node:crypto") as typeof Crypto);
}

/** `node:tls`, loaded the first time it is asked for. */
export function nodeTls(): typeof Tls {
  return (tls ??= require("node:tls") as typeof Tls);
}

/** `node:fs/promises`, loaded the first time it is asked for. */
export function nodeFsPromises(): typeof FsPromises {
  return (fsPromises ??= require("node:fs/promises") as typeof FsPromises);
}

/** `node:https` (which loads `node:tls`), loaded the first time it is asked for: only https servers need it. */
export function nodeHttps(): typeof Https {
  return (https ??= require("node:https") as typeof Https);
}
