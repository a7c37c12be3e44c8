/**
 * Polls `probe` until it returns something truthy and resolves with it; rejects after
 * `timeoutMs` naming what it waited for and the last value seen. Tests wait on conditions with
 * this, never on fixed sleeps.
 */
export async function waitFor<T>(probe: () => T | Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${describe(last)}`);
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
