export * from "./types.js";
export * from "./paths.js";
export * from "./parse.js";
export * from "./client.js";
export * from "./merge.js";
export * from "./fetch.js";
