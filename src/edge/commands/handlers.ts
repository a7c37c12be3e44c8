import { clearQueue } from './clear-queue.js';
import type { CommandDeps } from './deps.js';
import { disableDevice, enableDevice } from './device-enable.js';
import { execShell } from './exec-shell.js';
import { forceSync } from './force-sync.js';
import { rebootOs, shutdownOs } from './os-power.js';
import { pullLogs } from './pull-logs.js';
import { pushConfig } from './push-config.js';
import { restartService } from './restart-service.js';
import { setOrder } from './set-order.js';
import type { CommandHandlers } from './types.js';
import { updateFirmware } from './update-firmware.js';

/** Every command type the factory can send, each run for real on this edge. */
export function createCommandHandlers(deps: CommandDeps): CommandHandlers {
  return {
    restart_service: restartService(deps),
    reboot_os: rebootOs(deps),
    shutdown_os: shutdownOs(deps),
    force_sync: forceSync(deps),
    clear_queue: clearQueue(deps),
    pull_logs: pullLogs(deps),
    push_config: pushConfig(deps),
    update_firmware: updateFirmware(deps),
    exec_shell: execShell(deps),
    enable_device: enableDevice(deps),
    disable_device: disableDevice(deps),
    set_order: setOrder(deps),
  };
}
