/**
 * The main step's outer shell: validate every input first — cheap, no network code loaded — then load the rest.
 * Holds the one catch that fails the step.
 */
import { errorMessage, isSecretsActionError } from "@secrets-action/core/inputs";
import { type RunnerEnv, parseConfig, readInputs } from "./config.js";
import { Runner } from "./runner.js";

/** Credentials given as inputs are secrets even when the workflow typed them in plain text: mask them first. */
function maskCredentials(inputs: Record<string, string | undefined>, env: RunnerEnv, runner: Runner): void {
  for (const value of [inputs["client-secret"], inputs["token"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"], env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]]) {
    if (value) runner.mask(value);
  }
}

/** Runs the main step; resolves with the process exit code (0 or 1). */
export async function mainStep(env: RunnerEnv = process.env, runner: Runner = new Runner(env)): Promise<number> {
  try {
    const inputs = readInputs(env);
    maskCredentials(inputs, env, runner);
    const config = parseConfig(inputs, env);
    const { run } = await import("./run.js");
    await run(config, env, runner);
    return 0;
  } catch (error) {
    const problems = isSecretsActionError(error) && "problems" in error ? (error.problems as readonly string[]) : [errorMessage(error)];
    for (const problem of problems) runner.error(problem);
    return 1;
  }
}
