import { signal } from '@preact/signals';
import { createApiClient } from '../shared/api-client.js';
import { createLiveSocket } from '../shared/live-socket.js';
import { createScanFeed } from './scan-feed.js';
import { createAlarms } from './alarms.js';

/** The HMI's one API client, live socket and live stores (module singletons: one page, one edge). */
export const api = createApiClient('edge');

export const feed = createScanFeed(200);
export const alarms = createAlarms(api);

/** Bumped by `line` and `batch` socket messages so the panels that show them refetch at once. */
export const lineTick = signal(0);
export const batchTick = signal(0);

/** Scans move the counters and the open box: refetch them, at most once a second however fast the line runs. */
let scanRefresh: ReturnType<typeof setTimeout> | null = null;
function scansArrived(): void {
  if (scanRefresh) return;
  scanRefresh = setTimeout(() => {
    scanRefresh = null;
    lineTick.value++;
    batchTick.value++;
  }, 1000);
}

export const live = createLiveSocket(
  () => (api.session.value ? `/ws?token=${encodeURIComponent(api.session.value.token)}` : null),
  (message) => {
    switch (message.type) {
      case 'scan':
        feed.push(message.data as never);
        scansArrived();
        break;
      case 'line':
        lineTick.value++;
        break;
      case 'batch':
        batchTick.value++;
        break;
      case 'event':
        alarms.onEvent(message.data as never);
        break;
    }
  },
);
