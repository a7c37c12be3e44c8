/**
 * Secret-looking fields are masked wherever actor events or context leave the process for a
 * human (trace files, the inspector page): sign-in events carry passwords, provisioning context
 * carries tokens. Matching is by key name, the only thing that is cheap and generic.
 */
export const SECRET_KEY = /password|passwd|secret|token|authorization|api[-_]?key/i;

/** A `JSON.stringify` replacer: masks secrets, keeps errors readable, survives bigints. */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key && SECRET_KEY.test(key) && value !== undefined && value !== null && typeof value !== 'object') return '[redacted]';
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** A JSON-safe, redacted copy; something unserialisable (a cycle) becomes a marker, never a throw. */
export function redactSecrets<T>(value: T): T | { unserialisable: true } {
  try {
    const json = JSON.stringify(value, redactingReplacer);
    return json === undefined ? value : (JSON.parse(json) as T);
  } catch {
    return { unserialisable: true };
  }
}
