import client from 'prom-client';

/**
 * One Prometheus registry per running service (tests start several services in one process, so
 * nothing goes into prom-client's global registry). Process metrics (CPU, memory, event loop lag,
 * GC, handles) come from collectDefaultMetrics; each service adds its own on top.
 */
export function createMetricsRegistry(service: 'edge' | 'factory'): client.Registry {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry, prefix: 'okto_' });
  return registry;
}

export { client as prom };
export type MetricsRegistry = client.Registry;
