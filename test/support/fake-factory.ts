import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { SyncItem, SyncItemResult } from '../../adapters/cloud/cloud-types.js';
import { CHANNEL_CLOSE_UNAUTHORIZED } from '../../machines/edge/factory-link.machine.js';
import { type ChannelMessage, type ConnectionSettings, channelMessage, decodeChannelMessage, encodeChannelMessage } from '../../src/domain/device-channel.js';

/**
 * A stand-in factory server for edge tests: `POST /api/v1/sync` (bearer device token, idempotent
 * by item id) and `/ws/device?token=` (welcome on connect, records what the edge says, can push
 * settings). Only what the edge's side of the contract needs; the real one is src/factory.
 */
export async function startFakeFactory(options: { token: string; settings?: ConnectionSettings; heartbeatIntervalMs?: number }) {
  let token = options.token;
  let settings: ConnectionSettings = options.settings ?? { defaultMode: 'VIA_LOCAL_SERVER', allowDeviceOverride: true, cloudSyncEnabled: false };
  const stored = new Map<string, SyncItem>();
  const requests: Array<{ authorization: string | undefined; items: SyncItem[] }> = [];
  const channels: Array<{ socket: WebSocket; messages: ChannelMessage[] }> = [];

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/v1/sync') return send(res, 404, { success: false, error: { code: 'NOT_FOUND', message: 'no such route' } });
      const { items } = JSON.parse(text) as { items: SyncItem[] };
      requests.push({ authorization: req.headers.authorization, items });
      if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { success: false, error: { code: 'UNAUTHORIZED', message: 'Invalid device token' } });
      const results: SyncItemResult[] = items.map((item) => {
        if (stored.has(item.id)) return { id: item.id, status: 'duplicate' };
        stored.set(item.id, item);
        return { id: item.id, status: 'accepted' };
      });
      send(res, 200, { success: true, data: { results } });
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/ws/device') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const entry = { socket: ws, messages: [] as ChannelMessage[] };
      channels.push(entry);
      ws.on('message', (data) => {
        const decoded = decodeChannelMessage(data.toString());
        if (decoded.ok) entry.messages.push(decoded.message);
      });
      if (url.searchParams.get('token') !== token) {
        ws.close(CHANNEL_CLOSE_UNAUTHORIZED, 'unauthorized device token');
        return;
      }
      const welcome = channelMessage('welcome', { deviceId: 'edge', serverTime: new Date().toISOString(), heartbeatIntervalMs: options.heartbeatIntervalMs ?? 50, settings });
      ws.send(encodeChannelMessage(welcome));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stored,
    requests,
    channels,
    /** Every message the edge sent on any channel, in order. */
    messages: () => channels.flatMap((c) => c.messages),
    /** Changes the settings and pushes them to every open channel, as PUT /connection/settings would. */
    pushSettings(next: ConnectionSettings) {
      settings = next;
      for (const client of wss.clients) client.send(encodeChannelMessage(channelMessage('settings', next)));
    },
    /** Revokes the token: sync answers 401 and the channel closes with 4401. */
    revoke() {
      token = `revoked-${token}`;
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeFactory = Awaited<ReturnType<typeof startFakeFactory>>;
