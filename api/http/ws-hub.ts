import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../src/runtime/logger.js';
import { type Principal, type TokenIssuer, tokenFrom } from './auth.js';

export interface WsHubOptions {
  path: string;
  issuer: TokenIssuer;
  logger: Logger;
  /** A client that has this much unsent data is too slow for a live feed and is dropped. */
  maxBufferedBytes?: number;
  pingIntervalMs?: number;
}

/**
 * A broadcast-only WebSocket endpoint for user tokens: `?token=` (browsers cannot set headers on
 * a WebSocket) or `Authorization: Bearer`. A bad token is refused at the upgrade with 401.
 */
export class WsHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly alive = new WeakSet<WebSocket>();
  private readonly ping: NodeJS.Timeout;
  /** Whose token each client opened with; a revoked or expired token closes the socket (4401). */
  private readonly principals = new Map<WebSocket, Principal>();
  private readonly offRevoked: () => void;

  constructor(private readonly options: WsHubOptions) {
    this.ping = setInterval(() => this.sweep(), options.pingIntervalMs ?? 30_000);
    this.ping.unref();
    this.offRevoked = options.issuer.onRevoked((userId) => this.closeWhere((p) => p.userId === userId, 'token revoked'));
  }

  /** Claims upgrades for our path on `server`; other paths are left for other hubs (or refused). */
  attach(server: Server): void {
    claimUpgrades(server, this.wss, this.options.path, (token) => this.options.issuer.verify(token), (ws, principal: Principal) => {
      this.alive.add(ws);
      this.principals.set(ws, principal);
      const expiry = principal.expiresAt === undefined ? null : setTimeout(() => ws.close(4401, 'token expired'), Math.min(2 ** 31 - 1, Math.max(0, principal.expiresAt - Date.now())));
      expiry?.unref();
      ws.on('close', () => {
        if (expiry) clearTimeout(expiry);
        this.principals.delete(ws);
      });
      ws.on('pong', () => this.alive.add(ws));
      ws.on('error', () => ws.terminate());
      this.options.logger.debug({ user: principal.username, path: this.options.path }, 'websocket client connected');
    });
  }

  /** Closes (4401) every client whose principal matches: a user's sessions were revoked. */
  closeWhere(predicate: (principal: Principal) => boolean, reason: string): number {
    let closed = 0;
    for (const [ws, principal] of this.principals) {
      if (!predicate(principal)) continue;
      ws.close(4401, reason);
      closed++;
    }
    return closed;
  }

  get clientCount(): number {
    return this.wss.clients.size;
  }

  /** Sends one message to every client; serialised once whatever the number of clients. */
  broadcast(message: { type: string; data: unknown }): void {
    if (this.wss.clients.size === 0) return;
    const text = JSON.stringify(message);
    const limit = this.options.maxBufferedBytes ?? 1024 * 1024;
    for (const client of this.wss.clients) {
      if (client.readyState !== client.OPEN) continue;
      if (client.bufferedAmount > limit) {
        this.options.logger.warn({ path: this.options.path }, 'dropping slow websocket client');
        client.terminate();
        continue;
      }
      client.send(text);
    }
  }

  close(): void {
    clearInterval(this.ping);
    this.offRevoked();
    for (const client of this.wss.clients) client.close(1001, 'server shutting down');
    this.wss.close();
  }

  private sweep() {
    for (const client of this.wss.clients) {
      if (!this.alive.has(client)) {
        client.terminate();
        continue;
      }
      this.alive.delete(client);
      client.ping();
    }
  }
}

/**
 * Takes the WebSocket upgrades for `path` on `server` (other paths are left to other hubs): the
 * token (`?token=`, since browsers cannot set headers on a WebSocket, or `Authorization: Bearer`)
 * goes through `authenticate`; if it throws, the upgrade is refused with 401, so a client can tell
 * a bad credential from a network failure.
 */
export function claimUpgrades<P>(
  server: Server,
  wss: WebSocketServer,
  path: string,
  authenticate: (token: string) => P,
  accept: (ws: WebSocket, principal: P, req: IncomingMessage) => void,
): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) return;
    let principal: P;
    try {
      const token = tokenFrom(req.headers as { authorization?: string }, url.searchParams);
      if (!token) throw new Error('missing token');
      principal = authenticate(token);
    } catch {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, principal, req));
  });
}

/** Refuses upgrades no hub claimed, so a wrong path fails fast instead of hanging. */
export function refuseUnclaimedUpgrades(server: Server, paths: string[]): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!paths.includes(pathname)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
}
