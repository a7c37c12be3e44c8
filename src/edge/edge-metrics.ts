import type { ScanDecidedEvent } from '../../machines/edge/scan-line.machine.js';
import { createMetricsRegistry, prom, type MetricsRegistry } from '../runtime/metrics/registry.js';
import { sharedRead } from '../runtime/metrics/shared-read.js';
import { scanReasonOf } from '../runtime/metrics/scan-reason.js';
import type { EdgeSystem } from './system.js';

/**
 * The edge's Prometheus metrics. Counters are fed from the event bus (events flow out on one bus)
 * and from the committer's group observer; gauges are read in collect() when Prometheus scrapes,
 * from actor snapshots and one outbox query per scrape. Nothing here queries storage per scan.
 */
export function createEdgeMetrics(system: EdgeSystem, live: { wsClients: () => number }): { registry: MetricsRegistry; dispose(): void } {
  const registry = createMetricsRegistry('edge');
  const registers = [registry];

  // Per scan only a Map increment: the counts move into the counter when Prometheus scrapes.
  const scanCounts = new Map<string, { outcome: string; reason: string; role: string; n: number }>();
  new prom.Counter({
    name: 'okto_scans_total',
    help: 'Scans decided by the line, by outcome (accepted, duplicate, invalid, noread, refused, error), reason class and scanner role',
    labelNames: ['outcome', 'reason', 'role'] as const,
    registers,
    collect() {
      for (const entry of scanCounts.values()) {
        if (entry.n === 0) continue;
        this.inc({ outcome: entry.outcome, reason: entry.reason, role: entry.role }, entry.n);
        entry.n = 0;
      }
    },
  });
  const decisionLatency = new prom.Histogram({
    name: 'okto_scan_decision_seconds',
    help: 'From the scan being received to its decision (after COMMIT for stored outcomes)',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
    registers,
  });
  const groupSize = new prom.Histogram({
    name: 'okto_commit_group_size',
    help: 'Scans written per group commit (one transaction, one fsync)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048],
    registers,
  });
  const groupSeconds = new prom.Histogram({
    name: 'okto_commit_group_seconds',
    help: 'Time to write and commit one group',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1],
    registers,
  });
  const synced = new prom.Counter({ name: 'okto_sync_items_total', help: 'Outbox items uploaded and acknowledged (synced) or refused for good (parked)', labelNames: ['result'] as const, registers });
  const syncBatches = new prom.Counter({ name: 'okto_sync_batches_total', help: 'Sync uploads, by result (completed, failed, unauthorized)', labelNames: ['result'] as const, registers });
  const restarts = new prom.Counter({ name: 'okto_actor_restarts_total', help: 'Actor restarts by the supervisor, by child id', labelNames: ['actor'] as const, registers });
  const failedActors = new Set<string>();
  new prom.Gauge({
    name: 'okto_actors_failed',
    help: 'Actors the supervisor gave up on (FAILED) and that have not been started again',
    registers,
    collect() {
      this.set(failedActors.size);
    },
  });
  const scannerStates = new Map<string, string>();
  new prom.Gauge({
    name: 'okto_scanners',
    help: 'Configured scanners by connection state',
    labelNames: ['state'] as const,
    registers,
    collect() {
      this.reset();
      for (const state of ['connected', 'disconnected', 'backoff']) this.set({ state }, 0);
      for (const state of scannerStates.values()) this.inc({ state });
    },
  });
  new prom.Gauge({
    name: 'okto_websocket_clients',
    help: 'WebSocket clients connected to /ws',
    registers,
    collect() {
      this.set(live.wsClients());
    },
  });
  new prom.Gauge({
    name: 'okto_commit_backlog',
    help: 'Scans handed to the committer and not yet committed',
    registers,
    collect() {
      this.set(system.committer.backlog);
    },
  });
    // One outbox query per scrape, shared by its three gauges (the reader connection, never the scan path).
  const outbox = sharedRead(() => system.outbox.status());
  new prom.Gauge({
    name: 'okto_outbox_depth',
    help: 'Outbox items waiting for upload (parked excluded)',
    registers,
    async collect() {
      this.set((await outbox()).queueSize);
    },
  });
  new prom.Gauge({
    name: 'okto_outbox_parked',
    help: 'Outbox items refused upstream for good (parked)',
    registers,
    async collect() {
      this.set((await outbox()).parked);
    },
  });
  new prom.Gauge({
    name: 'okto_outbox_oldest_age_seconds',
    help: 'Age of the oldest item waiting for upload; 0 when the outbox is empty',
    registers,
    async collect() {
      const { oldestItem } = await outbox();
      this.set(oldestItem ? Math.max(0, (Date.now() - Date.parse(oldestItem)) / 1000) : 0);
    },
  });

  const offs = [
    system.bus.subscribe('scan.decided', (event: ScanDecidedEvent) => {
      const { decision } = event;
      const reason = decision.outcome === 'accepted' ? 'none' : scanReasonOf(decision.outcome, decision.message, decision.reasonCode);
      const key = `${decision.outcome}|${reason}|${event.role}`;
      const entry = scanCounts.get(key);
      if (entry) entry.n++;
      else scanCounts.set(key, { outcome: decision.outcome, reason, role: event.role, n: 1 });
      const receivedAt = decision.timestamp ? Date.parse(decision.timestamp) : NaN;
      if (Number.isFinite(receivedAt)) decisionLatency.observe(Math.max(0, Date.now() - receivedAt) / 1000);
    }),
    system.committer.onGroupCommitted((items, seconds) => {
      groupSize.observe(items);
      groupSeconds.observe(seconds);
    }),
    system.bus.subscribe('sync.progress', (event) => {
      if (event.status === 'completed') {
        syncBatches.inc({ result: 'completed' });
        synced.inc({ result: 'synced' }, event.synced);
        synced.inc({ result: 'parked' }, event.parked);
      } else if (event.status === 'failed') syncBatches.inc({ result: 'failed' });
    }),
    system.bus.subscribe('sync.unauthorized', () => syncBatches.inc({ result: 'unauthorized' })),
    system.bus.subscribe('supervisor.childRestarted', (event) => {
      restarts.inc({ actor: actorLabel(event.id) });
      failedActors.delete(event.id);
    }),
    system.bus.subscribe('supervisor.childFailed', (event) => failedActors.add(event.id)),
    system.bus.subscribe('supervisor.childStopped', (event) => failedActors.delete(event.id)),
    system.bus.subscribe('scanner.state', (event) => scannerStates.set(event.scannerId, event.state)),
  ];
  return {
    registry,
    dispose() {
      for (const off of offs) off();
      registry.clear();
    },
  };
}

/** Child ids are configured names (scanner ids, printers): bounded by the configuration. */
const actorLabel = (id: string) => id.slice(0, 64);
