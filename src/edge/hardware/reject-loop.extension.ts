import type { SnapshotFrom } from 'xstate';
import { createDeadlineTimer } from '../../../adapters/timers/deadline-timer.js';
import { rejectLoopRoutes } from '../../../api/edge/reject-loop.routes.js';
import { type RejectLoopInput, rejectLoopMachine } from '../../../machines/edge/reject-loop.machine.js';
import type { ChildSpec } from '../../../machines/shared/supervisor.machine.js';
import type { EdgeContext, EdgeExtension } from '../extension.js';
import type { PlcService } from './plc-service.js';
import type { RejectLoopConfig } from './reject-loop-config.js';
import { rejectLoopPlcActor } from './reject-loop-plc.js';

/**
 * The reject loop as an edge feature: one `rejectLoop` actor under the root supervisor, fed from
 * the bus (every `scan.decided`, every `scanner.rejectionConfirmed`), ejecting through the PLC
 * service (`context.services.plc`, so the PLC feature must come first in extensions.ts), and
 * GET /api/v1/reject-loop/status. Its alarms (`line.alarm` REJECT_NOT_CONFIRMED, EJECT_FAILED)
 * go to the bus through the actor's emits: logged here, journaled as alarms by src/edge/journal.
 *
 * Whether feedback windows are opened is decided when the actor starts (and at each
 * restart_service): only a line with a REJECTION_FEEDBACK scanner can confirm anything.
 */
export const REJECT_LOOP = 'rejectLoop';

type RejectLoopSnapshot = SnapshotFrom<typeof rejectLoopMachine>;

export interface RejectLoopStatus {
  enabled: true;
  state: { link: string; windows: string } | 'stopped';
  plcConnected: boolean;
  rejectAll: boolean;
  pulseMs: number | null;
  /** null: no REJECTION_FEEDBACK reader, nothing is checked. */
  feedbackWindowMs: number | null;
  stopLineOnMissedReject: boolean;
  openWindows: number;
  oldestOpenWindow: { code: string; openedAt: string; deadline: string } | null;
  counters: RejectLoopSnapshot['context']['counters'] | null;
}

/** The feature as its route sees it: null when the loop is not enabled. */
export interface RejectLoopFeature {
  status(): RejectLoopStatus | null;
}

export async function createRejectLoopExtension(context: EdgeContext): Promise<EdgeExtension & { feature: RejectLoopFeature }> {
  const config: RejectLoopConfig = context.config.rejectLoop;
  const logger = context.logger.child({ feature: 'rejectLoop' });
  const plc = context.services.plc as PlcService | undefined;
  const enabled = config.enabled && plc !== undefined;
  if (config.enabled && !plc) logger.error('reject loop enabled but the PLC feature is not running: the loop is off');

  const feedbackWindowMs = () => {
    if (config.feedbackWindowMs === null) return null;
    const hasFeedbackReader = context.config.scanners.some((scanner) => (scanner as { role?: string }).role === 'REJECTION_FEEDBACK');
    if (!hasFeedbackReader) logger.info('no REJECTION_FEEDBACK scanner: ejects are not checked against feedback');
    return hasFeedbackReader ? config.feedbackWindowMs : null;
  };
  const snapshot = () => context.actor(REJECT_LOOP)?.getSnapshot() as RejectLoopSnapshot | undefined;

  const feature: RejectLoopFeature = {
    status() {
      if (!enabled) return null;
      const live = snapshot();
      const c = live?.status === 'active' ? live.context : undefined;
      const oldest = c?.windows[0];
      return {
        enabled: true,
        state: live?.status === 'active' ? (live.value as { link: string; windows: string }) : 'stopped',
        plcConnected: c?.plcConnected ?? false,
        rejectAll: c?.rejectAll ?? false,
        pulseMs: config.pulseMs ?? null,
        feedbackWindowMs: c ? c.feedbackWindowMs : null,
        stopLineOnMissedReject: config.stopLineOnMissedReject,
        openWindows: c?.windows.length ?? 0,
        oldestOpenWindow: oldest ? { code: oldest.code, openedAt: new Date(oldest.openedAt).toISOString(), deadline: new Date(oldest.deadline).toISOString() } : null,
        counters: c?.counters ?? null,
      };
    },
  };
  const routes = [rejectLoopRoutes(feature, context.tokens)];
  if (!enabled || !plc) return { name: 'rejectLoop', feature, routes };

  if (!plc.bound('eject')) logger.error('reject loop enabled but the eject signal is not bound to a PLC tag: every eject will fail');

  // The hot path: a decision on the bus becomes an event to the loop in the same tick.
  const unsubscribe = [
    context.bus.subscribe('scan.decided', (event) => {
      context.actor(REJECT_LOOP)?.send({
        type: 'UNIT',
        code: event.decision.code,
        outcome: event.decision.outcome,
        source: event.decision.source,
        role: (event as { role?: string }).role ?? null,
        at: Date.now(),
        reasonCode: event.decision.reasonCode,
      });
    }),
    context.bus.subscribe('scanner.rejectionConfirmed', (event) => {
      context.actor(REJECT_LOOP)?.send({ type: 'CONFIRMED', code: event.code, at: Date.now() });
    }),
    context.bus.subscribe('line.alarm', (event) => {
      // The journal records it from the bus (src/edge/journal); the log keeps it for pull_logs.
      if ((event as { source?: string }).source === 'rejectLoop') logger.warn(event, event.message);
    }),
  ];

  return {
    name: 'rejectLoop',
    feature,
    routes,
    actors: { rejectLoop: rejectLoopMachine.provide({ actors: { plc: rejectLoopPlcActor(plc, context.bus), deadline: createDeadlineTimer() } }) },
    children(): ChildSpec[] {
      const input: RejectLoopInput = {
        pulseMs: config.pulseMs ?? null,
        feedbackWindowMs: feedbackWindowMs(),
        stopLineOnMissedReject: config.stopLineOnMissedReject,
        plcConnected: plc.connected('eject'),
        rejectAll: plc.rejectAll(),
        lineSystemId: 'scanLine',
      };
      return [{ id: REJECT_LOOP, src: 'rejectLoop', systemId: REJECT_LOOP, input }];
    },
    async stop() {
      for (const off of unsubscribe) off();
    },
  };
}

/** For src/edge/extensions.ts. */
export const rejectLoopExtension = (context: EdgeContext) => createRejectLoopExtension(context);
