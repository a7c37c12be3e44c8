import { saveDeviceDisabled } from './device-state.js';
import type { CommandDeps } from './deps.js';
import type { CommandHandler } from './types.js';

const NO_REASON = 'no reason given';

/**
 * disable_device: the scan line refuses every scan ("device disabled by the factory: <reason>")
 * until enable_device. Persisted first, so a restart in between cannot lose it; then the line
 * is told. GET /health and the status sent to the factory show it.
 */
export const disableDevice =
  (deps: CommandDeps): CommandHandler<'disable_device'> =>
  async (params, { logger, commandId }) => {
    const disabled = { reason: params.reason ?? NO_REASON, since: new Date().toISOString(), commandId };
    await saveDeviceDisabled(deps.system.settingsStore, disabled);
    deps.system.scanLine().send({ type: 'DISABLE', reason: disabled.reason });
    logger.warn({ commandId, reason: disabled.reason }, 'device disabled by the factory: scans are refused');
    return { disabled: true, reason: disabled.reason, since: disabled.since };
  };

export const enableDevice =
  (deps: CommandDeps): CommandHandler<'enable_device'> =>
  async (_params, { logger, commandId }) => {
    await saveDeviceDisabled(deps.system.settingsStore, null);
    deps.system.scanLine().send({ type: 'ENABLE' });
    logger.warn({ commandId }, 'device enabled by the factory');
    return { disabled: false };
  };
