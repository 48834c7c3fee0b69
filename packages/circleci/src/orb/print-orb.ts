/**
 * `node print-orb.js <repo root> <sha256>` (run by scripts/bundle.mjs after bundling the CLI): pins the CLI's version
 * and SHA-256 in the orb's install command, then prints the packed orb.
 */
import { join } from "node:path";
import { VERSION } from "../version.js";
import { packOrb } from "./pack-orb.js";
import { pinCli } from "./pin-cli.js";

const [root, sha256] = process.argv.slice(2);
if (root === undefined || sha256 === undefined) throw new Error("usage: print-orb <repo root> <sha256 of the CLI bundle>");
const src = join(root, "packages/circleci/orb/src");
pinCli(src, { version: VERSION, sha256 });
process.stdout.write(packOrb(src));
