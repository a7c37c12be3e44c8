import { signal } from '@preact/signals';
import type { ApiClient } from '../shared/api-client.js';
import type { JournalEntryView } from './contract-types.js';

/**
 * Unacknowledged alarms (journal entries of severity alarm/critical): loaded from
 * `GET /api/v1/events` and kept current by `/ws` `event` messages. `available` is false while the
 * edge has no journal endpoint (the banner then stays away).
 */
export function createAlarms(api: ApiClient) {
  const open = signal<JournalEntryView[]>([]);
  const available = signal(true);
  /** Bumped by every new journal entry, so an open journal screen refetches. */
  const journalTick = signal(0);

  async function load(): Promise<void> {
    try {
      const page = await api.get<{ events?: JournalEntryView[]; items?: JournalEntryView[] } | JournalEntryView[]>('/api/v1/events?ack=false&limit=100');
      const list = Array.isArray(page) ? page : (page.events ?? page.items ?? []);
      open.value = list.filter((e) => e.requiresAck && !e.acknowledged);
      available.value = true;
    } catch (error) {
      if ((error as { notAvailable?: boolean }).notAvailable) available.value = false;
    }
  }

  return {
    open,
    available,
    journalTick,
    load,
    onEvent(entry: JournalEntryView): void {
      journalTick.value++;
      if (entry.requiresAck && !entry.acknowledged) open.value = [entry, ...open.value.filter((e) => e.id !== entry.id)];
      else if (entry.acknowledged) open.value = open.value.filter((e) => e.id !== entry.id);
    },
    async ack(id: number): Promise<void> {
      await api.post(`/api/v1/events/${id}/ack`);
      open.value = open.value.filter((e) => e.id !== id);
      journalTick.value++;
    },
    async ackAll(): Promise<void> {
      await api.post('/api/v1/events/ack-all');
      open.value = [];
      journalTick.value++;
    },
  };
}
