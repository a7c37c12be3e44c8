import { plcConnection } from '../../../adapters/plcs/plc-connection.js';
import { createPlcDriver, plcAddressProblem } from '../../../adapters/plcs/plc-driver-factory.js';
import { plcRoutes } from '../../../api/edge/plcs.routes.js';
import type { ChildSpec } from '../../../machines/shared/supervisor.machine.js';
import { type PlcInput, plcMachine } from '../../../machines/edge/plc.machine.js';
import { oneAtATime } from '../../runtime/one-at-a-time.js';
import type { EdgeContext, EdgeExtension } from '../extension.js';
import { SCAN_LINE } from '../../domain/actor-ids.js';
import { createHostPolicy, plcHosts, storedHostsAllowed } from './hardware-hosts.js';
import { createPlcService, type PlcService, plcSystemId } from './plc-service.js';
import { type PlcBindings, plcBindingsConfigSchema, type PlcConfig, plcsConfigSchema } from '../../../adapters/plcs/plcs-config.js';
import type { PlcLineAlarm } from '../edge-events.js';

export type { PlcLineAlarm } from '../edge-events.js';

/**
 * The PLC feature: one `plc` actor per configured PLC under the root supervisor, the PLC service
 * other features use (`context.services.plc`), and the /plcs and /plc/bindings routes.
 *
 * Run-time changes (PUT) are stored as overrides (`l2.override.plcs`,
 * `l2.override.plcBindings`) that win over the file at start, and apply in place: a PLC whose
 * configuration changed restarts, the others keep their link. A PLC that goes away is journaled:
 * a warning in the log and a `line.alarm PLC_DISCONNECTED` on the bus.
 */

export const PLCS_OVERRIDE_KEY = 'l2.override.plcs';
export const PLC_BINDINGS_OVERRIDE_KEY = 'l2.override.plcBindings';

declare module '../extension.js' {
  interface EdgeServices {
    /** The line signals over the PLCs (the reject loop ejects through it). */
    plc?: PlcService;
    /** The PLC feature as self-service applies overrides through it. */
    plcFeature?: PlcFeature;
  }
}

/** The feature as its routes see it. */
export interface PlcFeature {
  plcs(): PlcConfig[];
  bindings(): PlcBindings;
  service: PlcService;
  /** Problems with these bindings against these PLCs (unknown PLC, bad address), by signal. */
  bindingProblems(plcs: PlcConfig[], bindings: PlcBindings): Array<{ field: string; reason: string }>;
  replacePlcs(next: PlcConfig[]): Promise<{ added: string[]; changed: string[]; removed: string[]; unchanged: string[] }>;
  replaceBindings(next: PlcBindings): Promise<void>;
  /** replacePlcs / replaceBindings without storing (a configuration reload: the caller owns the overrides). */
  applyPlcs(next: PlcConfig[]): Promise<{ added: string[]; changed: string[]; removed: string[]; unchanged: string[] }>;
  applyBindings(next: PlcBindings): Promise<void>;
  /** Forces a reconnect of one PLC (POST /plcs/{id}/test). */
  reconnect(plcId: string): boolean;
}

function plcChild(plc: PlcConfig): ChildSpec {
  const input: PlcInput = { plcId: plc.id, protocol: plc.protocol, connection: plc, backoff: plc.backoff, safeState: plc.safeState, lineSystemId: SCAN_LINE };
  return { id: plcSystemId(plc.id), src: 'plc', systemId: plcSystemId(plc.id), input };
}

async function loadOverride<T>(context: EdgeContext, key: string, parse: (value: unknown) => T | null): Promise<T | null> {
  const stored = await context.settingsStore.get<unknown>(key);
  if (!stored) return null;
  const value = parse(stored.value);
  // A stored override the schema no longer accepts must not keep the edge from starting.
  if (value === null) context.logger.error({ key }, 'ignoring an invalid stored PLC override; the file configuration applies');
  return value;
}

export async function createPlcsExtension(context: EdgeContext): Promise<EdgeExtension & { feature: PlcFeature }> {
  const logger = context.logger.child({ feature: 'plc' });
  const state = {
    plcs: (await loadOverride(context, PLCS_OVERRIDE_KEY, (v) => plcsConfigSchema.safeParse(v).data ?? null).then(async (plcs) => (plcs && (await storedHostsAllowed(context, PLCS_OVERRIDE_KEY, plcHosts(plcs))) ? plcs : null))) ?? context.config.plcs,
    bindings: (await loadOverride(context, PLC_BINDINGS_OVERRIDE_KEY, (v) => plcBindingsConfigSchema.safeParse(v).data ?? null)) ?? context.config.plcBindings,
  };

  /** Changes one at a time: two interleaved diffs against the same "before" would leave strays. */
  const queue = oneAtATime();
  const service = createPlcService({ plcs: () => state.plcs, bindings: () => state.bindings, actor: (systemId) => context.actor(systemId), logger });
  context.services.plc = service;

  const bindingProblems: PlcFeature['bindingProblems'] = (plcs, bindings) =>
    Object.entries(bindings).flatMap(([signal, binding]) => {
      if (!binding) return [];
      const plc = plcs.find((p) => p.id === binding.plcId);
      if (!plc) return [{ field: `${signal}.plcId`, reason: `no PLC with id "${binding.plcId}"` }];
      const problem = plcAddressProblem(plc, binding.address);
      return problem ? [{ field: `${signal}.address`, reason: problem }] : [];
    });
  for (const problem of bindingProblems(state.plcs, state.bindings)) logger.error(problem, 'PLC binding will not work');

  const feature: PlcFeature = {
    plcs: () => state.plcs,
    bindings: () => state.bindings,
    service,
    bindingProblems,
    replacePlcs(next) {
      return queue(async () => {
        // Only hosts in hardware.allowedHosts (DomainError INVALID naming the field otherwise).
        await createHostPolicy(context.config.hardware.allowedHosts).assertAllowed(plcHosts(next));
        await context.settingsStore.set(PLCS_OVERRIDE_KEY, next);
        const result = applyPlcsInPlace(next);
        const changed = [...result.added, ...result.changed, ...result.removed];
        context.bus.publish({ type: 'journal.record', severity: 'info', category: 'plc', source: 'config', messageKey: 'config.devices_replaced', params: { key: PLCS_OVERRIDE_KEY, changed: changed.join(', ') || '—', kept: result.unchanged.join(', ') || '—' } });
        return result;
      });
    },
    applyPlcs(next) {
      return queue(async () => applyPlcsInPlace(next));
    },
    replaceBindings(next) {
      return queue(async () => {
        await context.settingsStore.set(PLC_BINDINGS_OVERRIDE_KEY, next);
        applyBindingsNow(next);
      });
    },
    applyBindings(next) {
      return queue(async () => applyBindingsNow(next));
    },
    reconnect(plcId) {
      const actor = context.actor(plcSystemId(plcId));
      actor?.send({ type: 'TEST' });
      return actor !== undefined;
    },
  };
  context.services.plcFeature = feature;

  function applyBindingsNow(next: PlcBindings): void {
    state.bindings = next;
    logger.info({ signals: Object.keys(next) }, 'PLC bindings replaced');
  }

  function applyPlcsInPlace(next: PlcConfig[]) {
    const before = new Map(state.plcs.map((plc) => [plc.id, plc]));
    state.plcs = next;
    const result = { added: [] as string[], changed: [] as string[], removed: [] as string[], unchanged: [] as string[] };
    for (const plc of next) {
      const old = before.get(plc.id);
      before.delete(plc.id);
      // Unchanged and running: keeps its link. (One that is not running, e.g. FAILED, starts again.)
      if (old && JSON.stringify(old) === JSON.stringify(plc) && context.actor(plcSystemId(plc.id))) {
        result.unchanged.push(plc.id);
        continue;
      }
      (old ? result.changed : result.added).push(plc.id);
      // spawn replaces a running child of the same id (stop, then start with the new input).
      context.sendToRoot({ type: 'supervisor.spawn', child: plcChild(plc) });
    }
    for (const id of before.keys()) {
      result.removed.push(id);
      context.sendToRoot({ type: 'supervisor.remove', id: plcSystemId(id) });
    }
    logger.info(result, 'PLC configuration replaced');
    return result;
  }

  const unsubscribe = [
    context.bus.subscribe('plc.disconnected', (event) => {
      const action = event.safeState === 'stop' ? 'the line is paused' : 'every unit is rejected until it is back';
      const message = `PLC ${event.plcId} disconnected (${event.reason}); ${action}`;
      logger.warn({ plcId: event.plcId, reason: event.reason, safeState: event.safeState }, 'PLC disconnected: line in its safe state');
      context.bus.publish({ type: 'line.alarm', code: 'PLC_DISCONNECTED', message, at: new Date().toISOString(), source: 'plc', plcId: event.plcId, safeState: event.safeState });
    }),
    // Retries of a PLC that stays down would flood the log at info: only arrivals are worth it.
    context.bus.subscribe('plc.state', (event) => (event.state === 'connected' ? logger.info(event, 'PLC connected') : logger.debug(event, 'PLC'))),
  ];

  return {
    name: 'plcs',
    feature,
    actors: { plc: plcMachine.provide({ actors: { connection: plcConnection(createPlcDriver) } }) },
    children: () => state.plcs.map(plcChild),
    routes: [plcRoutes(feature, context.tokens)],
    async stop() {
      for (const off of unsubscribe) off();
      service.dispose();
    },
  };
}

/** For src/edge/extensions.ts. */
export const plcsExtension = (context: EdgeContext) => createPlcsExtension(context);
