/**
 * The bundle's entry: actions/github/main.js and post.js call these. Input validation is in this chunk; everything
 * that talks to the network loads only once the inputs are valid, so a step that fails on its inputs starts fast.
 */
import { mainStep } from "./main-step.js";

export async function main(): Promise<void> {
  process.exitCode = await mainStep();
}

export async function post(): Promise<void> {
  const { postMain } = await import("./cleanup.js");
  await postMain();
}
