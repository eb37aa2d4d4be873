/**
 * Polls `condition` every 50 ms until it holds, for at most `timeoutMs`: a bounded wait on a
 * condition, never a fixed sleep. A condition that throws ends the wait with its error.
 */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
