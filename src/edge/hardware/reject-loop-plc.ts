import { fromCallback } from 'xstate';
import type { EjectCommand, PlcActorEvent } from '../../../machines/edge/reject-loop.machine.js';
import type { EventBus } from '../../runtime/event-bus.js';
import type { EdgeEvent } from '../edge-events.js';
import type { PlcService } from './plc-service.js';

/** How often the link is re-read even without a plc.* event (a missed event must not leave the loop wrong for long). */
const LINK_RECHECK_MS = 1000;

/**
 * The reject loop's `plc` actor: pulses the bound `eject` signal through the PLC service for each
 * EJECT and says how it went, and reports the eject PLC's link and the reject-all flag whenever a
 * PLC changes state. The service refuses a pulse at once while the link is down, so a failed
 * eject is known within the request, never replayed later onto another unit.
 */
export function rejectLoopPlcActor(plc: PlcService, bus: EventBus<EdgeEvent>, now: () => number = Date.now) {
  return fromCallback<EjectCommand, unknown, PlcActorEvent>(({ sendBack, receive }) => {
    let stopped = false;
    let last: { connected: boolean; rejectAll: boolean } | null = null;
    const report = () => {
      if (stopped) return;
      const link = { connected: plc.connected('eject'), rejectAll: plc.rejectAll() };
      if (last && last.connected === link.connected && last.rejectAll === link.rejectAll) return;
      last = link;
      sendBack({ type: 'PLC.LINK', ...link, at: now() });
    };
    // plc.* events are published while the PLC actor is still in its transition: read its
    // snapshot once that has settled. (Also not sending back while this actor itself starts.)
    const reportSoon = () => setImmediate(report);
    const offs = [bus.subscribe('plc.state', reportSoon), bus.subscribe('plc.disconnected', reportSoon)];
    const recheck = setInterval(report, LINK_RECHECK_MS);
    recheck.unref();
    reportSoon();

    receive((command) => {
      plc.pulse('eject', command.pulseMs ?? undefined).then(
        () => {
          if (!stopped) sendBack({ type: 'EJECT.DONE', code: command.code });
        },
        (error: unknown) => {
          if (!stopped) sendBack({ type: 'EJECT.FAILED', code: command.code, error: error instanceof Error ? error.message : String(error), at: now() });
        },
      );
    });
    return () => {
      stopped = true;
      clearInterval(recheck);
      for (const off of offs) off();
    };
  });
}
