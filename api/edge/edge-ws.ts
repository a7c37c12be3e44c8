import type { EdgeEvent } from '../../machines/edge/edge-events.js';
import type { EventBus } from '../../src/runtime/event-bus.js';
import type { WsHub } from '../http/ws-hub.js';
import type { JournalEntry } from '../../src/domain/journal-entry.js';
import { formatMessage } from '../../src/domain/i18n/messages.js';
import { entryView } from './journal-format.js';

/** Maps the edge's bus events onto the spec's `/ws` messages. Returns an unsubscribe function. */
export function feedEdgeWebSocket(bus: EventBus<EdgeEvent>, hub: WsHub): () => void {
  const offs = [
    bus.subscribe('scan.decided', ({ decision, role }) =>
      hub.broadcast({
        type: 'scan',
        data: {
          code: decision.code,
          valid: decision.valid,
          timestamp: decision.timestamp,
          gtin: decision.gtin,
          duplicate: decision.duplicate,
          outcome: decision.outcome,
          message: decision.message,
          reasonCode: decision.reasonCode,
          reasonParams: decision.reasonParams,
          bottleId: decision.bottleId,
          source: decision.source,
          role,
        },
      }),
    ),
    bus.subscribe('batch.changed', (event) =>
      hub.broadcast({ type: 'batch', data: { action: event.action, batchId: event.batchId, identifier: event.identifier, bottleCount: event.bottleCount } }),
    ),
    bus.subscribe('scanner.state', (event) => hub.broadcast({ type: 'scanner', data: { scannerId: event.scannerId, state: event.state, reason: event.reason } })),
    bus.subscribe('sync.progress', (event) => {
      const { type: _type, ...data } = event;
      hub.broadcast({ type: 'sync', data });
    }),
    bus.subscribe('line.state', (event) => hub.broadcast({ type: 'line', data: { state: event.state, reason: event.reason } })),
    bus.subscribe('ups.policy', (event) => hub.broadcast({ type: 'ups', data: { policy: event.state, reason: event.reason, onBattery: event.onBattery } })),
    bus.subscribe('plc.state', (event) => hub.broadcast({ type: 'plc', data: { plcId: event.plcId, state: event.state, reason: event.reason } })),
    // Supervision you can see: an actor the supervisor gave up on, and one started again.
    bus.subscribe('supervisor.childFailed', (event) => hub.broadcast({ type: 'actor', data: { id: event.id, status: 'FAILED', error: event.error } })),
    bus.subscribe('supervisor.childRestarted', (event) =>
      hub.broadcast({ type: 'actor', data: { id: event.id, status: 'RUNNING', attempt: event.attempt, manual: event.manual === true, error: event.error ?? null } }),
    ),
  ];
  return () => offs.forEach((off) => off());
}

/**
 * Each new journal entry, once stored, as `{ type: 'event', data }` (spec "WebSocket"): the
 * entry as GET /api/v1/events/{id} shows it (message in Russian) plus its text in every language.
 */
export function feedJournalToWebSocket(journal: { subscribe(listener: (entry: JournalEntry) => void): () => void }, hub: WsHub): () => void {
  return journal.subscribe((entry) =>
    hub.broadcast({
      type: 'event',
      data: { ...entryView(entry, 'ru'), messages: { ru: formatMessage(entry.messageKey, entry.params, 'ru'), en: formatMessage(entry.messageKey, entry.params, 'en') } },
    }),
  );
}
