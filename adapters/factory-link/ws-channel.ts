import { fromCallback } from 'xstate';
import WebSocket from 'ws';
import { CHANNEL_CLOSE_UNAUTHORIZED, type ChannelCommand, type ChannelEvent } from '../../src/domain/ports/channel-transport.js';
import { channelMessage, decodeChannelMessage, DEVICE_CHANNEL_MAX_BYTES, encodeChannelMessage } from '../../src/domain/device-channel.js';
import { describeNetworkError } from '../cloud/network-errors.js';

/**
 * The real device channel: one `ws` client to `{factoryUrl}/ws/device?token=…`, living as long as
 * the factory link's `link` state (stopping the actor closes the socket). It speaks only the
 * envelope of src/domain/device-channel.ts, and reports exactly one `channel.closed` per socket,
 * whatever way it ended (refused, HTTP error on the upgrade, closed by the server, dead peer).
 */
export interface WsChannelConfig {
  /** The factory server's base URL, http(s)://host:port[/prefix]. */
  factoryUrl: string;
  /** The device JWT; null/empty = not configured (reported as unauthorized without dialling). */
  deviceToken: string | null | undefined;
  /** Opening handshake deadline. Default 10 s. */
  handshakeTimeoutMs?: number;
  /**
   * WebSocket ping interval: a peer that misses a pong for a whole interval is taken for dead.
   * Without it a half-open TCP connection (a pulled cable) looks connected for ever. Default 15 s; 0 = off.
   */
  pingIntervalMs?: number;
}

export const DEVICE_CHANNEL_PATH = '/ws/device';

/** The channel's ws(s) URL for a factory base URL (http → ws, https → wss, any path prefix kept). */
export function deviceChannelUrl(factoryUrl: string, token: string): string {
  const url = new URL(factoryUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${DEVICE_CHANNEL_PATH}`;
  url.search = '';
  url.searchParams.set('token', token);
  return url.toString();
}

export const wsDeviceChannel = fromCallback<ChannelCommand, WsChannelConfig, ChannelEvent>(({ input, sendBack, receive }) => {
  let ended = false;
  const report = (event: ChannelEvent) => {
    if (ended) return;
    if (event.type === 'channel.closed') ended = true;
    sendBack(event);
  };

  const token = input.deviceToken ?? '';
  if (!token) {
    // Nothing to dial with: the server would refuse it anyway. Reported on the next tick so the
    // machine has finished entering the state that invoked us.
    const timer = setImmediate(() => report({ type: 'channel.closed', code: CHANNEL_CLOSE_UNAUTHORIZED, reason: 'no device token configured (FACTORY_DEVICE_TOKEN)' }));
    return () => clearImmediate(timer);
  }

  // Messages must never carry the token (it is in the URL's query).
  const scrub = (text: string) => (token.length >= 8 ? text.split(token).join('[redacted]') : text);
  const shown = new URL(input.factoryUrl).origin;
  let httpStatus: number | undefined;
  let lastError: string | null = null;

  const socket = new WebSocket(deviceChannelUrl(input.factoryUrl, token), {
    maxPayload: DEVICE_CHANNEL_MAX_BYTES,
    handshakeTimeout: input.handshakeTimeoutMs ?? 10_000,
  });

  socket.on('unexpected-response', (_request, response) => {
    httpStatus = response.statusCode;
    response.resume();
    // Ends the handshake; ws then emits 'error' and 'close' (1006), which report it.
    socket.terminate();
  });
  socket.on('error', (error) => {
    lastError = scrub(describeNetworkError(error));
  });
  socket.on('open', () => report({ type: 'channel.open' }));
  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      report({ type: 'channel.invalid', reason: 'binary frame (the device channel is text only)' });
      return;
    }
    const decoded = decodeChannelMessage(data.toString());
    report(decoded.ok ? { type: 'channel.message', message: decoded.message } : { type: 'channel.invalid', reason: `${decoded.code}: ${decoded.message}` });
  });

  let alive = true;
  socket.on('pong', () => {
    alive = true;
  });
  const pingEvery = input.pingIntervalMs ?? 15_000;
  const pinger =
    pingEvery > 0
      ? setInterval(() => {
          if (socket.readyState !== WebSocket.OPEN) return;
          if (!alive) {
            lastError = `no answer to a ping within ${pingEvery} ms`;
            socket.terminate();
            return;
          }
          alive = false;
          socket.ping();
        }, pingEvery)
      : null;
  pinger?.unref();

  socket.on('close', (code, reasonBuffer) => {
    if (pinger) clearInterval(pinger);
    const said = scrub(reasonBuffer.toString()).slice(0, 200);
    if (httpStatus !== undefined) {
      const why = httpStatus === 401 || httpStatus === 403 ? 'factory server refused the device token' : 'factory server refused the channel';
      report({ type: 'channel.closed', code: null, reason: `${why} at ${shown}`, httpStatus });
      return;
    }
    // 1006: no close frame (network error, refused, terminated); the error says more than the code.
    if (code === 1006) {
      report({ type: 'channel.closed', code: null, reason: `factory server at ${shown}: ${lastError ?? 'connection lost'}` });
      return;
    }
    report({ type: 'channel.closed', code, reason: `factory server at ${shown} closed the channel${said ? `: ${said}` : ''}` });
  });

  receive((command) => {
    if (command.type !== 'channel.send' || socket.readyState !== WebSocket.OPEN) return;
    socket.send(encodeChannelMessage(channelMessage(command.messageType, command.payload as never)));
  });

  return () => {
    ended = true;
    if (pinger) clearInterval(pinger);
    if (socket.readyState === WebSocket.OPEN) socket.close(1000, 'edge closing the channel');
    else socket.terminate();
  };
});
