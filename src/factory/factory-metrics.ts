import { COMMAND_STATUSES, FINAL_COMMAND_STATUSES } from '../domain/device-commands.js';
import { createMetricsRegistry, prom, type MetricsRegistry } from '../runtime/metrics/registry.js';
import { sharedRead } from '../runtime/metrics/shared-read.js';
import type { FactorySystem } from './system.js';

/**
 * The factory's Prometheus metrics. Counters are fed from the event bus; gauges are read in
 * collect() when Prometheus scrapes: device sessions from the sessions' snapshots (fleet.counts),
 * the forward outbox and the open commands with one query each per scrape.
 */
export function createFactoryMetrics(
  system: FactorySystem,
  live: { dashboardClients: () => number; deviceChannels: () => number },
): { registry: MetricsRegistry; dispose(): void } {
  const registry = createMetricsRegistry('factory');
  const registers = [registry];

  const ingested = new prom.Counter({
    name: 'okto_factory_ingested_items_total',
    help: 'Sync items received from edges, by result (accepted, duplicate, rejected); rate() of it is the ingest rate',
    labelNames: ['result'] as const,
    registers,
  });
  const ingestBatches = new prom.Counter({ name: 'okto_factory_ingest_batches_total', help: 'Sync batches ingested from edges', registers });
  const forwarded = new prom.Counter({ name: 'okto_sync_items_total', help: 'Forward-outbox items uploaded to OKTO Cloud (synced) or refused for good (parked)', labelNames: ['result'] as const, registers });
  const forwardBatches = new prom.Counter({ name: 'okto_sync_batches_total', help: 'Uploads to OKTO Cloud, by result (completed, failed, unauthorized)', labelNames: ['result'] as const, registers });
  const restarts = new prom.Counter({ name: 'okto_actor_restarts_total', help: 'Actor restarts by a supervisor, by child id', labelNames: ['actor'] as const, registers });
  const commandTransitions = new prom.Counter({
    name: 'okto_factory_command_transitions_total',
    help: 'Device commands entering each status',
    labelNames: ['status'] as const,
    registers,
  });
  const failedActors = new Set<string>();
  new prom.Gauge({
    name: 'okto_actors_failed',
    help: 'Actors a supervisor gave up on (FAILED) and that have not been started again',
    registers,
    collect() {
      this.set(failedActors.size);
    },
  });
  new prom.Gauge({
    name: 'okto_factory_device_sessions',
    help: 'Device sessions by status (online, stale, offline)',
    labelNames: ['status'] as const,
    registers,
    collect() {
      const counts = system.fleet.counts();
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
  new prom.Gauge({
    name: 'okto_websocket_clients',
    help: 'WebSocket clients by channel (dashboard, device)',
    labelNames: ['channel'] as const,
    registers,
    collect() {
      this.set({ channel: 'dashboard' }, live.dashboardClients());
      this.set({ channel: 'device' }, live.deviceChannels());
    },
  });
  const openStatuses = COMMAND_STATUSES.filter((status) => !FINAL_COMMAND_STATUSES.has(status));
  new prom.Gauge({
    name: 'okto_factory_commands_open',
    help: 'Device commands not yet in a final status, by status',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const rows = (await system.db('commands').whereIn('status', openStatuses).select('status').count({ n: '*' }).groupBy('status')) as Array<{ status: string; n: number | string }>;
      for (const status of openStatuses) this.set({ status }, 0);
      for (const row of rows) this.set({ status: row.status }, Number(row.n));
    },
  });
  // One outbox query per scrape, shared by its three gauges (the reader connection, never the scan path).
  const outbox = sharedRead(() => system.forwardOutbox.status());
  new prom.Gauge({
    name: 'okto_outbox_depth',
    help: 'Forward-outbox items waiting for upload to OKTO Cloud (parked excluded)',
    registers,
    async collect() {
      this.set((await outbox()).queueSize);
    },
  });
  new prom.Gauge({
    name: 'okto_outbox_parked',
    help: 'Forward-outbox items refused by OKTO Cloud for good (parked)',
    registers,
    async collect() {
      this.set((await outbox()).parked);
    },
  });
  new prom.Gauge({
    name: 'okto_outbox_oldest_age_seconds',
    help: 'Age of the oldest forward-outbox item waiting for upload; 0 when empty',
    registers,
    async collect() {
      const { oldestItem } = await outbox();
      this.set(oldestItem ? Math.max(0, (Date.now() - Date.parse(oldestItem)) / 1000) : 0);
    },
  });

  const offs = [
    system.bus.subscribe('sync.ingested', (event) => {
      ingestBatches.inc();
      ingested.inc({ result: 'accepted' }, event.accepted);
      ingested.inc({ result: 'duplicate' }, event.duplicates);
      ingested.inc({ result: 'rejected' }, event.rejected);
    }),
    system.bus.subscribe('sync.progress', (event) => {
      if (event.status === 'completed') {
        forwardBatches.inc({ result: 'completed' });
        forwarded.inc({ result: 'synced' }, event.synced);
        forwarded.inc({ result: 'parked' }, event.parked);
      } else if (event.status === 'failed') forwardBatches.inc({ result: 'failed' });
    }),
    system.bus.subscribe('sync.unauthorized', () => forwardBatches.inc({ result: 'unauthorized' })),
    system.bus.subscribe('command.changed', (event) => commandTransitions.inc({ status: event.command.status })),
    system.bus.subscribe('supervisor.childRestarted', (event) => {
      restarts.inc({ actor: shardless(event.id) });
      failedActors.delete(event.id);
    }),
    system.bus.subscribe('supervisor.childFailed', (event) => failedActors.add(event.id)),
    system.bus.subscribe('supervisor.childStopped', (event) => failedActors.delete(event.id)),
  ];
  return {
    registry,
    dispose() {
      for (const off of offs) off();
      registry.clear();
    },
  };
}

/** Device sessions are children too: one label value per device would be unbounded, so they share one. */
const shardless = (id: string) => (/^(device|session|shard)/i.test(id) ? 'device-session' : id.slice(0, 64));
