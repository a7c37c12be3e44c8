import { signal } from '@preact/signals';

export type LinkState = 'connecting' | 'open' | 'lost';

/**
 * A WebSocket to the service that comes back by itself: on a close it waits (250 ms doubling to
 * 5 s, with jitter) and reconnects. `link` says whether the page is live; `catchUp` counts the
 * reconnections, so panels refetch what they may have missed while the service was away.
 */
export function createLiveSocket(path: () => string | null, onMessage: (message: { type: string; data?: unknown; [k: string]: unknown }) => void) {
  const link = signal<LinkState>('connecting');
  const catchUp = signal(0);
  let socket: WebSocket | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let everOpened = false;

  function open(): void {
    timer = null;
    const target = path();
    if (stopped || !target) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${target}`;
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      link.value = 'open';
      if (everOpened) catchUp.value++;
      everOpened = true;
    };
    ws.onmessage = (event) => {
      try {
        onMessage(JSON.parse(String(event.data)));
      } catch {
        /* a frame that is not JSON: ignore it */
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if (stopped) return;
      if (everOpened) link.value = 'lost';
      const delay = Math.min(5000, 250 * 2 ** attempt++) * (0.75 + Math.random() * 0.5);
      timer = setTimeout(open, delay);
    };
  }

  return {
    link,
    catchUp,
    start(): void {
      stopped = false;
      if (!socket && !timer) open();
    },
    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const ws = socket;
      socket = null;
      ws?.close();
      everOpened = false;
      link.value = 'connecting';
    },
  };
}
