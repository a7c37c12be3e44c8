/**
 * Polls `probe` until it returns something truthy and resolves with it; rejects after
 * `timeoutMs` naming what it waited for (a function may describe the state at that moment) and
 * the last value seen. Tests wait on conditions with this, never on fixed sleeps.
 */
export async function waitFor<T>(probe: () => T | Promise<T>, timeoutMs = 5000, what: string | (() => string) = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}; last value: ${describe(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
