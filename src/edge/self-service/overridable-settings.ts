import { z } from 'zod';
import { plcBindingsConfigSchema, plcsConfigSchema } from '../../../adapters/plcs/plcs-config.js';
import { printersConfigSchema } from '../../../adapters/printers/printers-config.js';
import { scannersListSchema } from '../../../adapters/scanners/scanners-config.js';
import { edgeConfigSchema } from '../config.js';

/**
 * The settings a person may override at run time through /api/v1/config, each stored in the edge
 * database as `l2.override.<path>` and applied over defaults < file < environment < flags. Each
 * is validated by the very schema that checks it in edge-service.yaml (and, for the device lists,
 * the body of PUT /api/v1/scanners|printers|plcs), so an override can never hold what the file
 * could not.
 *
 * `applies`: how a change reaches the running edge — the device lists through their feature's
 * in-place apply (unchanged devices keep their connection), the runtime values through the live
 * configuration, the scan line and the sync queue.
 */
export const OVERRIDE_PREFIX = 'l2.override.';

export type OverrideGroup = 'scanners' | 'printers' | 'plcs' | 'plcBindings' | 'runtime';

export interface OverridableSetting {
  /** `l2.override.<path>`. */
  key: string;
  /** The dotted path in the edge configuration (edge-service.yaml). */
  path: string;
  schema: z.ZodType;
  applies: OverrideGroup;
  /** A device list or map: a JSON-encoded string is accepted as well as the structure itself. */
  structured: boolean;
}

/** The field schemas of edge-service.yaml's `line:` and `sync:` sections (the same objects the file is checked with). */
const section = (name: 'line' | 'sync') => (edgeConfigSchema.shape[name] as unknown as z.ZodPrefault<z.ZodObject>).unwrap().shape;

const setting = (path: string, schema: z.ZodType, applies: OverrideGroup, structured = false): OverridableSetting => ({
  key: OVERRIDE_PREFIX + path,
  path,
  schema,
  applies,
  structured,
});

export const OVERRIDABLE_SETTINGS: readonly OverridableSetting[] = [
  setting('scanners', scannersListSchema, 'scanners', true),
  setting('printers', printersConfigSchema, 'printers', true),
  setting('plcs', plcsConfigSchema, 'plcs', true),
  setting('plcBindings', plcBindingsConfigSchema, 'plcBindings', true),
  setting('line.productId', section('line').productId!, 'runtime'),
  setting('line.party', section('line').party!, 'runtime'),
  setting('line.batchSize', section('line').batchSize!, 'runtime'),
  setting('line.palletSize', section('line').palletSize!, 'runtime'),
  setting('sync.batchSize', section('sync').batchSize!, 'runtime'),
  setting('sync.pollIntervalMs', section('sync').pollIntervalMs!, 'runtime'),
];

const BY_KEY = new Map(OVERRIDABLE_SETTINGS.map((s) => [s.key, s]));

export function overridableSetting(key: string): OverridableSetting | undefined {
  return BY_KEY.get(key);
}

/** Overrides by key (`l2.override.*`), values as the schemas output them. */
export type OverrideValues = Record<string, unknown>;

export type OverrideProblem = { field: string; reason: string };

/**
 * Checks one value for `key`: the key must be overridable, a device list may come JSON-encoded,
 * and the value must pass the setting's schema. A missing value (`undefined`) is refused: unset
 * the key instead. Problems name the key (and the path inside the value).
 */
export function parseOverride(key: string, raw: unknown): { ok: true; value: unknown } | { ok: false; problems: OverrideProblem[] } {
  const setting = BY_KEY.get(key);
  if (!setting) return { ok: false, problems: [{ field: key, reason: `Unknown setting "${key}"; overridable: ${OVERRIDABLE_SETTINGS.map((s) => s.key).join(', ')}` }] };
  let value = raw;
  if (setting.structured && typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      return { ok: false, problems: [{ field: key, reason: `not valid JSON: ${(error as Error).message}` }] };
    }
  }
  if (value === undefined) return { ok: false, problems: [{ field: key, reason: 'a value is required (use unset to drop an override)' }] };
  const parsed = setting.schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((name) => ({ field: [key, ...issue.path.map(String), name].join('.'), reason: `Unknown field "${name}"` }))
      : [{ field: [key, ...issue.path.map(String)].join('.'), reason: issue.message }],
  );
  return { ok: false, problems };
}

/** Reads a dotted path of a plain object. */
export function getPath(target: unknown, dotted: string): unknown {
  let node = target;
  for (const key of dotted.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Writes a dotted path of a plain object whose parents exist. */
export function setPath(target: object, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1)!] = value;
}
