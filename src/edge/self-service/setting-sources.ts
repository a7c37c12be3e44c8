import { isDeepStrictEqual } from 'node:util';
import type { EdgeRuntimeConfig } from '../../domain/device-commands.js';
import { redactSecrets, SECRET_KEY } from '../../runtime/redact.js';
import { type EdgeConfig, edgeConfigSchema } from '../config.js';
import { getPath, OVERRIDE_PREFIX, OVERRIDABLE_SETTINGS, type OverrideValues } from './overridable-settings.js';

/**
 * Where each setting in force comes from, highest first: `factory` (a push_config from the
 * factory server, for the runtime values it carries), `override` (l2.override.* in the edge
 * database), `flag`, `environment`, `file` (edge-service.yaml), `default`. An edge given a ready
 * configuration object instead of file/env/flags (tests, embedding) reports `embedded` for what
 * differs from the default.
 */
export type SettingSource = 'default' | 'file' | 'environment' | 'flag' | 'override' | 'factory' | 'embedded';

export interface SettingOrigin {
  source: SettingSource;
  value: unknown;
}

/** Not settings: the merged layers themselves and what start-up derives. */
const NOT_SETTINGS = new Set(['layers', 'configFile']);
const OVERRIDABLE_PATHS = new Set(OVERRIDABLE_SETTINGS.map((s) => s.path));

/** Leaves of a plain object by dotted path; arrays and records of devices count as one value. */
function leaves(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (value && typeof value === 'object' && !Array.isArray(value) && !OVERRIDABLE_PATHS.has(prefix) && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) {
      if (prefix === '' && NOT_SETTINGS.has(key)) continue;
      leaves(inner, prefix ? `${prefix}.${key}` : key, out);
    }
    return;
  }
  if (prefix) out.set(prefix, value);
}

const has = (layer: Record<string, unknown> | undefined, path: string) => layer !== undefined && getPath(layer, path) !== undefined;

let defaults: unknown;
const defaultsOf = () => (defaults ??= edgeConfigSchema.parse({}));

/**
 * Every setting in force with its source. `current` supplies values that live outside the
 * configuration object (the device lists a feature holds); secrets are masked.
 */
export function settingOrigins(config: EdgeConfig, overrides: OverrideValues, pushed: EdgeRuntimeConfig | null, current: Record<string, unknown>): Record<string, SettingOrigin> {
  const values = new Map<string, unknown>();
  leaves(config, '', values);
  for (const [path, value] of Object.entries(current)) values.set(path, value);
  const out: Record<string, SettingOrigin> = {};
  for (const [path, value] of [...values].sort(([a], [b]) => a.localeCompare(b))) {
    let source: SettingSource;
    if (pushed && getPath(pushed, path) !== undefined) source = 'factory';
    else if (OVERRIDE_PREFIX + path in overrides) source = 'override';
    else if (config.layers) {
      const { flags, env, file } = config.layers;
      source = has(flags, path) ? 'flag' : has(env, path) ? 'environment' : has(file, path) ? 'file' : 'default';
    } else source = isDeepStrictEqual(getPath(defaultsOf(), path), value) ? 'default' : 'embedded';
    const leaf = path.split('.').at(-1)!;
    out[path] = { source, value: SECRET_KEY.test(leaf) && value !== undefined && value !== null ? '[redacted]' : redactSecrets(value) };
  }
  return out;
}
