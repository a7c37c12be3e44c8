import { createConfigOverrideStore } from '../../adapters/store/config-override-store.js';
import { createSettingsStore, createSnapshotStore } from '../../adapters/store/settings-store.js';
import type { SqliteDatabase } from '../../adapters/store/sqlite-database.js';
import type { Logger } from '../runtime/logger.js';
import { applyRuntimeValues, effectiveRuntime, loadAppliedConfig, runtimeBaseOf } from './commands/runtime-config.js';
import type { EdgeConfig } from './config.js';
import { createHostPolicy, hardwareHostsOverrideCheck } from './hardware/hardware-hosts.js';
import { OVERRIDE_PREFIX } from './self-service/overridable-settings.js';
import { applyStoredOverridesAtStart } from './self-service/stored-overrides.js';

/**
 * A start step of the edge: the stores on the database, and the configuration as it must be in
 * force before anything reads it — self-service overrides (l2.override.*, PUT /api/v1/config)
 * over file/env/flags, then what the factory pushed last (push_config) over those. Mutates
 * `config` in place, as every reader holds that object.
 */
export async function applyStartupConfig(config: EdgeConfig, db: SqliteDatabase, logger: Logger) {
  const settingsStore = createSettingsStore(db.writer);
  const snapshots = createSnapshotStore(db.writer);
  const overrideStore = createConfigOverrideStore(db.writer, OVERRIDE_PREFIX);
  // Overrides that set device lists obey the hardware host allowlist, as PUT /scanners does.
  const hardwareHostsCheck = hardwareHostsOverrideCheck(createHostPolicy(config.hardware.allowedHosts));
  const startupOverrides = await applyStoredOverridesAtStart(config, overrideStore, logger, [hardwareHostsCheck]);
  const runtimeBase = runtimeBaseOf(config);
  const applied = await loadAppliedConfig(settingsStore);
  if (applied) applyRuntimeValues(config, effectiveRuntime(runtimeBase, applied.config));
  return { settingsStore, snapshots, overrideStore, hardwareHostsCheck, startupOverrides, runtimeBase };
}
