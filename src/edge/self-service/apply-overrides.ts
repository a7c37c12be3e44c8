import type { AnyActorRef } from 'xstate';
import type { SettingsStore } from '../../../adapters/store/settings-store.js';
import { applyRuntimeValues, effectiveRuntime, loadAppliedConfig, type RuntimeValues } from '../commands/runtime-config.js';
import type { EdgeConfig } from '../config.js';
import type { PlcFeature } from '../hardware/plcs.extension.js';
import type { PrinterService } from '../hardware/printers.extension.js';
import type { PlcBindings, PlcConfig } from '../../../adapters/plcs/plcs-config.js';
import type { PrinterConfig } from '../../../adapters/printers/printers-config.js';
import type { ScannerConfig } from '../../../adapters/scanners/scanners-config.js';
import type { ScannersFeature } from '../hardware/scanners-feature.js';
import type { ConfigBase } from './stored-overrides.js';
import { SCAN_LINE } from '../../domain/actor-ids.js';
import { getPath, OVERRIDABLE_SETTINGS, type OverrideProblem, type OverrideValues, setPath } from './overridable-settings.js';

/**
 * Puts a set of overrides into force in place: each value is the override, or the base
 * (file/environment/flags) when the key has none. Device lists go through their feature's
 * in-place apply — a device whose settings did not change keeps its actor and connection, a
 * changed one restarts, a removed one stops, a new one starts — so the line keeps scanning. The
 * runtime values go into the live configuration, the scan line (product, party) and the sync
 * queue; a value the factory pushed (push_config) still wins over an override.
 */

/** systemIds (src/edge/system.ts; not imported: system.ts imports the extensions). */
const SYNC_QUEUE = 'syncQueue';

export interface ApplyTargets {
  config: EdgeConfig;
  base: ConfigBase;
  /** system.runtimeBase: the values push_config falls back to; kept equal to base + overrides. */
  runtimeBase: RuntimeValues;
  settings: SettingsStore;
  outbox: { setBatchSize(size: number): void } | undefined;
  actor(systemId: string): AnyActorRef | undefined;
  scanners: ScannersFeature | undefined;
  printers: PrinterService | undefined;
  plcs: PlcFeature | undefined;
}

export interface ApplyReport {
  scanners: { started: string[]; restarted: string[]; kept: string[]; stopped: string[] };
  printers: { started: string[]; kept: string[]; removed: string[] };
  plcs: { added: string[]; changed: string[]; removed: string[]; unchanged: string[] };
  plcBindings: { changed: boolean };
  /** Runtime settings whose value in force changed, by config path. */
  runtime: string[];
  errors: OverrideProblem[];
}

const valueOf = (values: OverrideValues, base: ConfigBase, path: string): unknown => {
  const key = `l2.override.${path}`;
  return structuredClone(key in values ? values[key] : base[path]);
};

/** The device lists this set of overrides would put in force (for the cross-check of PLC bindings). */
export function effectivePlcs(values: OverrideValues, base: ConfigBase): { plcs: PlcConfig[]; bindings: PlcBindings } {
  return { plcs: valueOf(values, base, 'plcs') as PlcConfig[], bindings: valueOf(values, base, 'plcBindings') as PlcBindings };
}

export async function applyOverrides(targets: ApplyTargets, values: OverrideValues): Promise<ApplyReport> {
  const { config, base } = targets;
  const report: ApplyReport = {
    scanners: { started: [], restarted: [], kept: [], stopped: [] },
    printers: { started: [], kept: [], removed: [] },
    plcs: { added: [], changed: [], removed: [], unchanged: [] },
    plcBindings: { changed: false },
    runtime: [],
    errors: [],
  };
  const attempt = async (field: string, job: () => Promise<void>) => {
    try {
      await job();
    } catch (error) {
      report.errors.push({ field, reason: (error as Error).message });
    }
  };

  // PLCs before bindings: bindings must name PLCs that exist.
  await attempt('l2.override.plcs', async () => {
    if (targets.plcs) report.plcs = await targets.plcs.applyPlcs(valueOf(values, base, 'plcs') as PlcConfig[]);
  });
  await attempt('l2.override.plcBindings', async () => {
    if (!targets.plcs) return;
    const next = valueOf(values, base, 'plcBindings') as PlcBindings;
    report.plcBindings.changed = JSON.stringify(next) !== JSON.stringify(targets.plcs.bindings());
    if (report.plcBindings.changed) await targets.plcs.applyBindings(next);
  });
  await attempt('l2.override.printers', async () => {
    if (targets.printers) report.printers = await targets.printers.apply(valueOf(values, base, 'printers') as PrinterConfig[]);
  });
  await attempt('l2.override.scanners', async () => {
    if (targets.scanners) report.scanners = await targets.scanners.apply(valueOf(values, base, 'scanners') as ScannerConfig[]);
  });
  for (const path of ['plcs', 'plcBindings', 'printers']) setPath(config, path, valueOf(values, base, path));

  await attempt('runtime', async () => {
    const before = runtimeSnapshot(config);
    const rb = targets.runtimeBase;
    rb.line.productId = valueOf(values, base, 'line.productId') as string | null;
    rb.line.party = valueOf(values, base, 'line.party') as string | null;
    rb.line.batchSize = valueOf(values, base, 'line.batchSize') as number | null;
    rb.sync.batchSize = valueOf(values, base, 'sync.batchSize') as number;
    rb.sync.pollIntervalMs = valueOf(values, base, 'sync.pollIntervalMs') as number;
    config.line.palletSize = valueOf(values, base, 'line.palletSize') as number | null;
    const pushed = await loadAppliedConfig(targets.settings);
    const effective = effectiveRuntime(rb, pushed?.config ?? {});
    applyRuntimeValues(config, effective);
    report.runtime = runtimePaths.filter((path) => JSON.stringify(getPath(config, path)) !== JSON.stringify(getPath(before, path)));
    if (report.runtime.some((path) => path === 'line.productId' || path === 'line.party')) {
      targets.actor(SCAN_LINE)?.send({ type: 'SETTINGS.UPDATE', settings: { productId: effective.line.productId, party: effective.line.party } });
    }
    if (report.runtime.includes('sync.batchSize')) targets.outbox?.setBatchSize(effective.sync.batchSize);
    if (report.runtime.includes('sync.pollIntervalMs')) targets.actor(SYNC_QUEUE)?.send({ type: 'SETTINGS.UPDATE', pollIntervalMs: effective.sync.pollIntervalMs });
  });
  return report;
}

const runtimePaths = OVERRIDABLE_SETTINGS.filter((s) => s.applies === 'runtime').map((s) => s.path);

function runtimeSnapshot(config: EdgeConfig): Record<string, unknown> {
  const out = {};
  for (const path of runtimePaths) {
    const [section, field] = path.split('.') as [string, string];
    ((out as Record<string, Record<string, unknown>>)[section] ??= {})[field] = getPath(config, path);
  }
  return out;
}
