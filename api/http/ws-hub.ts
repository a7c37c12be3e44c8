import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../src/runtime/logger.js';
import { refuseRawHttp } from '../../src/runtime/raw-http-refusal.js';
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
    }, this.options.logger);
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
 * Registers an `upgrade` listener that can never end the process. Node removes its own 'error'
 * listener from a socket it hands over for an upgrade, so a client that resets while we answer
 * would raise an uncaught error; and anything the listener throws (a URL that does not parse, a
 * library refusing a request) would escape from an event emitter. Both are caught here: the
 * socket gets a 400 and is closed.
 */
export function onUpgrade(server: Server, listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void, logger?: Logger): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!guardedSockets.has(socket)) {
      guardedSockets.add(socket);
      socket.on('error', () => socket.destroy());
    }
    try {
      listener(req, socket, head);
    } catch (error) {
      logger?.warn({ err: error, url: String(req.url).slice(0, 200) }, 'websocket upgrade refused: handler failed');
      refuseRawHttp(socket, 400, 'Malformed upgrade request');
    }
  });
}

const guardedSockets = new WeakSet<Duplex>();

/** The target of an upgrade request as a URL, or null when it does not parse (`//[`, `http://[`). */
export function upgradeTarget(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

/**
 * Takes the WebSocket upgrades for `path` on `server` (other paths are left to other hubs): the
 * token (`?token=`, since browsers cannot set headers on a WebSocket, or `Authorization: Bearer`)
 * goes through `authenticate`; if it throws, the upgrade is refused with 401, so a client can tell
 * a bad credential from a network failure. A target that does not parse is left to
 * refuseUnclaimedUpgrades (400).
 */
export function claimUpgrades<P>(
  server: Server,
  wss: WebSocketServer,
  path: string,
  authenticate: (token: string) => P,
  accept: (ws: WebSocket, principal: P, req: IncomingMessage) => void,
  logger?: Logger,
): void {
  onUpgrade(
    server,
    (req, socket, head) => {
      const url = upgradeTarget(req);
      if (url?.pathname !== path) return;
      let principal: P;
      try {
        const token = tokenFrom(req.headers as { authorization?: string }, url.searchParams);
        if (!token) throw new Error('missing token');
        principal = authenticate(token);
      } catch {
        refuseRawHttp(socket, 401, 'Missing or invalid token');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        // Past this point the socket speaks WebSocket: a failing handler closes it, never answers HTTP.
        try {
          accept(ws, principal, req);
        } catch (error) {
          logger?.error({ err: error, path }, 'websocket client could not be set up');
          ws.terminate();
        }
      });
    },
    logger,
  );
}

/** Refuses upgrades no hub claimed, so a wrong path fails fast instead of hanging; an unparseable target gets 400. */
export function refuseUnclaimedUpgrades(server: Server, paths: string[]): void {
  onUpgrade(server, (req, socket) => {
    const url = upgradeTarget(req);
    if (!url) refuseRawHttp(socket, 400, 'Malformed upgrade target');
    else if (!paths.includes(url.pathname)) refuseRawHttp(socket, 404, 'No WebSocket endpoint here');
  });
}
