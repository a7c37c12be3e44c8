import type { AnyActorRef } from 'xstate';
import type { ConfigOverrideStore } from '../../../adapters/store/config-override-store.js';
import type { SettingsStore } from '../../../adapters/store/settings-store.js';
import { type PrinterSnapshot, printerState } from '../../../machines/edge/printer.machine.js';
import { loadAppliedConfig } from '../commands/runtime-config.js';
import type { EdgeConfig } from '../config.js';
import type { PlcFeature } from '../hardware/plcs.extension.js';
import { type PrinterService, printerSystemId } from '../hardware/printers.extension.js';
import type { ScannersFeature } from '../hardware/scanners-feature.js';
import type { SelfService } from './self-service.js';
import { settingOrigins } from './setting-sources.js';
import { readStoredOverrides, type StartupOverrides } from './stored-overrides.js';

/**
 * GET /api/v1/self-service/status: one answer a script can check — every setting with where it
 * comes from, the overrides stored (and any that are invalid), the drivers in force with their
 * state, and the last reload and change with their errors.
 */
export interface StatusSources {
  config: EdgeConfig;
  store: ConfigOverrideStore;
  settings: SettingsStore;
  startup: StartupOverrides;
  service: SelfService;
  actor(systemId: string): AnyActorRef | undefined;
  scanners: ScannersFeature | undefined;
  printers: PrinterService | undefined;
  plcs: PlcFeature | undefined;
}

export async function selfServiceStatus(s: StatusSources) {
  const stored = await readStoredOverrides(s.store);
  const pushed = await loadAppliedConfig(s.settings);
  const scanners = s.scanners?.list() ?? [];
  const printers = s.printers?.list() ?? [];
  const plcs = s.plcs?.plcs() ?? [];
  const current: Record<string, unknown> = {
    scanners: scanners.map((entry) => entry.config),
    printers,
    plcs,
    plcBindings: s.plcs?.bindings() ?? {},
  };
  const lastReload = s.service.lastReload();
  const lastChange = s.service.lastChange();
  const invalid = stored.problems;
  return {
    ok: invalid.length === 0 && lastReload.ok && (lastChange?.ok ?? true),
    configFile: s.config.configFile,
    overrides: { keys: Object.keys(stored.values), updatedAt: stored.updatedAt, invalid },
    factoryConfigVersion: pushed?.version ?? null,
    settings: settingOrigins(s.config, stored.values, pushed?.config ?? null, current),
    drivers: {
      scanners: scanners.map(({ config, status }) => ({ id: config.id, transport: config.transport, model: config.model, role: config.role, state: status.state, connected: status.connected })),
      printers: printers.map((printer) => {
        const actor = s.actor(printerSystemId(printer.id));
        const state = actor ? printerState(actor.getSnapshot() as PrinterSnapshot) : 'stopped';
        return { id: printer.id, model: printer.model, host: printer.host, port: printer.port, state, connected: state === 'ready' || state === 'printing' || state === 'error' };
      }),
      plcs: plcs.map((plc) => {
        const health = s.plcs?.service.health(plc.id);
        return { id: plc.id, protocol: plc.protocol, state: health?.state ?? 'stopped', connected: health?.connected ?? false };
      }),
    },
    /** What the stored overrides did at start (invalid ones were ignored and the file's value applies). */
    startup: { applied: s.startup.applied, errors: s.startup.problems },
    lastReload,
    lastChange,
  };
}

