export { runCli, commandTable, optionTable, type RunCliOptions } from "./cli.js";
export { cliMain } from "./main.js";
export { type CiConventions, type BuiltinCommandName, genericConventions } from "./conventions.js";
export {
  defineCommand,
  renameCommand,
  type Command,
  type CommandContext,
  type CommandDefinition,
  type CliIo,
  type SignalSource,
} from "./command.js";
export {
  OPTIONS,
  AUTH_METHODS,
  EXPORT_FORMATS,
  DEFAULT_DOMAIN,
  FETCH_OPTION_GROUPS,
  optionSpec,
  optionsInGroups,
  type OptionSpec,
  type OptionType,
  type OptionGroup,
  type AuthMethodName,
  type ExportFormat,
} from "./options.js";
export { parseArgs, type ParsedArgs, type ParseArgsOptions, type FlagOccurrence } from "./parse-args.js";
export { OptionValues, splitList, type Env, type ValueSource, type OptionValuesOptions } from "./option-values.js";
export {
  readFetchConfig,
  readLoginConfig,
  type LoginConfig,
  exportInputNames,
  jwtProblem,
  type AuthPlan,
  type FetchConfig,
  type HttpSettings,
  type ReadFetchConfigOptions,
} from "./fetch-config.js";
export { createCliHttpClient } from "./http.js";
export {
  loadSecrets,
  openSession,
  fetchWith,
  authConfig,
  planCredentials,
  type LoadedSecrets,
  type LoadContext,
  type LoadSecretsOptions,
  type OpenSession,
} from "./load-secrets.js";
export {
  runRedacted,
  signalExitCode,
  FORWARDED_SIGNALS,
  type RunRedactedOptions,
  type RunRedactedResult,
} from "./redacted-child.js";
export { runCommand, type RunPlan } from "./commands/run.js";
export { exportCommand, fileDestination, formatForPath, outputProblem, readOutput, writeExportFile, type ExportPlan } from "./commands/export.js";
export { leaseCommand, type LeaseCommandPlan } from "./commands/lease.js";
export { revokeCommand, type RevokePlan } from "./commands/revoke.js";
export { defaultLeaseFile, readLeaseFile, recordLease, writeLeaseFile } from "./lease-file.js";
export { leaseWith, readLeasePlan, readLeaseFilePath, revokeFromFile, revokeOwnLeases, revokeWith, type Leased, type LeasePlan, type RevokeSummary } from "./leases.js";
export { createLogger, type Logger, type LoggerOptions } from "./logger.js";
export { renderGeneralHelp, renderCommandHelp } from "./help.js";
export { EXIT } from "./exit-codes.js";
