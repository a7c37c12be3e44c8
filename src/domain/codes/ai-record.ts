/**
 * Builds the `ais` record of a parse. Keys such as '21', '93' and '8005' are array indices to V8:
 * assigned one by one to a fresh object they make a sparse, dictionary-mode element store, which
 * cost more than the rest of a scan put together (~1 µs a code; 8005 worse). An object literal
 * with those keys is built from a boilerplate several times faster, so each profile gets a
 * literal factory for its required AIs, compiled on first use and cached per hint array (a profile
 * edited through catalogs simply gets a new one). Any other key set takes the generic path.
 */
interface KeyedHint {
  readonly ai: string;
  readonly optional?: boolean;
}

interface Shape {
  readonly keys: readonly string[];
  readonly make: ((v: readonly string[]) => Record<string, string>) | null;
}

const shapes = new WeakMap<object, Shape>();
/** The only text that reaches the compiled factory: AI ids are 2–4 digits. */
const AI_ID = /^\d{2,4}$/;
const ORDERED: string[] = [];

function shapeFor(hints: readonly KeyedHint[]): Shape {
  let shape = shapes.get(hints);
  if (shape === undefined) {
    // Required, literal AIs only: an optional or measure AI (310n) makes the key set unpredictable.
    const keys = hints.filter((h) => !h.optional).map((h) => h.ai);
    const compilable = keys.length > 0 && keys.every((k) => AI_ID.test(k));
    const body = `return {${keys.map((k, i) => `${JSON.stringify(k)}: v[${i}]`).join(', ')}};`;
    shape = { keys, make: compilable ? (new Function('v', body) as Shape['make']) : null };
    shapes.set(hints, shape);
  }
  return shape;
}

/** Puts VALUES in the shape's key order; false unless KEYS[0..count) is exactly the shape's key set. */
function orderFor(shape: Shape, keys: readonly string[], values: readonly string[], count: number): boolean {
  if (shape.keys.length !== count) return false;
  outer: for (let j = 0; j < count; j++) {
    for (let i = 0; i < count; i++) {
      if (keys[i] === shape.keys[j]) {
        ORDERED[j] = values[i]!;
        continue outer;
      }
    }
    return false;
  }
  return true;
}

export function buildAiRecord(
  keys: readonly string[],
  values: readonly string[],
  count: number,
  hints: readonly KeyedHint[] | undefined,
): Record<string, string> {
  if (hints !== undefined) {
    const shape = shapeFor(hints);
    if (shape.make !== null && orderFor(shape, keys, values, count)) return shape.make(ORDERED);
  }
  const record: Record<string, string> = {};
  for (let i = 0; i < count; i++) record[keys[i]!] = values[i]!;
  return record;
}
