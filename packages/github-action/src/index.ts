/**
 * The bundle's entry: actions/github/main.js and post.js call these. Each loads its step lazily, so a step only
 * parses the code it runs.
 */
export async function main(): Promise<void> {
  const { mainStep } = await import("./main-step.js");
  process.exitCode = await mainStep();
}

export async function post(): Promise<void> {
  const { postMain } = await import("./cleanup.js");
  await postMain();
}
