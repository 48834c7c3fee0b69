export { circleciConventions, ID_TOKEN_VARIABLES, PROGRAM } from "./conventions.js";
export { loadCommand, withoutBashNames, type LoadPlan } from "./commands/load.js";
export { DELIMITER_MARKER, randomDelimiter, writeBashEnv, type BashEnvWriteOptions } from "./bash-env.js";
export { bashNameReason } from "./bash-names.js";
export { VERSION } from "./version.js";
