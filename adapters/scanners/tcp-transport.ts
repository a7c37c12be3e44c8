import net from 'node:net';
import { fromCallback } from 'xstate';
import { addressInCidrs, DEFAULT_PRIVATE_CIDRS, parseCidr } from '../../src/domain/net/cidr.js';
import { FrameDecoder } from './frame-decoder.js';
import type { FramingConfig } from './framing.js';
import type { TransportCommand, TransportEvent } from '../../src/domain/ports/scanner-transport.js';
import { createQueryTracker, type QueryTracker } from './query-tracker.js';

export interface TcpScannerConfig {
  /** 'connect': the edge dials a listening reader (Cognex DMCC port 23). 'listen': the reader pushes to us. */
  mode: 'connect' | 'listen';
  host: string;
  /** listen mode: 0 binds any free port, reported by `transport.listening`. */
  port: number;
  framing: FramingConfig;
  /** connect mode: give up on a connect attempt after this long (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Written to the reader on `transport.trigger`, e.g. '||>TRIGGER ON\r\n' (Cognex DMCC). */
  trigger?: string;
  /** How long `transport.query` waits for the answer (default 2000 ms). */
  queryTimeoutMs?: number;
  /** listen mode: the addresses (CIDRs) a reader may connect from; default DEFAULT_PRIVATE_CIDRS (loopback, private, link-local). */
  allowFrom?: readonly string[];
  /** listen mode: a new connection takes over from a live reader (default false: it is refused). */
  replacePeer?: boolean;
  /** listen mode: a reader that sent nothing for this long counts as dead and may be replaced (default 60000 ms). */
  peerIdleMs?: number;
}

export type { TransportCommand, TransportEvent } from '../../src/domain/ports/scanner-transport.js';

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const DEFAULT_PEER_IDLE_MS = 60_000;
// A flood of refused connections must not become a flood of log lines.
const REFUSAL_REPORT_INTERVAL_MS = 5_000;

const corked = new WeakSet<net.Socket>();
/**
 * Writes, gathering everything written in the same tick into one send: a group commit releases
 * hundreds of decisions at once, and one syscall per reply line would cost more than the commit.
 */
function writeCoalesced(socket: net.Socket, data: string): void {
  if (!corked.has(socket)) {
    corked.add(socket);
    socket.cork();
    process.nextTick(() => {
      corked.delete(socket);
      socket.uncork();
    });
  }
  socket.write(data);
}
// Detects a reader that vanished without a FIN (power cut, unplugged cable) within about a minute.
const KEEPALIVE_DELAY_MS = 10_000;

/**
 * A scanner connection as XState callback logic. It owns the socket (and the server in listen
 * mode); the invoking scanner machine owns retry policy. Events stop after `transport.failed`
 * and after cleanup, so the owner never sees a late event from a dead connection.
 */
export const tcpScannerTransport = fromCallback<TransportCommand, TcpScannerConfig, TransportEvent>(
  ({ input, sendBack, receive }) => {
    let done = false; // failed or cleaned up: nothing more goes to the owner
    const send = (event: TransportEvent): void => {
      if (!done) sendBack(event);
    };
    const fail = (reason: string): void => {
      send({ type: 'transport.failed', reason });
      done = true;
    };
    const queries = createQueryTracker(send, input.queryTimeoutMs);
    const connection = input.mode === 'connect' ? dial(input, send, fail, queries) : listen(input, send, fail, queries);
    receive((command) => {
      if (done) return;
      if (command.type === 'transport.write') connection.write(command.data);
      else if (command.type === 'transport.trigger' && input.trigger) connection.write(input.trigger);
      else if (command.type === 'transport.query') {
        queries.started();
        connection.write(command.data);
      }
    });
    return () => {
      done = true;
      queries.dispose();
      connection.close();
    };
  },
);

interface Connection {
  /** Writes to the current peer; dropped when there is none (a reply to a gone reader is moot). */
  write(data: string): void;
  close(): void;
}

type Send = (event: TransportEvent) => void;

function peerName(socket: net.Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
}

function tune(socket: net.Socket): void {
  socket.setNoDelay(true);
  socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
}

/** Feeds socket bytes through a fresh decoder (framing state never spans two connections). */
function pipeFrames(socket: net.Socket, framing: FramingConfig, send: Send, queries: QueryTracker): () => void {
  const decoder = new FrameDecoder(framing);
  socket.on('data', (chunk: Buffer) => {
    // Bytes from the network must never end the process: a decoder that fails on them ends this
    // connection (reported through 'error' and 'close' like any other failure), nothing more.
    try {
      for (const frame of decoder.push(chunk)) if (!queries.intercept(frame)) send({ type: 'transport.frame', frame });
    } catch (error) {
      socket.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  });
  return () => {
    for (const frame of decoder.flush()) send({ type: 'transport.frame', frame });
  };
}

function dial(config: TcpScannerConfig, send: Send, fail: (reason: string) => void, queries: QueryTracker): Connection {
  const socket = net.connect({ host: config.host, port: config.port });
  let connected = false;
  let lastError: string | null = null;
  const timeoutMs = config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const timer = setTimeout(() => {
    fail(`connect timeout after ${timeoutMs} ms to ${config.host}:${config.port}`);
    socket.destroy();
  }, timeoutMs);
  const flush = pipeFrames(socket, config.framing, send, queries);
  socket.once('connect', () => {
    clearTimeout(timer);
    connected = true;
    tune(socket);
    send({ type: 'transport.connected', peer: peerName(socket) });
  });
  // 'error' is always followed by 'close': report once, with the error's reason.
  socket.on('error', (err: NodeJS.ErrnoException) => {
    lastError = err.code ? `${err.code}: ${err.message}` : err.message;
  });
  socket.once('close', () => {
    clearTimeout(timer);
    if (connected) flush();
    fail(lastError ?? (connected ? 'connection closed by scanner' : 'connection closed before connect'));
  });
  return {
    write(data) {
      if (connected && !socket.destroyed) writeCoalesced(socket, data);
    },
    close() {
      clearTimeout(timer);
      socket.destroy();
    },
  };
}

/**
 * listen mode: one reader at a time, from an allowed address. A connection from elsewhere is
 * closed at once. A second connection while a reader is live is refused too (anyone on the
 * network could otherwise take over the line's reader and inject codes), unless the live one is
 * dead: closed, or silent for `peerIdleMs` (a reader that rebooted reconnects before TCP
 * keepalive notices the old socket is gone), or the scanner is configured `replacePeer: true`.
 */
function listen(config: TcpScannerConfig, send: Send, fail: (reason: string) => void, queries: QueryTracker): Connection {
  const server = net.createServer();
  const allowFrom = (config.allowFrom ?? DEFAULT_PRIVATE_CIDRS).map((text) => parseCidr(text));
  const allowed = (address: string | undefined) => address !== undefined && addressInCidrs(address, allowFrom);
  const idleMs = config.peerIdleMs ?? DEFAULT_PEER_IDLE_MS;
  let peer: net.Socket | null = null;
  let lastHeardAt = 0;
  let lastRefusalReportAt = -Infinity;
  let refusalsNotReported = 0;

  const refuse = (socket: net.Socket, reason: string) => {
    socket.on('error', () => undefined);
    socket.destroy();
    const now = Date.now();
    if (now - lastRefusalReportAt < REFUSAL_REPORT_INTERVAL_MS) {
      refusalsNotReported++;
      return;
    }
    const more = refusalsNotReported > 0 ? ` (and ${refusalsNotReported} more refused since the last report)` : '';
    lastRefusalReportAt = now;
    refusalsNotReported = 0;
    send({ type: 'transport.refused', peer: peerName(socket), reason: `${reason}${more}` });
  };

  server.on('connection', (socket) => {
    if (!allowed(socket.remoteAddress)) {
      refuse(socket, `${socket.remoteAddress ?? 'an unknown address'} is not in allowFrom`);
      return;
    }
    if (peer) {
      const silentMs = Date.now() - lastHeardAt;
      if (!config.replacePeer && !peer.destroyed && silentMs < idleMs) {
        refuse(socket, `a reader is connected from ${peerName(peer)} (heard from ${silentMs} ms ago); set replacePeer to let a new connection take over`);
        return;
      }
      const old = peer;
      peer = null;
      old.destroy();
      const why = config.replacePeer ? 'replacePeer is set' : `the old one was silent for ${silentMs} ms`;
      send({ type: 'transport.peerLost', reason: `replaced by a new connection from ${peerName(socket)} (${why})` });
    }
    peer = socket;
    lastHeardAt = Date.now();
    tune(socket);
    socket.on('data', () => {
      lastHeardAt = Date.now();
    });
    const flush = pipeFrames(socket, config.framing, send, queries);
    let lastError: string | null = null;
    socket.on('error', (err: NodeJS.ErrnoException) => {
      lastError = err.code ? `${err.code}: ${err.message}` : err.message;
    });
    socket.once('close', () => {
      if (peer !== socket) return; // replaced: already reported
      peer = null;
      flush();
      send({ type: 'transport.peerLost', reason: lastError ?? 'scanner closed the connection' });
    });
    send({ type: 'transport.connected', peer: peerName(socket) });
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    fail(err.code ? `${err.code}: ${err.message}` : err.message);
  });
  server.listen(config.port, config.host, () => {
    const address = server.address();
    send({ type: 'transport.listening', port: typeof address === 'object' && address ? address.port : config.port });
  });

  return {
    write(data) {
      if (peer && !peer.destroyed) writeCoalesced(peer, data);
    },
    close() {
      const current = peer;
      peer = null;
      current?.destroy();
      server.close();
    },
  };
}
