export { VERSION } from "./version.js";
export * from "./errors.js";
export * from "./secrets/index.js";
export * from "./export/index.js";
