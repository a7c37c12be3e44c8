import type { SettingsStore } from '../../../adapters/store/settings-store.js';
import type { EdgeRuntimeConfig } from '../../domain/device-commands.js';
import type { EdgeConfig } from '../config.js';

/**
 * The part of the edge's configuration the factory may change at run time (push_config, desired
 * config). A push is the factory's whole desired state, not a patch on the previous push: a key it
 * leaves out falls back to this edge's own configuration (file/env), a key it sets to null
 * clears the value. The last push is persisted with its version and applied again at every start.
 */
export const APPLIED_CONFIG_KEY = 'edge.appliedConfig';

export interface RuntimeValues {
  line: { productId: string | null; party: string | null; batchSize: number | null };
  sync: { batchSize: number; pollIntervalMs: number };
  log: { level: EdgeConfig['log']['level'] };
}

export interface AppliedConfig {
  version: number;
  config: EdgeRuntimeConfig;
  appliedAt: string;
  commandId: string | null;
}

/** The runtime values as the edge's own configuration has them (before any push). */
export function runtimeBaseOf(config: EdgeConfig): RuntimeValues {
  return {
    line: { productId: config.line.productId, party: config.line.party, batchSize: config.line.batchSize },
    sync: { batchSize: config.sync.batchSize, pollIntervalMs: config.sync.pollIntervalMs },
    log: { level: config.log.level },
  };
}

const pick = <T>(pushed: T | undefined, base: T): T => (pushed === undefined ? base : pushed);

export function effectiveRuntime(base: RuntimeValues, pushed: EdgeRuntimeConfig): RuntimeValues {
  return {
    line: {
      productId: pick(pushed.line?.productId, base.line.productId),
      party: pick(pushed.line?.party, base.line.party),
      batchSize: pick(pushed.line?.batchSize, base.line.batchSize),
    },
    sync: { batchSize: pick(pushed.sync?.batchSize, base.sync.batchSize), pollIntervalMs: pick(pushed.sync?.pollIntervalMs, base.sync.pollIntervalMs) },
    log: { level: pick(pushed.log?.level, base.log.level) },
  };
}

/**
 * Writes the values into the live configuration object: what reads it per request (a batch's
 * default size) or per start (scan line settings, poll interval after restart_service) sees them.
 */
export function applyRuntimeValues(config: EdgeConfig, values: RuntimeValues): void {
  config.line.productId = values.line.productId;
  config.line.party = values.line.party;
  config.line.batchSize = values.line.batchSize;
  config.sync.batchSize = values.sync.batchSize;
  config.sync.pollIntervalMs = values.sync.pollIntervalMs;
  config.log.level = values.log.level;
}

export async function loadAppliedConfig(settings: SettingsStore): Promise<AppliedConfig | null> {
  return (await settings.get<AppliedConfig>(APPLIED_CONFIG_KEY))?.value ?? null;
}

export async function saveAppliedConfig(settings: SettingsStore, applied: AppliedConfig): Promise<void> {
  await settings.set(APPLIED_CONFIG_KEY, applied);
}
