// Starts the dev server with a benchmark seed and prints its URL (for profiling by hand): node serve.js <count>
import { startDevServer } from "@secrets-action/dev-server";
import { benchSeed } from "./seed.js";

const server = await startDevServer({ seed: benchSeed({ count: Number(process.argv[2] ?? 5000), folders: 20 }), log: false, port: Number(process.argv[3] ?? 0) });
console.log(server.url);
