export { VERSION } from "./version.js";
export * from "./errors.js";
export * from "./secrets/index.js";
export * from "./export/index.js";
export * from "./http/index.js";
export * from "./auth/index.js";
export * from "./mask/index.js";
export * from "./e2ee/index.js";
export { closest, editDistance } from "./suggest.js";
