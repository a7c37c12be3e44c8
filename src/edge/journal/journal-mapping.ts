import type { JournalRecordEvent } from '../../domain/journal-record.js';
import type { EdgeEvent } from '../edge-events.js';

type Draft = Omit<JournalRecordEvent, 'type'>;
const record = (severity: Draft['severity'], category: Draft['category'], source: string, messageKey: string, params: Draft['params'] = {}): Draft => ({
  severity,
  category,
  source,
  messageKey,
  params,
  user: null,
});

/** Garbage from one scanner is journaled at most this often (a bad cable can send it at line rate). */
const GARBAGE_QUIET_MS = 10_000;

/**
 * Turns the edge's domain events into journal records. Devices announce every state they pass
 * through (a scanner in backoff announces each retry); the journal keeps transitions only: a
 * device that goes away, and the same device back. Stateful for that reason, otherwise pure.
 * The line's own state (paused, resumed, by whom) is journaled by the line operations service,
 * which knows who asked.
 */
export function createJournalMapper(now: () => number = Date.now) {
  const scannerUp = new Map<string, boolean>();
  const printerUp = new Map<string, boolean>();
  const plcDown = new Set<string>();
  let upsPolicy = 'online';
  let syncFailing = false;
  let factoryLink: string | null = null;
  const garbageAt = new Map<string, number>();

  // long-function: one switch case per event type, each a line or two; split, the mapping from
  // bus events to journal entries would no longer read as one table.
  return function map(event: EdgeEvent): Draft | null {
    switch (event.type) {
      case 'journal.record': {
        const { type: _type, ...rest } = event;
        return { ...rest, params: rest.params ?? {}, user: rest.user ?? null };
      }
      case 'scanner.state': {
        const source = `scanner.${event.scannerId}`;
        const was = scannerUp.get(event.scannerId);
        const up = event.state === 'connected';
        scannerUp.set(event.scannerId, up);
        if (up && was !== true) return record('info', 'scanner', source, 'scanner.connected', { scanner: event.scannerId });
        if (!up && was === true) return record('warning', 'scanner', source, 'scanner.disconnected', { scanner: event.scannerId, reason: event.reason ?? '—' });
        return null;
      }
      case 'scanner.garbage': {
        const last = garbageAt.get(event.scannerId) ?? -Infinity;
        if (now() - last < GARBAGE_QUIET_MS) return null;
        garbageAt.set(event.scannerId, now());
        return record('warning', 'scanner', `scanner.${event.scannerId}`, 'scanner.garbage', { scanner: event.scannerId, bytes: event.bytes, reason: event.reason });
      }
      case 'printer.state': {
        const source = `printer.${event.printerId}`;
        const was = printerUp.get(event.printerId);
        if (event.state === 'ready') {
          printerUp.set(event.printerId, true);
          return was !== true ? record('info', 'printer', source, 'printer.connected', { printer: event.printerId }) : null;
        }
        if (event.state === 'disconnected' || event.state === 'backoff') {
          printerUp.set(event.printerId, false);
          return was === true ? record('warning', 'printer', source, 'printer.disconnected', { printer: event.printerId, reason: event.reason ?? '—' }) : null;
        }
        return null;
      }
      case 'printer.fault':
        return record('alarm', 'printer', `printer.${event.printerId}`, 'printer.fault', { printer: event.printerId, fault: event.fault, detail: event.detail ?? '' });
      case 'plc.disconnected':
        plcDown.add(event.plcId);
        return record('alarm', 'plc', `plc.${event.plcId}`, 'plc.safe_state', { plc: event.plcId, reason: event.reason, safeState: event.safeState });
      case 'plc.state':
        if (event.state === 'connected' && plcDown.delete(event.plcId)) return record('info', 'plc', `plc.${event.plcId}`, 'plc.recovered', { plc: event.plcId });
        return null;
      case 'line.alarm':
        // A PLC's own alarm is journaled from plc.disconnected (with its safe state).
        if (event.source !== 'rejectLoop') return null;
        return record('alarm', 'line', 'rejectLoop', 'line.reject_alarm', { code: event.code, message: event.message, unit: event.unitCode });
      case 'line.alarmAcknowledged':
        return record('info', 'gpio', 'gpio', 'line.alarm_acknowledged', { by: event.by });
      case 'ups.policy': {
        const was = upsPolicy;
        upsPolicy = event.state;
        if (was === event.state) return null;
        if (event.state === 'onBattery') return record('alarm', 'ups', 'ups', 'ups.on_battery');
        if (event.state === 'critical') return record('critical', 'ups', 'ups', 'ups.low_battery', { reason: event.reason ?? '—' });
        if (event.state === 'holdOff') return record('info', 'ups', 'ups', 'ups.hold_off');
        return record('info', 'ups', 'ups', 'ups.restored');
      }
      case 'ups.shutdownRequested':
        return record('critical', 'ups', 'ups', 'ups.shutdown_requested', { reason: event.reason });
      case 'sync.progress':
        if (event.status === 'failed') {
          if (syncFailing) return null;
          syncFailing = true;
          return record('warning', 'sync', 'syncQueue', 'sync.failing', { reason: event.reason });
        }
        if (event.status === 'completed') {
          const recovered = syncFailing;
          syncFailing = false;
          if (event.parked > 0) return record('alarm', 'sync', 'syncQueue', 'sync.parked', { count: event.parked });
          if (recovered) return record('info', 'sync', 'syncQueue', 'sync.recovered');
        }
        return null;
      case 'sync.unauthorized':
        return record('alarm', 'sync', 'syncQueue', 'sync.unauthorized', { reason: event.reason });
      case 'provisioning.changed':
        return record(event.record.error ? 'warning' : 'info', 'system', 'provisioning', 'system.provisioning', { status: event.record.status, error: event.record.error ?? '' });
      case 'connection.modeChanged':
        return record('info', 'system', 'connection', 'system.connection_mode', { mode: event.mode });
      case 'factory.link': {
        const was = factoryLink;
        // connecting and backoff are the way between two states a person cares about.
        if (event.state === 'connecting' || event.state === 'backoff' || was === event.state) return null;
        if (was === null && event.state === 'disconnected') return null;
        factoryLink = event.state;
        const severity = event.state === 'unauthorized' ? 'alarm' : event.state === 'connected' ? 'info' : 'warning';
        return record(severity, 'system', 'factoryLink', 'system.factory_link', { state: event.state, reason: event.reason ?? '' });
      }
      case 'factory.command':
        return record('info', 'system', 'commands', 'system.command_received', { command: event.message.payload.type, commandId: event.message.payload.commandId });
      case 'supervisor.childRestarted':
        if (event.manual) return null;
        return record('warning', 'system', event.id, 'system.actor_restarted', { actor: event.id, attempt: event.attempt, error: event.error ?? '' });
      case 'supervisor.childFailed':
        return record('critical', 'system', event.id, 'system.actor_failed', { actor: event.id, error: event.error });
      default:
        return null;
    }
  };
}
