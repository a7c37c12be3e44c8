import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInspector } from '@statelyai/inspect';
import type { InspectionEvent } from 'xstate';
import { WebSocketServer, WebSocket } from 'ws';
import type { Logger } from './logger.js';
import { redactSecrets } from './redact.js';

/**
 * Live inspection in the Stately inspector UI, served from this process on 127.0.0.1 only.
 *
 * Why not `@statelyai/inspect/server`'s `createInspectorServer` (0.7.2): it listens on every
 * interface with no host option, defaults to running `xdg-open`, and cannot use port 0. We keep
 * its wire format and page instead: the package's `createInspector` turns XState inspection
 * events into Stately's format, and we broadcast them as JSON over a WebSocket to the browser page
 * served here, which forwards them (postMessage) into the inspector iframe. Nothing in this
 * process connects anywhere; `createSkyInspector` (which uploads events) is never used. Note the
 * viewer itself is the page at `viewerUrl` (stately.ai by default), loaded by the user's browser.
 *
 * Browsers let any web page open a WebSocket to 127.0.0.1, so upgrades carrying a foreign
 * `Origin` are refused: only our own page (or a non-browser client) may listen.
 */
export interface InspectServer {
  inspect(event: InspectionEvent): void;
  /** Resolves with the page URL once listening. */
  ready: Promise<string>;
  close(): Promise<void>;
}

export interface InspectServerOptions {
  /** 0 (default) = any free port; the URL is logged. */
  port?: number;
  viewerUrl?: string;
  logger: Logger;
}

/** Late-joining browsers get the recent history, as with the package's own server. */
const REPLAY = 200;

function bridgePage(wsUrl: string, viewerUrl: string): string {
  return `<!DOCTYPE html>
<html><head><title>OKTO actor inspector</title>
<style>html,body{height:100%;margin:0}iframe{width:100%;height:100%;border:0}</style></head>
<body><iframe id="inspector" src="${viewerUrl}"></iframe>
<script>
  const iframe = document.getElementById('inspector');
  const buffer = [];
  let connected = false;
  window.addEventListener('message', (e) => {
    if (e.data && e.data.type === '@statelyai.connected') {
      connected = true;
      buffer.splice(0).forEach((ev) => iframe.contentWindow.postMessage(ev, '*'));
    }
  });
  const ws = new WebSocket(${JSON.stringify(wsUrl)});
  ws.onmessage = (m) => {
    const ev = JSON.parse(m.data);
    if (connected) iframe.contentWindow.postMessage(ev, '*'); else buffer.push(ev);
  };
</script></body></html>`;
}

function safeJson(value: unknown): string | undefined {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v && typeof v === 'object') {
        if (seen.has(v)) return '[circular]';
        seen.add(v);
      }
      return v;
    });
  } catch {
    return undefined;
  }
}

export function createInspectServer(options: InspectServerOptions): InspectServer {
  const viewerUrl = options.viewerUrl ?? 'https://stately.ai/inspect';
  const recent: string[] = [];
  let origin = '';

  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(bridgePage(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, viewerUrl));
  });
  const wss = new WebSocketServer({
    server,
    verifyClient: ({ origin: from }: { origin?: string }) => !from || from === origin || from === origin.replace('127.0.0.1', 'localhost'),
  });
  wss.on('connection', (socket) => {
    for (const message of recent) socket.send(message);
  });

  const inspector = createInspector(
    {
      send(event) {
        const message = safeJson(event);
        if (message === undefined) return;
        recent.push(message);
        if (recent.length > REPLAY) recent.shift();
        for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(message);
      },
    },
    // The page hands events to the viewer iframe: mask secrets before anything leaves the process.
    {
      sanitizeEvent: (event) => {
        const safe = redactSecrets(event);
        return 'type' in safe ? safe : { type: event.type };
      },
      sanitizeContext: (context) => redactSecrets(context),
    },
  );

  const ready = new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      origin = `http://127.0.0.1:${port}`;
      options.logger.info({ url: origin, viewer: viewerUrl }, `actor inspector: open ${origin} (the viewer page loads from ${viewerUrl})`);
      resolve(origin);
    });
  });
  // A port clash must not crash the service: inspection is a debugging aid.
  ready.catch((error: unknown) => options.logger.error({ err: error }, 'actor inspector could not listen'));

  return {
    inspect: (event) => inspector.inspect.next?.(event),
    ready,
    async close() {
      inspector.stop();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}
