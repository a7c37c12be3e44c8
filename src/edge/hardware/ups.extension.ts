import type { AnyActorRef } from 'xstate';
import { createNutUpsConnection, type NutConnectionInput } from '../../../adapters/ups/nut-connection.js';
import { createUpsSimulator, simulatedUpsConnection, type UpsSimulator } from '../../../adapters/ups/ups-simulator.js';
import { deadlineTimer } from '../../../adapters/timers/deadline-timer.js';
import { type UpsSimulateRequest, upsRoutes } from '../../../api/edge/ups.routes.js';
import { type UpsPolicyContext, type UpsPolicyInput, upsPolicyMachine } from '../../../machines/edge/ups-policy.machine.js';
import { type UpsContext, type UpsInput, type UpsReading, upsConnectionState, upsMachine } from '../../../machines/edge/ups.machine.js';
import type { EdgeContext, EdgeExtension } from '../extension.js';
import { SCAN_LINE, SYNC_QUEUE } from '../../domain/actor-ids.js';

/** systemIds and supervisor keys. */
export const UPS = 'ups';
export const UPS_POLICY = 'upsPolicy';
/** LEDs lit while on battery, by the cabinet convention (GPIO also lights its `shows: on_battery` LEDs itself). */
const BATTERY_LEDS = ['alarm', 'onBattery'];

export interface UpsFeature {
  unavailable(): string | null;
  status(): UpsStatusBody | null;
  test(): Promise<UpsTestResult>;
  simulationOff(): string | null;
  simulate(request: UpsSimulateRequest): Promise<UpsStatusBody | null>;
  /** The simulated UPS (driver: simulated), for tests and the line simulator; null with NUT. */
  simulator: UpsSimulator | null;
}

export type UpsExtension = EdgeExtension & { feature: UpsFeature };

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const readingBody = (reading: UpsReading | null) => (reading ? { ...reading, at: iso(reading.at) } : null);

export function createUpsExtension(context: EdgeContext): UpsExtension {
  const config = context.config.ups;
  const logger = context.logger.child({ feature: UPS });
  const simulator = config.enabled && config.driver === 'simulated' ? createUpsSimulator() : null;
  if (config.enabled) {
    // Never the password: only whether credentials are set.
    logger.info({ driver: config.driver, host: config.host, port: config.port, upsName: config.upsName, credentials: config.username !== undefined }, 'UPS configured');
    if (config.simulateEndpoint) logger.warn('POST /api/v1/ups/simulate is on: a development helper, never for production');
  }

  const connection =
    config.driver === 'nut'
      ? createNutUpsConnection({ username: config.username, password: config.password })
      : simulatedUpsConnection(simulator ?? createUpsSimulator(), { pollIntervalMs: config.pollIntervalMs });
  const connectionInput: NutConnectionInput = { host: config.host, port: config.port, upsName: config.upsName, pollIntervalMs: config.pollIntervalMs, timeoutMs: config.timeoutMs };
  const upsInput: UpsInput = { upsName: config.upsName, connection: connectionInput, backoff: config.backoff, policySystemId: UPS_POLICY };
  const policyInput: UpsPolicyInput = { lowBatteryPercent: config.lowBatteryPercent, resumeHoldOffMs: config.resumeHoldOffMs, lineSystemId: SCAN_LINE, syncSystemId: SYNC_QUEUE };

  const ups = (): AnyActorRef | undefined => (config.enabled ? context.actor(UPS) : undefined);
  const upsContext = () => (ups()?.getSnapshot() as { context: UpsContext; value: unknown } | undefined) ?? null;
  const policy = () => (context.actor(UPS_POLICY)?.getSnapshot() as { context: UpsPolicyContext; value: unknown } | undefined) ?? null;

  // On battery: light the alarm and on-battery LEDs through GPIO, if the cabinet has them.
  // Looked up per event: GPIO may start after us, or not at all.
  const offLeds = context.bus.subscribe('ups.policy', (event) => {
    const gpio = context.services.gpio;
    for (const led of BATTERY_LEDS) {
      try {
        gpio?.setLed?.(led, event.onBattery);
      } catch (error) {
        logger.warn({ err: error, led }, 'cannot set LED');
      }
    }
    logger.warn({ state: event.state, reason: event.reason }, 'UPS policy');
  });
  const offShutdown = context.bus.subscribe('ups.shutdownRequested', (event) => {
    logger.error({ reason: event.reason }, 'UPS critical: clean shutdown requested');
    // Persist what is committed into the main database file now, before the edge is stopped.
    context.db.checkpoint().catch((error: unknown) => logger.warn({ err: error }, 'checkpoint before shutdown failed'));
  });

  const status = (): UpsStatusBody | null => {
    const snapshot = upsContext();
    if (!snapshot) return null;
    const p = policy();
    return {
      driver: config.driver,
      host: config.driver === 'nut' ? config.host : null,
      port: config.driver === 'nut' ? config.port : null,
      upsName: config.upsName,
      connection: upsConnectionState(snapshot.value),
      peer: snapshot.context.peer,
      lastError: snapshot.context.lastError,
      reading: readingBody(snapshot.context.reading),
      policy: p
        ? {
            state: p.value as string,
            reason: p.context.reason,
            resumeAt: iso(p.context.resumeAt),
            lastFlush: p.context.lastFlush,
            shutdownRequests: p.context.shutdownRequests,
          }
        : null,
      lowBatteryPercent: config.lowBatteryPercent,
      resumeHoldOffMs: config.resumeHoldOffMs,
      pollIntervalMs: config.pollIntervalMs,
      simulateEndpoint: config.simulateEndpoint,
    };
  };

  /** Resolves once the UPS actor's counters moved past `since` (a reading, or a failure), or after the timeout. */
  const nextOutcome = (since: { readings: number; failures: number }, timeoutMs: number, done?: (c: UpsContext) => boolean) =>
    new Promise<'read' | 'failed' | 'timeout'>((resolve) => {
      const ref = ups();
      if (!ref) return resolve('failed');
      const check = (snapshot: { context: UpsContext }) => {
        if (snapshot.context.failures > since.failures) return 'failed' as const;
        if (snapshot.context.readings > since.readings && (!done || done(snapshot.context))) return 'read' as const;
        return null;
      };
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      const subscription = ref.subscribe({ next: (s) => check(s as never) && finish(check(s as never)!), error: () => finish('failed') });
      function finish(outcome: 'read' | 'failed' | 'timeout') {
        clearTimeout(timer);
        subscription.unsubscribe();
        resolve(outcome);
      }
      const now = check(ref.getSnapshot() as never);
      if (now) finish(now);
    });
  const counters = () => {
    const c = upsContext()?.context;
    return { readings: c?.readings ?? 0, failures: c?.failures ?? 0 };
  };

  const feature: UpsFeature = {
    simulator,
    unavailable: () => {
      if (!config.enabled) return 'UPS is not configured on this cabinet (ups.enabled is false)';
      if (!ups()) return 'UPS is starting';
      return null;
    },
    status,
    async test() {
      const since = counters();
      ups()?.send({ type: 'TEST' });
      // Connect, optionally authenticate, three reads: each bounded by timeoutMs.
      const outcome = await nextOutcome(since, config.timeoutMs * 6 + 500);
      const now = status();
      return {
        ok: outcome === 'read',
        outcome,
        error: outcome === 'read' ? null : outcome === 'timeout' ? `no answer within ${config.timeoutMs * 6 + 500} ms` : (now?.lastError ?? 'failed'),
        status: now,
      };
    },
    simulationOff: () =>
      simulator && config.simulateEndpoint ? null : 'UPS simulation is off on this cabinet (development only: ups.driver "simulated" with ups.simulateEndpoint true)',
    async simulate(request) {
      if (!simulator) return status();
      const since = counters();
      const { offline = false, lowBattery = false, fsd = false } = request;
      simulator.set({ onBattery: request.onBattery, batteryPercent: request.batteryPercent, lowBattery, fsd, offline });
      if (offline) {
        await nextOutcome({ readings: Number.MAX_SAFE_INTEGER, failures: since.failures }, 2000);
      } else {
        // Back from offline the UPS actor may be in backoff: reconnect now rather than wait.
        if (upsConnectionState(upsContext()?.value) === 'backoff') ups()?.send({ type: 'TEST' });
        // Answer with the state the UPS actor (and so the policy) has already seen.
        await nextOutcome({ readings: since.readings, failures: Number.MAX_SAFE_INTEGER }, 2000, (c) => c.reading?.status === simulator.status());
      }
      return status();
    },
  };

  return {
    name: UPS,
    feature,
    actors: {
      [UPS]: upsMachine.provide({ actors: { connection } }),
      [UPS_POLICY]: upsPolicyMachine.provide({ actors: { timer: deadlineTimer } }),
    },
    children: () =>
      config.enabled
        ? [
            // The policy first: the UPS hands it its first reading as soon as it has one.
            { id: UPS_POLICY, src: UPS_POLICY, systemId: UPS_POLICY, input: policyInput },
            { id: UPS, src: UPS, systemId: UPS, input: upsInput },
          ]
        : [],
    routes: [upsRoutes(context.tokens, feature)],
    async stop() {
      offLeds();
      offShutdown();
    },
  };
}

export interface UpsStatusBody {
  driver: 'nut' | 'simulated';
  host: string | null;
  port: number | null;
  upsName: string;
  connection: ReturnType<typeof upsConnectionState>;
  peer: string | null;
  lastError: string | null;
  reading: (Omit<UpsReading, 'at'> & { at: string | null }) | null;
  policy: { state: string; reason: string | null; resumeAt: string | null; lastFlush: UpsPolicyContext['lastFlush']; shutdownRequests: number } | null;
  lowBatteryPercent: number;
  resumeHoldOffMs: number;
  pollIntervalMs: number;
  simulateEndpoint: boolean;
}

export interface UpsTestResult {
  ok: boolean;
  outcome: 'read' | 'failed' | 'timeout';
  error: string | null;
  status: UpsStatusBody | null;
}

export const upsExtension = (context: EdgeContext) => createUpsExtension(context);
