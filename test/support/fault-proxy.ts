import net from 'node:net';

/**
 * What the network between two services does to TCP connections:
 * - pass: bytes go through both ways;
 * - reset: every open connection is cut and new ones are reset at once (a peer that crashed);
 * - blackhole: connections are accepted and never answered — what is sent is swallowed, nothing
 *   comes back, nothing is closed (a firewall dropping packets, a peer hung with its socket open).
 *   Open tunnels go silent the same way. Only the client's own timeouts get it out.
 */
export type LinkFault = 'pass' | 'reset' | 'blackhole';

export interface FaultProxy {
  /** http://127.0.0.1:PORT: give it to the client in place of the target's URL. */
  url: string;
  port: number;
  fault: LinkFault;
  set(fault: LinkFault): void;
  /** Connections accepted while each fault was on (the client's attempts). */
  accepted: Record<LinkFault, number>;
  close(): Promise<void>;
}

/** A TCP proxy on port 0 in front of `target` (host:port), passing everything until told otherwise. */
export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const tunnels = new Set<{ client: net.Socket; upstream: net.Socket | null }>();
  const holes = new Set<net.Socket>();
  const accepted: Record<LinkFault, number> = { pass: 0, reset: 0, blackhole: 0 };
  let fault: LinkFault = 'pass';

  const swallow = (socket: net.Socket) => {
    holes.add(socket);
    socket.removeAllListeners('data');
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.once('close', () => holes.delete(socket));
  };

  const server = net.createServer((client) => {
    accepted[fault]++;
    client.on('error', () => undefined);
    if (fault === 'reset') return void client.resetAndDestroy();
    if (fault === 'blackhole') return swallow(client);
    const tunnel = { client, upstream: null as net.Socket | null };
    tunnels.add(tunnel);
    const upstream = net.connect(target.port, target.host);
    tunnel.upstream = upstream;
    upstream.on('error', () => client.destroy());
    client.on('close', () => {
      tunnels.delete(tunnel);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => client.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get fault() {
      return fault;
    },
    accepted,
    set(next) {
      fault = next;
      if (next === 'pass') return;
      for (const tunnel of [...tunnels]) {
        tunnels.delete(tunnel);
        if (next === 'reset') {
          tunnel.client.resetAndDestroy();
          tunnel.upstream?.destroy();
        } else {
          // The link goes silent both ways; the target's end is let go (it may notice, the client must not).
          tunnel.upstream?.removeAllListeners('data');
          tunnel.upstream?.removeAllListeners('close');
          tunnel.upstream?.destroy();
          swallow(tunnel.client);
        }
      }
    },
    async close() {
      for (const tunnel of tunnels) {
        tunnel.client.destroy();
        tunnel.upstream?.destroy();
      }
      for (const socket of holes) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
