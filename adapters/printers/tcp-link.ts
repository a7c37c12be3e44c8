import net from 'node:net';

/**
 * The socket under every printer driver: dials with a connect timeout, keeps the connection alive,
 * and reports exactly one terminal failure (refused, timed out, reset, closed by the printer).
 * Drivers own the protocol; the printer machine owns the retry policy.
 */
export interface TcpLinkOptions {
  host: string;
  port: number;
  connectTimeoutMs: number;
  onConnected(peer: string): void;
  onData(chunk: Buffer): void;
  /** Called once; nothing else is called afterwards. */
  onFailed(reason: string): void;
}

export interface TcpLink {
  write(data: string | Buffer): void;
  /** Closes without reporting a failure (the owner is going away). */
  close(): void;
  /** Ends the connection as failed (a protocol problem the driver cannot recover from). */
  fail(reason: string): void;
}

// Detects a printer that vanished without a FIN (power cut, unplugged cable) within about a minute.
const KEEPALIVE_DELAY_MS = 10_000;

export function dialTcp(options: TcpLinkOptions): TcpLink {
  let done = false;
  const socket = net.connect({ host: options.host, port: options.port });
  const finish = (reason: string | null) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.destroy();
    if (reason !== null) options.onFailed(reason);
  };
  const timer = setTimeout(() => finish(`connect timeout after ${options.connectTimeoutMs} ms to ${options.host}:${options.port}`), options.connectTimeoutMs);
  socket.once('connect', () => {
    clearTimeout(timer);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
    if (!done) options.onConnected(`${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`);
  });
  socket.on('data', (chunk: Buffer) => {
    if (done) return;
    // A driver that fails on what the printer sent ends this connection, never the process.
    try {
      options.onData(chunk);
    } catch (error) {
      finish(`the driver could not handle the printer's answer: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  socket.on('error', (error: NodeJS.ErrnoException) => finish(`${error.code ?? 'error'}: ${error.message}`));
  socket.on('close', () => finish('the printer closed the connection'));
  return {
    write(data) {
      if (!done) socket.write(data);
    },
    close: () => finish(null),
    fail: (reason) => finish(reason),
  };
}
