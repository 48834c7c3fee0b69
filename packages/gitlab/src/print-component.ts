// Prints templates/secrets.yml for the bundle whose SHA-256 is the first argument; compiled and run by scripts/bundle.mjs.
import { renderComponent } from "./component.js";

const sha256 = process.argv[2] ?? "";
if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error("usage: print-component <sha256 of the CLI bundle>");
process.stdout.write(renderComponent(sha256));
