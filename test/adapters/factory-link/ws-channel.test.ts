import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createActor } from 'xstate';
import { WebSocket, WebSocketServer } from 'ws';
import { deviceChannelUrl, wsDeviceChannel, type WsChannelConfig } from '../../../adapters/factory-link/ws-channel.js';
import { CHANNEL_CLOSE_UNAUTHORIZED, type FactoryLinkEmitted, factoryLinkMachine, factoryLinkState } from '../../../machines/edge/factory-link.machine.js';
import { type ChannelMessage, channelMessage, decodeChannelMessage, encodeChannelMessage } from '../../../src/domain/device-channel.js';
import { waitFor } from '../../support/wait-for.js';
import { pendingWorkOf } from '../../support/scheduled-events.js';

const TOKEN = 'device-token-abcdefgh';

/** A tiny factory: /ws/device with a token check, recording what each connection said. */
async function startFakeFactory(options: { onConnection?: (socket: WebSocket, index: number) => void } = {}) {
  const server = http.createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ noServer: true });
  const connections: Array<{ socket: WebSocket; messages: ChannelMessage[]; url: string }> = [];
  let acceptedToken = TOKEN;
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/ws/device') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (url.searchParams.get('token') === 'http-401') {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"success":false}');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const entry = { socket: ws, messages: [] as ChannelMessage[], url: req.url ?? '' };
      connections.push(entry);
      ws.on('message', (data) => {
        const decoded = decodeChannelMessage(data.toString());
        if (decoded.ok) entry.messages.push(decoded.message);
      });
      if (url.searchParams.get('token') !== acceptedToken) {
        ws.close(CHANNEL_CLOSE_UNAUTHORIZED, 'unauthorized device token');
        return;
      }
      options.onConnection?.(ws, connections.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    revoke() {
      acceptedToken = 'someone-else';
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function startLink(channel: WsChannelConfig, more: { heartbeatIntervalMs?: number } = {}) {
  const actor = createActor(factoryLinkMachine.provide({ actors: { channel: wsDeviceChannel } }), {
    input: {
      deviceId: 'edge-042',
      channel: { pingIntervalMs: 0, ...channel },
      heartbeatIntervalMs: more.heartbeatIntervalMs ?? 30,
      backoff: { baseMs: 20, maxMs: 60 },
      status: () => ({ mode: 'VIA_LOCAL_SERVER' as const, syncQueue: { state: 'idle', pending: 3 } }),
    },
  });
  const emitted: FactoryLinkEmitted[] = [];
  actor.on('*', (event) => emitted.push(event as FactoryLinkEmitted));
  actor.start();
  return { actor, emitted, state: () => factoryLinkState(actor.getSnapshot().value) };
}

describe('ws device channel (factory link against a ws server)', function () {
  this.timeout(20_000);
  let factory: Awaited<ReturnType<typeof startFakeFactory>>;
  let link: ReturnType<typeof startLink> | undefined;
  afterEach(async () => {
    link?.actor.stop();
    link = undefined;
    await factory?.close();
  });

  it('connects to /ws/device with the token, says hello with its status, then sends heartbeats', async () => {
    factory = await startFakeFactory();
    link = startLink({ factoryUrl: factory.url, deviceToken: TOKEN });
    await waitFor(() => link!.state() === 'connected', 5_000, 'connected');
    const conn = await waitFor(() => ((factory.connections[0]?.messages.length ?? 0) >= 3 ? factory.connections[0] : undefined), 5_000, 'hello and two heartbeats');
    expect(conn.url).to.equal(`/ws/device?token=${TOKEN}`);
    const [hello, ...beats] = conn.messages;
    expect(hello).to.deep.include({ v: 1, type: 'hello', payload: { deviceId: 'edge-042', status: { mode: 'VIA_LOCAL_SERVER', syncQueue: { state: 'idle', pending: 3 } } } });
    expect(beats.every((m) => m.type === 'heartbeat')).to.equal(true);
    expect(beats[0]!.payload).to.deep.equal({ status: { mode: 'VIA_LOCAL_SERVER', syncQueue: { state: 'idle', pending: 3 } } });
    expect(new Set(conn.messages.map((m) => m.id)).size).to.equal(conn.messages.length);
  });

  it("takes the welcome's heartbeat interval and passes welcome and settings on as factory.settings", async () => {
    const settings = { defaultMode: 'DIRECT_CLOUD' as const, allowDeviceOverride: false, cloudSyncEnabled: true };
    factory = await startFakeFactory({
      onConnection: (socket) => {
        socket.send(encodeChannelMessage(channelMessage('welcome', { deviceId: 'edge-042', serverTime: new Date().toISOString(), heartbeatIntervalMs: 40, settings })));
        socket.send(encodeChannelMessage(channelMessage('settings', { ...settings, allowDeviceOverride: true })));
        socket.send('not json at all');
      },
    });
    link = startLink({ factoryUrl: factory.url, deviceToken: TOKEN }, { heartbeatIntervalMs: 60_000 });
    await waitFor(() => link!.emitted.filter((e) => e.type === 'factory.settings').length === 2, 5_000, 'two factory.settings');
    expect(link.emitted.filter((e) => e.type === 'factory.settings')).to.deep.equal([
      { type: 'factory.settings', settings },
      { type: 'factory.settings', settings: { ...settings, allowDeviceOverride: true } },
    ]);
    expect(link.actor.getSnapshot().context.heartbeatIntervalMs).to.equal(40);
    // With the configured 60 s interval no heartbeat would come: these come from the welcome's.
    await waitFor(() => factory.connections[0]!.messages.filter((m) => m.type === 'heartbeat').length >= 2, 5_000, 'heartbeats at the server interval');
    await waitFor(() => link!.actor.getSnapshot().context.invalidMessages === 1, 5_000, 'the bad frame counted');
    expect(link.state()).to.equal('connected');
  });

  it('reconnects with backoff when the server closes the channel, and says hello again', async () => {
    factory = await startFakeFactory({
      onConnection: (socket, index) => {
        if (index === 0) setTimeout(() => socket.close(1001, 'server restarting'), 10);
      },
    });
    link = startLink({ factoryUrl: factory.url, deviceToken: TOKEN });
    await waitFor(() => factory.connections.length >= 2, 5_000, 'a second connection');
    const states = link.emitted.filter((e) => e.type === 'factory.link').map((e) => e.state);
    expect(states.slice(0, 4)).to.deep.equal(['connecting', 'connected', 'backoff', 'connecting']);
    const backoff = link.emitted.find((e) => e.type === 'factory.link' && e.state === 'backoff');
    expect(backoff).to.deep.include({ reason: `factory server at ${factory.url} closed the channel: server restarting (close 1001)` });
    await waitFor(() => factory.connections[1]!.messages[0]?.type === 'hello', 5_000, 'hello on the new connection');
    await waitFor(() => link!.state() === 'connected', 5_000, 'connected again');
  });

  it('keeps retrying while the factory is down (connection refused), without the token in any reason', async () => {
    factory = await startFakeFactory();
    const url = factory.url;
    await factory.close();
    link = startLink({ factoryUrl: url, deviceToken: TOKEN });
    await waitFor(() => link!.emitted.filter((e) => e.type === 'factory.link' && e.state === 'backoff').length >= 3, 5_000, 'three backoffs');
    const reasons = link.emitted.filter((e) => e.type === 'factory.link' && e.state === 'backoff').map((e) => (e as { reason: string }).reason);
    expect(reasons[0]).to.equal(`factory server at ${url}: connection refused`);
    expect(reasons.join(' ')).to.not.include(TOKEN);
    factory = await startFakeFactory();
  });

  it('a 4401 close parks the link in unauthorized: no new connection until RECONFIGURE', async () => {
    factory = await startFakeFactory();
    factory.revoke();
    link = startLink({ factoryUrl: factory.url, deviceToken: TOKEN });
    await waitFor(() => link!.state() === 'unauthorized', 5_000, 'unauthorized');
    expect(link.emitted.filter((e) => e.type === 'factory.link').at(-1)).to.deep.equal({
      type: 'factory.link',
      state: 'unauthorized',
      reason: `factory server at ${factory.url} closed the channel: unauthorized device token (close 4401)`,
    });
    // Nothing will dial again: no retry timer is scheduled and no channel runs.
    expect(pendingWorkOf(link.actor)).to.deep.equal({ scheduled: [], children: [] });
    expect(factory.connections).to.have.length(1);
    expect(link.state()).to.equal('unauthorized');

    link.actor.send({ type: 'RECONFIGURE', channel: { factoryUrl: factory.url, deviceToken: 'someone-else', pingIntervalMs: 0 } });
    await waitFor(() => link!.state() === 'connected', 5_000, 'connected with the new token');
    expect(factory.connections).to.have.length(2);
  });

  it('an HTTP 401 on the upgrade is unauthorized too, and a missing token never dials', async () => {
    factory = await startFakeFactory();
    link = startLink({ factoryUrl: factory.url, deviceToken: 'http-401' });
    await waitFor(() => link!.state() === 'unauthorized', 5_000, 'unauthorized');
    expect(link.actor.getSnapshot().context.lastError).to.equal(`factory server refused the device token at ${factory.url} (HTTP 401)`);
    link.actor.stop();

    link = startLink({ factoryUrl: factory.url, deviceToken: null });
    await waitFor(() => link!.state() === 'unauthorized', 5_000, 'unauthorized');
    expect(link.actor.getSnapshot().context.lastError).to.equal('no device token configured (FACTORY_DEVICE_TOKEN) (close 4401)');
    expect(factory.connections).to.have.length(0);
  });

  it('takes a peer that stops answering pings for dead and reconnects', async () => {
    let first: WebSocket | undefined;
    factory = await startFakeFactory({
      onConnection: (socket, index) => {
        if (index === 0) {
          first = socket;
          // Stop reading: pings go unanswered, as with a pulled cable.
          (socket as unknown as { _socket: { pause(): void } })._socket.pause();
        }
      },
    });
    link = startLink({ factoryUrl: factory.url, deviceToken: TOKEN, pingIntervalMs: 50 }, { heartbeatIntervalMs: 60_000 });
    await waitFor(() => factory.connections.length >= 2, 5_000, 'a reconnect after missed pongs');
    expect(first).to.not.equal(undefined);
    const backoff = link.emitted.find((e) => e.type === 'factory.link' && e.state === 'backoff');
    expect(backoff).to.deep.include({ reason: `factory server at ${factory.url}: no answer to a ping within 50 ms` });
  });

  it('closes the socket when the link stops', async () => {
    factory = await startFakeFactory();
    link = startLink({ factoryUrl: factory.url, deviceToken: TOKEN });
    await waitFor(() => link!.state() === 'connected', 5_000, 'connected');
    const closed = new Promise<number>((resolve) => factory.connections[0]!.socket.once('close', (code) => resolve(code)));
    link.actor.stop();
    expect(await closed).to.equal(1000);
  });

  it('deviceChannelUrl maps http(s) to ws(s), keeps a path prefix and encodes the token', () => {
    expect(deviceChannelUrl('http://f.local:8081', 'a.b.c')).to.equal('ws://f.local:8081/ws/device?token=a.b.c');
    expect(deviceChannelUrl('https://f.example.com/factory/', 'x y')).to.equal('wss://f.example.com/factory/ws/device?token=x+y');
  });
});
