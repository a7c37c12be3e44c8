import { signal } from '@preact/signals';
import { createApiClient } from '../shared/api-client.js';
import { createLiveSocket } from '../shared/live-socket.js';

/** The console's API client and its `/ws/dashboard` link, with what the link keeps current. */
export const api = createApiClient('factory');

/**
 * Bumped after `device_status` / `command_progress` / `deployment_progress` messages, at most once
 * a second (a fleet of a thousand heartbeats must not refetch a thousand times): screens refetch.
 */
function throttledTick() {
  const tick = signal(0);
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    tick,
    bump(): void {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        tick.value++;
      }, 300);
    },
  };
}
const fleet = throttledTick();
const commands = throttledTick();
const deployments = throttledTick();
export const fleetTick = fleet.tick;
export const commandTick = commands.tick;
export const deploymentTick = deployments.tick;
export const lastBulkProgress = signal<Record<string, unknown> | null>(null);

export interface MetricSample {
  at: number;
  bottlesPerMinute: number;
  bottlesToday: number;
}
/** The site's production rate as `metrics` messages report it, the last hour of samples. */
export const metrics = signal<MetricSample[]>([]);

export const live = createLiveSocket(
  () => (api.session.value ? `/ws/dashboard?token=${encodeURIComponent(api.session.value.token)}` : null),
  (message) => {
    const data = (message.data ?? {}) as Record<string, unknown>;
    switch (message.type) {
      case 'device_status':
        fleet.bump();
        break;
      case 'command_progress':
        lastBulkProgress.value = data;
        commands.bump();
        break;
      case 'deployment_progress':
        deployments.bump();
        break;
      case 'metrics': {
        const sample = { at: Date.parse(String(data.at)) || Date.now(), bottlesPerMinute: Number(data.bottlesPerMinute) || 0, bottlesToday: Number(data.bottlesToday) || 0 };
        metrics.value = [...metrics.value.filter((s) => sample.at - s.at < 3600_000), sample];
        break;
      }
    }
  },
);
