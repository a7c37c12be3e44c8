/**
 * The suite's one polling helper. Polls `probe` until it returns something truthy and resolves
 * with it; rejects after `timeoutMs` naming what it waited for (a function may describe the state
 * at that moment) and the last value seen. Tests wait on conditions with this, never on fixed
 * sleeps. `retryErrors`: a probe that throws counts as "not yet" (a peer still starting up).
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  timeoutMs = 5000,
  what: string | (() => string) = 'condition',
  options: { intervalMs?: number; retryErrors?: boolean } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  const intervalMs = options.intervalMs ?? 10;
  let last: unknown;
  for (;;) {
    try {
      last = await probe();
      if (last) return last as NonNullable<T>;
    } catch (error) {
      if (!options.retryErrors) throw error;
      last = error instanceof Error ? error.message : error;
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}; last value: ${describe(last)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function describe(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 500);
  } catch {
    return String(value);
  }
}
