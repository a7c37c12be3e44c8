import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  CHANNEL_CLOSE,
  channelMessage,
  type ChannelMessage,
  type ChannelMessageType,
  type ChannelPayload,
  type ConnectionSettings,
  decodeChannelMessage,
  DEVICE_CHANNEL_MAX_BYTES,
  encodeChannelMessage,
} from '../../src/domain/device-channel.js';
import type { Logger } from '../../src/runtime/logger.js';
import type { DevicePrincipal, DeviceTokenIssuer } from '../http/device-auth.js';
import { claimUpgrades } from '../http/ws-hub.js';


export interface DeviceSessionInfo {
  deviceId: string;
  connectedAt: string;
  remoteAddress: string | null;
  lastMessageAt: string | null;
  messagesReceived: number;
}

interface Session extends DeviceSessionInfo {
  ws: WebSocket;
}

export interface DeviceHubOptions {
  path: string;
  issuer: DeviceTokenIssuer;
  isCurrent: (device: DevicePrincipal) => boolean;
  logger: Logger;
  /** What a device is told when it connects. */
  welcome: () => { heartbeatIntervalMs: number; settings: ConnectionSettings };
  onOpen: (deviceId: string) => void;
  onMessage: (deviceId: string, message: ChannelMessage) => void;
  onClose: (deviceId: string) => void;
  pingIntervalMs?: number;
}

/**
 * `/ws/device`: one channel per device, authenticated by its current device token at the
 * upgrade (401 otherwise, so the edge knows not to retry with that token). Messages use the
 * versioned envelope of src/domain/device-channel.ts; a malformed one is answered with an
 * `error` message, never by dropping the device. A newer channel from the same device replaces
 * the older one; a revoked token closes its channel with 4401.
 */
export class DeviceHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: DEVICE_CHANNEL_MAX_BYTES });
  private readonly sessions = new Map<string, Session>();
  private readonly alive = new WeakSet<WebSocket>();
  private readonly ping: NodeJS.Timeout;

  constructor(private readonly options: DeviceHubOptions) {
    this.ping = setInterval(() => this.sweep(), options.pingIntervalMs ?? 30_000);
    this.ping.unref();
  }

  attach(server: Server): void {
    const authenticate = (token: string): DevicePrincipal => {
      const device = this.options.issuer.verify(token);
      if (!this.options.isCurrent(device)) throw new Error('revoked');
      return device;
    };
    claimUpgrades(server, this.wss, this.options.path, authenticate, (ws, device, req) => this.open(device.deviceId, ws, req.socket.remoteAddress ?? null), this.options.logger);
  }

  private open(deviceId: string, ws: WebSocket, remoteAddress: string | null) {
    const previous = this.sessions.get(deviceId);
    if (previous) {
      this.sessions.delete(deviceId);
      previous.ws.close(CHANNEL_CLOSE.REPLACED, 'replaced by a newer connection');
      // Its own close handler will not report it (it is no longer the device's session), so
      // report it here: the session counts open channels and would otherwise keep this one.
      this.options.onClose(deviceId);
    }
    const session: Session = { deviceId, ws, connectedAt: new Date().toISOString(), remoteAddress, lastMessageAt: null, messagesReceived: 0 };
    this.sessions.set(deviceId, session);
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      session.messagesReceived++;
      session.lastMessageAt = new Date().toISOString();
      this.alive.add(ws);
      const decoded = decodeChannelMessage(isBinary ? '' : data.toString());
      if (!decoded.ok) {
        this.send(ws, 'error', { code: decoded.code, message: decoded.message });
        return;
      }
      try {
        this.options.onMessage(deviceId, decoded.message);
      } catch (error) {
        this.options.logger.error({ err: error, deviceId, type: decoded.message.type }, 'device message handler failed');
        this.send(ws, 'error', { code: 'SERVER_ERROR', message: 'message could not be processed' }, decoded.message.id);
      }
    });
    ws.on('close', () => {
      // A replaced session's close must not mark the device's newer channel closed.
      if (this.sessions.get(deviceId) !== session) return;
      this.sessions.delete(deviceId);
      // Runs inside a socket event: a failing handler is logged, never thrown into the emitter.
      try {
        this.options.onClose(deviceId);
      } catch (error) {
        this.options.logger.error({ err: error, deviceId }, 'device channel close handler failed');
      }
    });
    this.options.onOpen(deviceId);
    const { heartbeatIntervalMs, settings } = this.options.welcome();
    this.send(ws, 'welcome', { deviceId, serverTime: new Date().toISOString(), heartbeatIntervalMs, settings });
  }

  /** Sends a message to one device; false when it has no open channel. */
  sendTo<T extends ChannelMessageType>(deviceId: string, type: T, payload: ChannelPayload<T>, correlationId?: string): boolean {
    const session = this.sessions.get(deviceId);
    if (!session || session.ws.readyState !== session.ws.OPEN) return false;
    this.send(session.ws, type, payload, correlationId);
    return true;
  }

  /** Sends the same message to every connected device; serialised once. */
  broadcast<T extends ChannelMessageType>(type: T, payload: ChannelPayload<T>): void {
    const text = encodeChannelMessage(channelMessage(type, payload));
    for (const session of this.sessions.values()) if (session.ws.readyState === session.ws.OPEN) session.ws.send(text);
  }

  /** Closes a device's channel because its token is no longer valid. */
  revoke(deviceId: string): void {
    const session = this.sessions.get(deviceId);
    session?.ws.close(CHANNEL_CLOSE.UNAUTHORIZED, 'device token revoked');
  }

  connected(): DeviceSessionInfo[] {
    return [...this.sessions.values()].map(({ ws: _ws, ...info }) => info).sort((a, b) => a.deviceId.localeCompare(b.deviceId));
  }

  isConnected(deviceId: string): boolean {
    return this.sessions.has(deviceId);
  }

  close(): void {
    clearInterval(this.ping);
    for (const session of this.sessions.values()) session.ws.close(CHANNEL_CLOSE.SHUTTING_DOWN, 'server shutting down');
    this.wss.close();
  }

  private send<T extends ChannelMessageType>(ws: WebSocket, type: T, payload: ChannelPayload<T>, correlationId?: string) {
    if (ws.readyState === ws.OPEN) ws.send(encodeChannelMessage(channelMessage(type, payload, correlationId)));
  }

  private sweep() {
    for (const session of this.sessions.values()) {
      if (!this.alive.has(session.ws)) {
        session.ws.terminate();
        continue;
      }
      this.alive.delete(session.ws);
      session.ws.ping();
    }
  }
}
