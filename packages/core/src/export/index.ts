export { ExportError } from "./export-error.js";
export { ENV_NAME_PATTERN, invalidEnvNameReason, isValidEnvName, normaliseEnvName } from "./names.js";
export { RESERVED_NAMES, reservedNameReason, type ReservedName, type ReservedNameOptions } from "./reserved.js";
export {
  planExport,
  invalidNameOptions,
  type InvalidNamePolicy,
  type ExportEntry,
  type ExportPlan,
  type ExportProblem,
  type ExportSecret,
  type PlanExportOptions,
} from "./plan.js";
export { checkVariables, type ExportVariable, type FormatLimits } from "./variable.js";
export { parseDotenv, quoteDotenvValue, writeDotenv } from "./dotenv.js";
export { parseShell, quoteShellValue, writeShell } from "./shell.js";
export { parseJson, writeJson } from "./json.js";
export { parseYaml, quoteYamlString, writeYaml } from "./yaml.js";
export {
  parseGithubEnv,
  writeGithubEnv,
  type GithubEnvReadOptions,
  type GithubEnvWriteOptions,
} from "./github-env.js";
export { writeSecretFile, type SecretFileHandle, type SecretFileSystem } from "./secret-file.js";
