import type { Logger } from '../../runtime/logger.js';
import type { ConfigOverrideStore } from '../../../adapters/store/config-override-store.js';
import type { EdgeConfig } from '../config.js';
import { getPath, OVERRIDABLE_SETTINGS, type OverrideProblem, type OverrideValues, parseOverride, setPath } from './overridable-settings.js';

/**
 * The overrides as stored, checked again by their schemas (a value stored by an older version, or
 * written into the database by hand, may no longer pass). Valid ones are returned by key, invalid
 * ones as problems naming the key; unknown `l2.override.*` keys are problems too.
 */
export async function readStoredOverrides(store: ConfigOverrideStore): Promise<{ values: OverrideValues; updatedAt: Record<string, string>; problems: OverrideProblem[] }> {
  const values: OverrideValues = {};
  const updatedAt: Record<string, string> = {};
  const problems: OverrideProblem[] = [];
  for (const [key, stored] of await store.all()) {
    const parsed = parseOverride(key, stored.value);
    if (parsed.ok) {
      values[key] = parsed.value;
      updatedAt[key] = stored.updatedAt;
    } else problems.push(...parsed.problems);
  }
  return { values, updatedAt, problems };
}

/** The configuration as defaults < file < environment < flags gave it, before any override: what an unset key returns to. */
export type ConfigBase = Record<string, unknown>;

export interface StartupOverrides {
  base: ConfigBase;
  /** Keys applied at start. */
  applied: string[];
  /** Stored overrides that were ignored at start (the file's value applies), naming the key. */
  problems: OverrideProblem[];
}

/**
 * At start, before anything reads the configuration: the stored overrides are written over the
 * file/environment/flag values in `config` (the features then start from it), and the values
 * they replace are kept as the base. An invalid stored override never stops the edge: it is
 * logged, reported by GET /api/v1/self-service/status, and the file's value applies.
 */
export async function applyStoredOverridesAtStart(
  config: EdgeConfig,
  store: ConfigOverrideStore,
  logger: Logger,
  /** Policies a stored value must still pass (e.g. the hardware host allowlist, which may have narrowed since). */
  checks: ReadonlyArray<(values: OverrideValues) => OverrideProblem[] | Promise<OverrideProblem[]>> = [],
): Promise<StartupOverrides> {
  const base: ConfigBase = {};
  for (const setting of OVERRIDABLE_SETTINGS) base[setting.path] = structuredClone(getPath(config, setting.path));
  const { values, problems } = await readStoredOverrides(store);
  for (const check of checks) {
    for (const problem of await check(values)) {
      problems.push(problem);
      // The whole setting the refused field belongs to is dropped: the file's value applies.
      const setting = OVERRIDABLE_SETTINGS.find((s) => problem.field === s.key || problem.field.startsWith(`${s.key}.`));
      if (setting) delete values[setting.key];
    }
  }
  for (const problem of problems) logger.error(problem, 'stored configuration override is invalid and ignored; the configuration file applies');
  const applied = Object.keys(values);
  for (const setting of OVERRIDABLE_SETTINGS) {
    if (setting.key in values) setPath(config, setting.path, structuredClone(values[setting.key]));
  }
  if (applied.length > 0) logger.info({ keys: applied }, 'configuration overrides from the database applied over the configuration file');
  return { base, applied, problems };
}
