import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

/**
 * The pieces every service's configuration is built from: defaults < YAML file < environment <
 * CLI flags, merged as plain objects and then checked by one zod schema, so a bad value stops
 * start-up with the key and the problem named (exit code 2 in main).
 */
export class ConfigError extends Error {}

export type Overrides = Record<string, unknown>;

/** Sets `value` at a dotted path, creating objects on the way; undefined leaves the layer alone. */
export function put(target: Overrides, dotted: string, value: unknown): void {
  if (value === undefined) return;
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Overrides;
  node[keys[keys.length - 1]!] = value;
}

/** How a variable's text becomes a setting: as it is, a number, a boolean, empty meaning unset, or a comma list. */
export type EnvKind = 'text' | 'number' | 'boolean' | 'textOrUnset' | 'list';

/** One row of a service's environment table: the variable, the dotted setting it sets, how it is read. */
export type EnvSetting = readonly [variable: string, setting: string, kind?: EnvKind];

/** The environment layer, from a service's one table of variables. */
export function envLayer(table: readonly EnvSetting[], env: NodeJS.ProcessEnv): Overrides {
  const layer: Overrides = {};
  for (const [variable, setting, kind = 'text'] of table) put(layer, setting, readVariable(variable, env[variable], kind));
  return layer;
}

function readVariable(name: string, raw: string | undefined, kind: EnvKind): unknown {
  switch (kind) {
    case 'number':
      return asNumber(name, raw);
    case 'boolean':
      return asBoolean(name, raw);
    // Empty = unset: deployment templates often pass these through empty.
    case 'textOrUnset':
      return raw || undefined;
    case 'list':
      return raw ? raw.split(',').map((item) => item.trim()).filter(Boolean) : undefined;
    case 'text':
      return raw;
  }
}

/** One row of a service's flag table: the flag (without `--`), the dotted setting, whether it is a number. */
export type FlagSetting = readonly [flag: string, setting: string, kind?: 'number'];

/** The command-line layer, from a service's one table of flags (parseArgs values). */
export function flagLayer(table: readonly FlagSetting[], flags: Record<string, string | boolean | undefined>): Overrides {
  const layer: Overrides = {};
  for (const [flag, setting, kind] of table) {
    const value = flags[flag];
    put(layer, setting, kind === 'number' ? asNumber(`--${flag}`, value as string | undefined) : value);
  }
  return layer;
}

/** Deep merge of plain objects; arrays and scalars in `over` replace. */
export function merge(base: Overrides, over: Overrides): Overrides {
  const out: Overrides = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const existing = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && existing && typeof existing === 'object' && !Array.isArray(existing)
        ? merge(existing as Overrides, value as Overrides)
        : value;
  }
  return out;
}

export const asNumber = (key: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`Invalid configuration: ${key}: expected a number, got "${raw}"`);
  return n;
};

export const asBoolean = (key: string, raw: string | undefined): boolean | undefined => {
  if (raw === undefined) return undefined;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`Invalid configuration: ${key}: expected true or false, got "${raw}"`);
};

/** Reads a YAML mapping; a missing file, bad YAML or a non-mapping is a ConfigError naming the file. */
export function readYamlFile(file: string): Overrides {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text) ?? {};
  } catch (error) {
    throw new ConfigError(`Invalid YAML in ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || Array.isArray(parsed) || parsed === null) throw new ConfigError(`Invalid configuration in ${file}: expected a mapping at the top level`);
  return parsed as Overrides;
}

/** Checks the merged layers; every problem is listed with its dotted key. */
export function parseLayers<T extends z.ZodType>(schema: T, layers: Overrides[], configFile: string | null): z.infer<T> {
  const result = schema.safeParse(layers.reduce((acc, layer) => merge(acc, layer), {}));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('\n');
    throw new ConfigError(`Invalid configuration${configFile ? ` (${configFile})` : ''}:\n${problems}`);
  }
  return result.data;
}
