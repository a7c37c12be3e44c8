import { confirmEjection } from '../../../adapters/store/ejection-store.js';
import type { ScanLineEvent } from '../../../machines/edge/scan-line.machine.js';
import { checkCode } from '../../domain/codes/index.js';
import type { EdgeContext, EdgeExtension } from '../extension.js';
import type { PlcService } from './plc-service.js';

/** The scan line's systemId (src/edge/system.ts SCAN_LINE; not imported: system.ts imports the extensions). */
const SCAN_LINE = 'scanLine';
/** A missed plc.* event must not leave the line wrong for long. */
const RECHECK_MS = 1000;

/**
 * Reject safety (issue 14): while a PLC whose safe state is `reject_all` is in an outage, the
 * PLC's own fail-safe ejects every unit. The scan line is told (SAFE_STATE), so a valid, new code
 * read then is stored as a Rejected unit — never reported upstream as produced (no bottle.created)
 * — and answered `refused` REJECTED_BY_SAFE_STATE, which also makes the reject loop eject it. The
 * flag is re-sent at every actor-tree (re)start and after every PLC state change. Independent of
 * the reject loop: the PLC ejects whether or not the edge drives the ejector.
 *
 * A REJECTION_FEEDBACK confirmation (the reject loop's `rejectLoop.confirmed`) updates the stored
 * unit: its confirmation time, and — for a unit the safe state ejected after the line accepted it
 * — Rejected, its queued bottle.created dropped (adapters/store/ejection-store.ts).
 */
export function rejectSafetyExtension(context: EdgeContext): EdgeExtension {
  const plc = context.services.plc as PlcService | undefined;
  if (!plc) return { name: 'rejectSafety' };
  let last: boolean | null = null;
  const report = (force = false) => {
    const rejectAll = plc.rejectAll();
    if (!force && rejectAll === last) return;
    const line = context.actor(SCAN_LINE);
    if (!line) return;
    last = rejectAll;
    line.send({ type: 'SAFE_STATE', rejectAll } satisfies ScanLineEvent);
    if (rejectAll) context.logger.warn('reject_all safe state: every unit read is stored Rejected and not reported');
  };
  // plc.* events are published while the PLC actor is still in its transition: read once it settled.
  const soon = () => setImmediate(() => report());
  const offs = [
    context.bus.subscribe('plc.state', soon),
    context.bus.subscribe('plc.disconnected', soon),
    // A scan line restarted after a crash starts without the flag: give it again.
    context.bus.subscribe('supervisor.childRestarted', (event) => {
      if (event.id === SCAN_LINE) setImmediate(() => report(true));
    }),
    context.bus.subscribe('rejectLoop.confirmed', (event) => {
      const check = checkCode(event.unitCode, context.config.line.industry);
      if (!check.valid) return; // not a stored unit's code
      confirmEjection(context.db.writer, check.code.identificationCode, event.why === 'reject_all', event.at).then(
        (update) => {
          if (update.change === 'rejected_unreported' || update.change === 'rejected_reported' || update.change === 'not_rejectable') {
            context.logger.warn({ unit: event.unitCode, ...update }, 'ejection confirmed: stored unit updated');
          }
        },
        (error: unknown) => context.logger.error({ err: error, unit: event.unitCode }, 'ejection confirmation not recorded'),
      );
    }),
  ];
  const recheck = setInterval(() => report(), RECHECK_MS);
  recheck.unref();
  return {
    name: 'rejectSafety',
    started() {
      report(true);
    },
    async stop() {
      clearInterval(recheck);
      for (const off of offs) off();
    },
  };
}
