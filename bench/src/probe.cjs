// Preloaded (`node -r probe.cjs main.js`) into every client process of the action benchmark. It records when the
// secrets are exported — the moment the one append to GITHUB_ENV returns, in ms since the process started — and the
// process's peak RSS, into the JSON file named by PROBE_OUT. CommonJS and a few lines, so it adds next to nothing.
"use strict";
const fs = require("node:fs");

const envFile = process.env.GITHUB_ENV;
const appendFileSync = fs.appendFileSync;
let exportedMs;
fs.appendFileSync = function probedAppend(path, ...rest) {
  const result = appendFileSync.call(this, path, ...rest);
  if (path === envFile) exportedMs = performance.now();
  return result;
};
process.on("exit", () => {
  fs.writeFileSync(process.env.PROBE_OUT, JSON.stringify({ exportedMs, maxRssKb: process.resourceUsage().maxRSS }));
});
