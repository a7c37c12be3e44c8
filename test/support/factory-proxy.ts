import http from 'node:http';
import net from 'node:net';

/**
 * A test-only stand-in for the network between an edge and its factory: an HTTP proxy that passes
 * everything through (requests, and the /ws/device upgrade as raw bytes) except firmware artifact
 * downloads, which a policy may cut midway (an interrupted download) or corrupt (a bad link:
 * the bytes arrive, with one of them wrong). The edge is pointed at `url` as its factory URL.
 */
export type ArtifactPolicy =
  /** Pass the download through untouched. */
  | { kind: 'pass' }
  /** Send the first `afterBytes` of the body, wait for `beforeCut` (e.g. the edge has stored some), then drop the connection. */
  | { kind: 'cut'; afterBytes: number; beforeCut?: () => Promise<void> }
  /** Flip one byte of the body (the length stays right, the sha256 does not). */
  | { kind: 'corrupt'; atByte: number };

export interface ArtifactRequest {
  range: string | null;
  status: number;
  contentRange: string | null;
  policy: ArtifactPolicy['kind'];
}

export interface FactoryProxy {
  url: string;
  /** Every artifact download that went through, in order. */
  artifactRequests: ArtifactRequest[];
  /**
   * The edge → factory direction of every open device channel stops (a link that went silent one
   * way: the edge's frames wait in the proxy, the channel stays open); `resumeUpstream` lets them
   * through, in order.
   */
  stallUpstream(): void;
  resumeUpstream(): void;
  close(): Promise<void>;
}

const ARTIFACT = /^\/api\/v1\/firmware\/releases\/[^/]+\/artifact(\?|$)/;

/** `policy` is asked for each artifact download in turn (0 = the first). */
export async function startFactoryProxy(target: string, policy: (index: number) => ArtifactPolicy = () => ({ kind: 'pass' })): Promise<FactoryProxy> {
  const upstream = new URL(target);
  const sockets = new Set<net.Socket>();
  const artifactRequests: ArtifactRequest[] = [];
  const tunnels = new Set<{ client: net.Socket; server: net.Socket }>();
  let stalled = false;

  const server = http.createServer((req, res) => {
    const headers = { ...req.headers, host: upstream.host };
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent: false }, (answer) => {
      const isArtifact = req.method === 'GET' && ARTIFACT.test(req.url ?? '') && (answer.statusCode === 200 || answer.statusCode === 206);
      const chosen: ArtifactPolicy = isArtifact ? policy(artifactRequests.length) : { kind: 'pass' };
      if (isArtifact) {
        artifactRequests.push({
          range: (req.headers.range as string | undefined) ?? null,
          status: answer.statusCode ?? 0,
          contentRange: (answer.headers['content-range'] as string | undefined) ?? null,
          policy: chosen.kind,
        });
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (chosen.kind === 'pass') {
        answer.pipe(res);
        return;
      }
      let offset = 0;
      let cutting = false;
      answer.on('data', (chunk: Buffer) => {
        if (cutting) return;
        if (chosen.kind === 'corrupt') {
          if (chosen.atByte >= offset && chosen.atByte < offset + chunk.length) {
            chunk = Buffer.from(chunk);
            chunk[chosen.atByte - offset] = chunk[chosen.atByte - offset]! ^ 0xff;
          }
          offset += chunk.length;
          res.write(chunk);
          return;
        }
        const room = chosen.afterBytes - offset;
        offset += chunk.length;
        if (room > chunk.length) {
          res.write(chunk);
          return;
        }
        // The cut: what was promised by Content-Length never all arrives.
        cutting = true;
        answer.destroy();
        res.write(chunk.subarray(0, Math.max(0, room)), () => {
          void (chosen.beforeCut?.() ?? Promise.resolve()).finally(() => res.socket?.destroy());
        });
      });
      answer.on('end', () => {
        if (!cutting) res.end();
      });
    });
    // Before an answer: the proxy has nothing to give. After one (a cut destroys it on purpose): nothing to add.
    forward.on('error', () => {
      if (!res.headersSent) res.socket?.destroy();
    });
    req.pipe(forward);
  });

  // The device channel: the upgrade request as it came, then bytes both ways.
  server.on('upgrade', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const server = net.connect(Number(upstream.port), upstream.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        lines.push(`${name}: ${name.toLowerCase() === 'host' ? upstream.host : req.rawHeaders[i + 1]}`);
      }
      server.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) server.write(head);
      server.pipe(client);
      if (!stalled) client.pipe(server);
    });
    const tunnel = { client, server };
    tunnels.add(tunnel);
    client.on('close', () => tunnels.delete(tunnel));
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        server.destroy();
      });
    }
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    artifactRequests,
    stallUpstream() {
      stalled = true;
      for (const { client, server } of tunnels) {
        client.unpipe(server);
        client.pause();
      }
    },
    resumeUpstream() {
      stalled = false;
      for (const { client, server } of tunnels) client.pipe(server);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
