/** Polls `check` every 100 ms until it is true or `ms` have passed; resolves with its last answer. */
export async function eventually(check: () => Promise<boolean>, ms = 8_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}
