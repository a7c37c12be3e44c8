import type { AnyActorRef } from 'xstate';
import type { ScannerContext } from '../../../machines/edge/scanner.machine.js';
import { oneAtATime } from '../../runtime/one-at-a-time.js';
import type { EdgeContext } from '../extension.js';
import { SCAN_LINE } from '../../domain/actor-ids.js';
import { createHostPolicy, scannerHosts, storedHostsAllowed } from './hardware-hosts.js';
import { scannerChildSpec, scannerSystemId } from './scanner-children.js';
import { type ScannerConfig, scannersListSchema } from '../../../adapters/scanners/scanners-config.js';

/**
 * The scanners as the API sees them: the configured list with each scanner's live state (read
 * from its actor), the in-place replacement of the list, and the forced reconnect + health check.
 * The list lives in `config.scanners` (the edge's one copy: restart_service rebuilds the actor
 * tree from it), and a PUT is also persisted as the override `l2.override.scanners`, which wins
 * over edge-service.yaml at the next start.
 */

export const SCANNERS_OVERRIDE_KEY = 'l2.override.scanners';
const DEFAULT_TEST_TIMEOUT_MS = 5000;

export interface ScannerStatus {
  index: number;
  id: string;
  transport: ScannerConfig['transport'];
  model: ScannerConfig['model'];
  role: ScannerConfig['role'];
  /** Actor state: active.connecting | active.connected | backoff | disconnected | stopped (no actor). */
  state: string;
  connected: boolean;
  peer: string | null;
  listeningPort: number | null;
  lastError: string | null;
  attempt: number;
  frames: number;
  codes: number;
  noReads: number;
  garbage: number;
  /** The health check's answer (Cognex: GET DEVICE.NAME) after the last test; null otherwise. */
  deviceName: string | null;
  tests: number;
}

export interface ScannerTestReport {
  /** connected: reconnected (and answered the health check, if the model has one); failed: could not connect; timeout: neither within the time. */
  result: 'connected' | 'failed' | 'timeout';
  durationMs: number;
  healthCheck: boolean;
  status: ScannerStatus;
}

export interface ScannersApplyResult {
  started: string[];
  restarted: string[];
  kept: string[];
  stopped: string[];
}

type Snapshot = { value: unknown; context: ScannerContext; status: string };

/** A scanner's configuration as a comparable string: keys sorted, so the same settings compare equal however they were written. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [key, inner] = Object.entries(value)[0]!;
    return `${key}.${stateName(inner)}`;
  }
  return String(value);
}

export function createScannersFeature(context: EdgeContext) {
  const config = context.config;
  const logger = context.logger.child({ feature: 'scanners' });
  const actorOf = (id: string): AnyActorRef | undefined => context.actor(scannerSystemId(id));

  function statusOf(scanner: ScannerConfig, index: number): ScannerStatus {
    const snapshot = actorOf(scanner.id)?.getSnapshot() as Snapshot | undefined;
    const live = snapshot && snapshot.status === 'active' ? snapshot : undefined;
    const state = live ? stateName(live.value) : 'stopped';
    const c = live?.context;
    return {
      index,
      id: scanner.id,
      transport: scanner.transport,
      model: scanner.model,
      role: scanner.role,
      state,
      connected: state === 'active.connected',
      peer: c?.peer ?? null,
      listeningPort: c?.listeningPort ?? null,
      lastError: c?.lastError ?? null,
      attempt: c?.attempt ?? 0,
      frames: c?.frames ?? 0,
      codes: c?.codes ?? 0,
      noReads: c?.noReads ?? 0,
      garbage: c?.garbage ?? 0,
      deviceName: c?.deviceName ?? null,
      tests: c?.tests ?? 0,
    };
  }

  /** PUTs one at a time: persist and apply in the same order. */
  const queue = oneAtATime();
  const hosts = createHostPolicy(config.hardware.allowedHosts);

  async function applyList(next: ScannerConfig[]): Promise<ScannersApplyResult> {
    await context.settingsStore.set(SCANNERS_OVERRIDE_KEY, next);
    const result = applyInPlace(next);
    const changed = [...result.started, ...result.restarted, ...result.stopped];
    context.bus.publish({ type: 'journal.record', severity: 'info', category: 'scanner', source: 'config', messageKey: 'config.devices_replaced', params: { key: SCANNERS_OVERRIDE_KEY, changed: changed.join(', ') || '—', kept: result.kept.join(', ') || '—' } });
    return result;
  }

  function applyInPlace(next: ScannerConfig[]): ScannersApplyResult {
    const before = new Map(config.scanners.map((s) => [s.id, canonical(s)]));
    const after = new Set(next.map((s) => s.id));
    const result: ScannersApplyResult = { started: [], restarted: [], kept: [], stopped: [] };
    for (const [id] of before) {
      if (!after.has(id)) {
        context.sendToRoot({ type: 'supervisor.remove', id: scannerSystemId(id) });
        result.stopped.push(id);
      }
    }
    config.scanners = next;
    for (const scanner of next) {
      const old = before.get(scanner.id);
      // Unchanged and running: keeps its actor and connection. (One that is not running, e.g. FAILED, starts again.)
      if (old === canonical(scanner) && actorOf(scanner.id)?.getSnapshot().status === 'active') {
        result.kept.push(scanner.id);
        continue;
      }
      // Changed: the old actor (and its connection) goes, a new one starts with the new config.
      if (old !== undefined) context.sendToRoot({ type: 'supervisor.remove', id: scannerSystemId(scanner.id) });
      context.sendToRoot({ type: 'supervisor.spawn', child: scannerChildSpec(scanner, SCAN_LINE) });
      (old === undefined ? result.started : result.restarted).push(scanner.id);
    }
    logger.info(result, 'scanners replaced');
    return result;
  }

  function waitForTest(actor: AnyActorRef, timeoutMs: number): Promise<'connected' | 'failed' | 'timeout'> {
    const verdict = (snapshot: Snapshot): 'connected' | 'failed' | null => {
      if (snapshot.status !== 'active') return 'failed';
      const state = stateName(snapshot.value);
      if (state === 'active.connected' && !snapshot.context.testPending) return 'connected';
      if (state === 'backoff' || state === 'disconnected') return 'failed';
      return null;
    };
    return new Promise((resolve) => {
      const now = verdict(actor.getSnapshot() as Snapshot);
      if (now) {
        resolve(now);
        return;
      }
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      const subscription = actor.subscribe({
        next: (snapshot) => {
          const v = verdict(snapshot as Snapshot);
          if (v) finish(v);
        },
        error: () => finish('failed'),
        complete: () => finish('failed'),
      });
      function finish(v: 'connected' | 'failed' | 'timeout') {
        clearTimeout(timer);
        subscription.unsubscribe();
        resolve(v);
      }
    });
  }

  return {
    list(): Array<{ index: number; config: ScannerConfig; status: ScannerStatus }> {
      return config.scanners.map((scanner, index) => ({ index, config: scanner, status: statusOf(scanner, index) }));
    },
    status(index: number): ScannerStatus | null {
      const scanner = config.scanners[index];
      return scanner ? statusOf(scanner, index) : null;
    },
    /**
     * Replaces the list in place: scanners whose configuration changed restart, unchanged ones
     * keep their actor and connection, removed ones stop, new ones start. Persisted first.
     */
    async replace(next: ScannerConfig[]): Promise<ScannersApplyResult> {
      // Only hosts in hardware.allowedHosts (DomainError INVALID naming the field otherwise).
      await hosts.assertAllowed(scannerHosts(next));
      return queue(() => applyList(next));
    },
    /** The same in-place replacement without storing the list (a configuration reload: the caller owns the override). */
    apply(next: ScannerConfig[]): Promise<ScannersApplyResult> {
      return queue(async () => applyInPlace(next));
    },
    /** Forces a reconnect (TEST) and waits for the outcome, including the model's health check. */
    async test(index: number, timeoutMs = DEFAULT_TEST_TIMEOUT_MS): Promise<ScannerTestReport | null> {
      const scanner = config.scanners[index];
      if (!scanner) return null;
      const actor = actorOf(scanner.id);
      const started = Date.now();
      let result: ScannerTestReport['result'] = 'failed';
      let healthCheck = false;
      if (actor && actor.getSnapshot().status === 'active') {
        healthCheck = (actor.getSnapshot() as Snapshot).context.healthCheck !== null;
        actor.send({ type: 'TEST' });
        result = await waitForTest(actor, timeoutMs);
      }
      return { result, durationMs: Date.now() - started, healthCheck, status: statusOf(scanner, index) };
    },
  };
}

export type ScannersFeature = ReturnType<typeof createScannersFeature>;

/** The persisted override, if any and still valid (an invalid one is reported and ignored). */
export async function loadScannersOverride(context: EdgeContext): Promise<ScannerConfig[] | null> {
  const stored = await context.settingsStore.get<unknown>(SCANNERS_OVERRIDE_KEY);
  if (!stored) return null;
  const parsed = scannersListSchema.safeParse(stored.value);
  if (parsed.success) return (await storedHostsAllowed(context, SCANNERS_OVERRIDE_KEY, scannerHosts(parsed.data))) ? parsed.data : null;
  context.logger.error({ key: SCANNERS_OVERRIDE_KEY, issues: parsed.error.issues }, 'stored scanner override is invalid: using the configuration file');
  return null;
}
