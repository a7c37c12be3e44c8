import type { CommandDeps } from './deps.js';
import { applyRuntimeValues, effectiveRuntime, loadAppliedConfig, saveAppliedConfig } from './runtime-config.js';
import { CommandFailure, type CommandHandler } from './types.js';

/**
 * push_config: applies the factory's runtime configuration now and for every later start. The
 * scan line takes the product and party for the next scan, a batch created without a size gets
 * the new default, the outbox the new upload size, the sync queue the new poll interval, the
 * logger the new level. An older version than the one applied is refused (a late resend must not
 * roll a newer config back); the same version again is applied again.
 */
export const pushConfig =
  (deps: CommandDeps): CommandHandler<'push_config'> =>
  async ({ version, config: pushed }, { commandId, logger }) => {
    const { system } = deps;
    const current = await loadAppliedConfig(system.settingsStore);
    if (current && version < current.version) {
      throw new CommandFailure('STALE_VERSION', `config version ${version} is older than the applied version ${current.version}`, { version: current.version, applied: current.config });
    }
    const values = effectiveRuntime(system.runtimeBase, pushed);
    const appliedAt = new Date().toISOString();
    await saveAppliedConfig(system.settingsStore, { version, config: pushed, appliedAt, commandId });

    applyRuntimeValues(system.config, values);
    system.scanLine().send({ type: 'SETTINGS.UPDATE', settings: { productId: values.line.productId, party: values.line.party } });
    system.outbox.setBatchSize(values.sync.batchSize);
    system.syncQueue().send({ type: 'SETTINGS.UPDATE', pollIntervalMs: values.sync.pollIntervalMs });
    deps.setLogLevel(values.log.level);
    logger.info({ commandId, version, effective: values }, `config version ${version} applied`);
    return { version, applied: pushed, effective: values, appliedAt };
  };
