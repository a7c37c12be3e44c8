import { createHash, generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { SyncItem, SyncItemResult } from '../../adapters/cloud/cloud-types.js';
import { CHANNEL_CLOSE_UNAUTHORIZED } from '../../machines/edge/factory-link.machine.js';
import { type ChannelMessage, type ChannelPayload, type ConnectionSettings, channelMessage, decodeChannelMessage, encodeChannelMessage } from '../../src/domain/device-channel.js';
import type { CommandType } from '../../src/domain/device-commands.js';
import { keyIdOf, rawPublicKey, signFirmware } from '../../src/auth/firmware-signature.js';
import { waitFor } from './wait-for.js';

/** A firmware artifact the fake factory serves at /api/v1/firmware/releases/{id}/artifact (Range aware). */
export interface FakeArtifact {
  body: Buffer;
  /** The first `dropTimes` full-body requests send this many bytes and then cut the connection. */
  dropAfterBytes?: number;
  dropTimes?: number;
}

let commandSeq = 0;

/**
 * A stand-in factory server for edge tests: `POST /api/v1/sync` (bearer device token, idempotent
 * by item id), `/ws/device?token=` (welcome on connect, records what the edge says, can push
 * settings and send commands) and firmware artifacts (Range, and a connection that can drop
 * halfway). Only what the edge's side of the contract needs; the real one is src/factory.
 */
export async function startFakeFactory(options: { token: string; settings?: ConnectionSettings; heartbeatIntervalMs?: number }) {
  let token = options.token;
  let settings: ConnectionSettings = options.settings ?? { defaultMode: 'VIA_LOCAL_SERVER', allowDeviceOverride: true, cloudSyncEnabled: false };
  const stored = new Map<string, SyncItem>();
  const requests: Array<{ authorization: string | undefined; items: SyncItem[] }> = [];
  const channels: Array<{ socket: WebSocket; messages: ChannelMessage[] }> = [];
  const artifacts = new Map<string, FakeArtifact>();
  const artifactRequests: Array<{ releaseId: string; range: string | undefined; authorization: string | undefined }> = [];
  // Its own firmware signing key, as the real factory has; edges in tests trust it (command-edge.ts).
  const signing = generateKeyPairSync('ed25519');
  const signingKey = { id: keyIdOf(signing.publicKey), publicKey: rawPublicKey(signing.publicKey).toString('base64') };
  /** update_firmware params as the factory sends them: signed, unless the test sets `signature` itself (null = unsigned). */
  const signed = (params: Record<string, unknown>): Record<string, unknown> => {
    if (params.signature === null) {
      const { signature: _signature, signatureKeyId: _keyId, ...unsigned } = params;
      return unsigned;
    }
    if (params.signature !== undefined) return params;
    const fields = { version: String(params.version), sha256: String(params.sha256), size: Number(params.size) };
    return { ...params, signature: signFirmware(signing.privateKey, fields), signatureKeyId: signingKey.id };
  };

  /** GET /api/v1/firmware/releases/{id}/artifact: 200 or 206 for `Range: bytes=N-`, 416 past the end. */
  const serveArtifact = (req: http.IncomingMessage, res: http.ServerResponse, releaseId: string) => {
    const artifact = artifacts.get(releaseId);
    artifactRequests.push({ releaseId, range: req.headers.range, authorization: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { success: false, error: { code: 'UNAUTHORIZED', message: 'Invalid device token' } });
    if (!artifact) return send(res, 404, { success: false, error: { code: 'NOT_FOUND', message: 'no such release' } });
    const total = artifact.body.length;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= total && total > 0) {
      res.writeHead(416, { 'content-range': `bytes */${total}` }).end();
      return;
    }
    const headers = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes', 'content-length': String(total - start) };
    if (range) res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${total - 1}/${total}` });
    else res.writeHead(200, headers);
    if (!range && artifact.dropAfterBytes !== undefined && (artifact.dropTimes ?? 1) > 0) {
      artifact.dropTimes = (artifact.dropTimes ?? 1) - 1;
      // Half the body, then the connection dies (the client sees a body shorter than content-length).
      res.write(artifact.body.subarray(0, artifact.dropAfterBytes), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(artifact.body.subarray(start));
  };

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const artifactPath = /^\/api\/v1\/firmware\/releases\/([^/]+)\/artifact$/.exec(req.url ?? '');
      if (req.method === 'GET' && artifactPath) return serveArtifact(req, res, decodeURIComponent(artifactPath[1]!));
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
    artifacts,
    artifactRequests,
    /** The key it signs firmware with, as an edge's firmware.trustedKeys entry. */
    signingKey,
    signingKeyPem: String(signing.publicKey.export({ format: 'pem', type: 'spki' })),
    /** The factory's signature of these update_firmware params ({ signature, signatureKeyId }). */
    signatureOf(params: Record<string, unknown>) {
      const { signature, signatureKeyId } = signed({ ...params, signature: undefined });
      return { signature, signatureKeyId };
    },
    /** Signs update_firmware params with another key: what a forged or foreign release looks like. */
    signWith(privateKey: Parameters<typeof signFirmware>[0], keyId: string, params: Record<string, unknown>) {
      const fields = { version: String(params.version), sha256: String(params.sha256), size: Number(params.size) };
      return { ...params, signature: signFirmware(privateKey, fields), signatureKeyId: keyId };
    },
    /** Serves `body` as release `releaseId`'s artifact; returns the params an update_firmware command needs. */
    addArtifact(releaseId: string, body: Buffer, options: Omit<FakeArtifact, 'body'> = {}) {
      artifacts.set(releaseId, { body, ...options });
      return { releaseId, artifactPath: `/api/v1/firmware/releases/${releaseId}/artifact`, sha256: createHash('sha256').update(body).digest('hex'), size: body.length };
    },
    /**
     * Sends a command on the newest open channel (as the factory's command service would) and
     * returns its id. Defaults: no params, no expiry, 30 s timeout.
     */
    sendCommand(type: CommandType, params: Record<string, unknown> = {}, more: { commandId?: string; expiresAt?: string | null; timeoutMs?: number } = {}): string {
      const commandId = more.commandId ?? `cmd-${++commandSeq}`;
      const open = channels.filter((c) => c.socket.readyState === c.socket.OPEN).at(-1);
      if (!open) throw new Error('fake factory: no open device channel to send a command on');
      const sent = type === 'update_firmware' ? signed(params) : params;
      open.socket.send(encodeChannelMessage(channelMessage('command', { commandId, type, params: sent, expiresAt: more.expiresAt ?? null, timeoutMs: more.timeoutMs ?? 30_000 })));
      return commandId;
    },
    /** What the edge answered a command: acks, progress, results (in order, over every channel). */
    replies(commandId: string) {
      const all = channels.flatMap((c) => c.messages);
      const of = <T extends 'command.ack' | 'command.progress' | 'command.result'>(type: T) =>
        all.filter((m) => m.type === type && (m.payload as { commandId: string }).commandId === commandId).map((m) => m.payload as ChannelPayload<T>);
      return { acks: of('command.ack'), progress: of('command.progress'), results: of('command.result') };
    },
    /** Waits for the `n`th result (1-based) of a command. */
    async result(commandId: string, timeoutMs = 15_000, n = 1): Promise<ChannelPayload<'command.result'>> {
      return waitFor(() => this.replies(commandId).results[n - 1], timeoutMs, `result #${n} of ${commandId}`);
    },
    /** Waits for an open, welcomed channel (a command sent before it would find none). */
    async connected(timeoutMs = 10_000) {
      await waitFor(() => channels.some((c) => c.socket.readyState === c.socket.OPEN && c.messages.some((m) => m.type === 'hello')), timeoutMs, 'an open device channel with a hello');
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
