/**
 * Builds the `ais` record of a parse. Keys such as '21', '93' and '8005' are array indices to V8,
 * so assigning them one by one to a fresh object makes a sparse, slow element store (~1 µs a code,
 * the biggest cost of a scan). Copying a template object that already has the expected keys and
 * then filling the values is several times faster. One template per profile (per hint array),
 * built on first use; profiles edited later simply get a new one.
 */
const templates = new WeakMap<object, { keys: readonly string[]; record: Record<string, string> }>();

interface KeyedHint {
  readonly ai: string;
  readonly optional?: boolean;
}

function templateFor(hints: readonly KeyedHint[]): { keys: readonly string[]; record: Record<string, string> } {
  let t = templates.get(hints);
  if (t === undefined) {
    // Required, literal AIs only: an optional or measure AI (310n) makes the key set unpredictable.
    const keys = hints.filter((h) => !h.optional && h.ai.indexOf('n') === -1).map((h) => h.ai);
    const record: Record<string, string> = {};
    for (const k of keys) record[k] = '';
    t = { keys, record };
    templates.set(hints, t);
  }
  return t;
}

export function buildAiRecord(
  keys: readonly string[],
  values: readonly string[],
  count: number,
  hints: readonly KeyedHint[] | undefined,
): Record<string, string> {
  if (hints !== undefined) {
    const t = templateFor(hints);
    if (t.keys.length === count && sameKeys(t.keys, keys, count)) {
      const record = { ...t.record };
      for (let i = 0; i < count; i++) record[keys[i]!] = values[i]!;
      return record;
    }
  }
  const record: Record<string, string> = {};
  for (let i = 0; i < count; i++) record[keys[i]!] = values[i]!;
  return record;
}

/** Whether keys[0..count) (no duplicates) is exactly the set `expected`. */
function sameKeys(expected: readonly string[], keys: readonly string[], count: number): boolean {
  outer: for (let i = 0; i < count; i++) {
    for (let j = 0; j < expected.length; j++) if (expected[j] === keys[i]) continue outer;
    return false;
  }
  return true;
}
