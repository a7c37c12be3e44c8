import type { AnyActorRef, SnapshotFrom } from 'xstate';
import type { LineSignal, PlcValue } from '../../../adapters/plcs/plc-driver.js';
import { type PlcHealth, plcHealth, type plcMachine, type PlcReply, type PlcRequest } from '../../../machines/edge/plc.machine.js';
import { ask, AskTargetStoppedError, AskTimeoutError } from '../../runtime/ask.js';
import type { Logger } from '../../runtime/logger.js';
import type { PlcBinding, PlcBindings, PlcConfig } from '../../../adapters/plcs/plcs-config.js';
import { PlcError } from '../../domain/plc-error.js';

/**
 * `context.services.plc`: the line signals (eject, lineRunning, counters, stopLineRequest,
 * currentGtin, alarm) as the rest of the edge sees them, whatever PLC and protocol each is bound
 * to. Calls go through the PLC's actor, which refuses them at once while the link is down.
 */
export interface PlcService {
  /** Writes the signal's bound tag (the value is coerced to the binding's kind). */
  write(signal: LineSignal, value: PlcValue): Promise<void>;
  /**
   * Sets the signal (true / 1) and clears it `ms` later (default: the binding's pulseMs, else
   * 100). Resolves once the PLC confirmed the set; the clear follows on its own. A pulse while
   * one is running extends it (a retriggerable monostable), so back-to-back ejects make one
   * longer pulse instead of a clear racing the next set.
   */
  pulse(signal: LineSignal, ms?: number): Promise<void>;
  read(signal: LineSignal): Promise<PlcValue>;
  /** Without a signal: every configured PLC is connected (false when none is). With one: the PLC it is bound to is. */
  connected(signal?: LineSignal): boolean;
  /**
   * Polls the signal's tag (at its PLC's pollIntervalMs, while connected) and calls the listener
   * on every change; the first value read counts as a change from null. Returns the unsubscribe.
   */
  onSignal(signal: LineSignal, listener: (value: PlcValue, previous: PlcValue | null) => void): () => void;
  bound(signal: LineSignal): boolean;
  binding(signal: LineSignal): PlcBinding | null;
  /** Some PLC with safe state `reject_all` is in an outage: every unit must be rejected. */
  rejectAll(): boolean;
  health(plcId: string): PlcHealth | null;
  /** A raw request to one PLC (the API's test and tags); throws PlcError like the others. */
  request(plcId: string, request: PlcRequest): Promise<Extract<PlcReply, { ok: true }>>;
}

export { PlcError, type PlcErrorCode } from '../../domain/plc-error.js';

export interface PlcServiceDeps {
  plcs(): PlcConfig[];
  bindings(): PlcBindings;
  /** The PLC's actor (systemId plc.<id>), if running. */
  actor(plcId: string): AnyActorRef | undefined;
  logger: Logger;
}

export const plcSystemId = (plcId: string) => `plc.${plcId}`;

type PlcSnapshot = SnapshotFrom<typeof plcMachine>;

function coerce(binding: PlcBinding, value: PlcValue): PlcValue {
  switch (binding.kind) {
    case 'coil':
      return value === true || value === 1 || value === '1' || value === 'true';
    case 'register': {
      const number = typeof value === 'boolean' ? Number(value) : Number(value);
      if (!Number.isFinite(number)) throw new PlcError('BAD_VALUE', `${JSON.stringify(value)} is not a number`);
      return number;
    }
    case 'string':
      return String(value);
  }
}

export function createPlcService(deps: PlcServiceDeps): PlcService & { dispose(): void } {
  const pulses = new Map<LineSignal, NodeJS.Timeout>();
  const pollers = new Map<LineSignal, { listeners: Set<(value: PlcValue, previous: PlcValue | null) => void>; timer: NodeJS.Timeout | null; last: PlcValue | null }>();
  let disposed = false;

  const configOf = (plcId: string) => deps.plcs().find((plc) => plc.id === plcId) ?? null;
  const snapshotOf = (plcId: string) => deps.actor(plcSystemId(plcId))?.getSnapshot() as PlcSnapshot | undefined;
  const isConnected = (plcId: string) => {
    const snapshot = snapshotOf(plcId);
    return snapshot !== undefined && snapshot.status === 'active' && (snapshot.value as { online?: string }).online === 'connected';
  };
  const bindingOf = (signal: LineSignal): PlcBinding => {
    const binding = deps.bindings()[signal];
    if (!binding) throw new PlcError('UNBOUND', `line signal ${signal} is not bound to a PLC tag`);
    return binding;
  };

  async function request(plcId: string, body: PlcRequest): Promise<Extract<PlcReply, { ok: true }>> {
    const config = configOf(plcId);
    const actor = deps.actor(plcSystemId(plcId));
    if (!config || !actor) throw new PlcError('NOT_CONNECTED', `PLC ${plcId} is not running`);
    const event = body.op === 'read' ? { type: 'READ', address: body.address } : body.op === 'write' ? { type: 'WRITE', address: body.address, value: body.value } : { type: 'BROWSE' };
    let reply: PlcReply;
    try {
      const timeoutMs = (body.op === 'browse' ? config.timeoutMs * 10 : config.timeoutMs * 2) + 1000;
      reply = await ask<PlcReply>(actor, (replyTo) => ({ ...event, replyTo }), { timeoutMs });
    } catch (error) {
      if (error instanceof AskTimeoutError) throw new PlcError('TIMEOUT', `PLC ${plcId} did not answer in time`);
      if (error instanceof AskTargetStoppedError) throw new PlcError('NOT_CONNECTED', `PLC ${plcId} is restarting`);
      throw error;
    }
    if (!reply.ok) throw new PlcError(reply.code, `PLC ${plcId}: ${reply.error}`);
    return reply;
  }

  const write = async (signal: LineSignal, value: PlcValue) => {
    const binding = bindingOf(signal);
    await request(binding.plcId, { op: 'write', address: binding.address, value: coerce(binding, value) });
  };

  const read = async (signal: LineSignal) => {
    const binding = bindingOf(signal);
    const reply = await request(binding.plcId, { op: 'read', address: binding.address });
    return coerce(binding, reply.value ?? false);
  };

  function schedulePoll(signal: LineSignal): void {
    const poller = pollers.get(signal);
    if (!poller || disposed || poller.listeners.size === 0) return;
    const binding = deps.bindings()[signal];
    const interval = (binding && configOf(binding.plcId)?.pollIntervalMs) || 100;
    poller.timer = setTimeout(async () => {
      poller.timer = null;
      const current = deps.bindings()[signal];
      if (current && isConnected(current.plcId)) {
        try {
          const value = await read(signal);
          if (value !== poller.last) {
            const previous = poller.last;
            poller.last = value;
            for (const listener of [...poller.listeners]) {
              try {
                listener(value, previous);
              } catch (error) {
                deps.logger.error({ err: error, signal }, 'PLC signal listener failed');
              }
            }
          }
        } catch (error) {
          deps.logger.debug({ err: error, signal }, 'PLC signal poll failed');
        }
      }
      schedulePoll(signal);
    }, interval);
    poller.timer.unref();
  }

  return {
    write,
    read,

    async pulse(signal, ms) {
      const binding = bindingOf(signal);
      if (binding.kind === 'string') throw new PlcError('BAD_VALUE', `line signal ${signal} is bound to a string tag: it cannot be pulsed`);
      const length = ms ?? binding.pulseMs ?? 100;
      const pending = pulses.get(signal);
      if (pending) clearTimeout(pending);
      pulses.delete(signal);
      await request(binding.plcId, { op: 'write', address: binding.address, value: coerce(binding, true) });
      if (disposed) return;
      // The newest pulse owns the clear: an earlier one's timer was cancelled above.
      const timer = setTimeout(() => {
        if (pulses.get(signal) !== timer) return;
        pulses.delete(signal);
        request(binding.plcId, { op: 'write', address: binding.address, value: coerce(binding, false) }).catch((error: unknown) =>
          deps.logger.warn({ err: error, signal }, 'PLC pulse: clearing the output failed'),
        );
      }, length);
      pulses.set(signal, timer);
    },

    connected(signal) {
      if (signal) {
        const binding = deps.bindings()[signal];
        return binding !== undefined && isConnected(binding.plcId);
      }
      const plcs = deps.plcs();
      return plcs.length > 0 && plcs.every((plc) => isConnected(plc.id));
    },

    onSignal(signal, listener) {
      let poller = pollers.get(signal);
      if (!poller) pollers.set(signal, (poller = { listeners: new Set(), timer: null, last: null }));
      poller.listeners.add(listener);
      if (!poller.timer) schedulePoll(signal);
      return () => {
        poller.listeners.delete(listener);
        if (poller.listeners.size === 0) {
          if (poller.timer) clearTimeout(poller.timer);
          pollers.delete(signal);
        }
      };
    },

    bound: (signal) => deps.bindings()[signal] !== undefined,
    binding: (signal) => deps.bindings()[signal] ?? null,

    rejectAll() {
      return deps.plcs().some((plc) => plc.safeState === 'reject_all' && (snapshotOf(plc.id)?.context.outage ?? false));
    },

    health(plcId) {
      const snapshot = snapshotOf(plcId);
      return snapshot ? plcHealth(snapshot) : null;
    },

    request,

    dispose() {
      disposed = true;
      for (const timer of pulses.values()) clearTimeout(timer);
      pulses.clear();
      for (const poller of pollers.values()) if (poller.timer) clearTimeout(poller.timer);
      pollers.clear();
    },
  };
}
