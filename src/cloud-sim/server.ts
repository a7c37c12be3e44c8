import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../runtime/logger.js';
import { createCloudApp } from './cloud-app.js';
import { CloudStore } from './cloud-store.js';
import { FaultController } from './faults.js';
import { DEMO_SEED, type CloudSeed } from './seed.js';

export interface CloudSimOptions {
  /** 0 = any free port. */
  port: number;
  host: string;
  logger: Logger;
  /** Defaults to the demo seed (company-001, demo@okto.cloud). */
  seed?: CloudSeed;
}

export interface CloudSim {
  port: number;
  /** Base URL for the cloud client, e.g. http://127.0.0.1:8090 */
  url: string;
  store: CloudStore;
  /** In-process fault control; unlike the admin API it can lift `refuse` at any time. */
  faults: FaultController;
  close(): Promise<void>;
}

const REOPEN_ATTEMPTS = 50;
const REOPEN_RETRY_MS = 100;

/** Starts the simulated OKTO Cloud on loopback (or wherever `host` says). */
export async function startCloudSim(options: CloudSimOptions): Promise<CloudSim> {
  const { logger } = options;
  const store = await CloudStore.create(options.seed ?? DEMO_SEED);
  const faults = new FaultController();
  const handle = createCloudApp({ store, faults, logger }).callback();
  let refusing = false;
  let closing = false;

  const server = http.createServer((req, res) => {
    // A kept-alive connection opened before the refusal must not slip a request through.
    if (refusing) {
      req.socket.destroy();
      return;
    }
    res.once('finish', () => {
      if (refusing) req.socket.end();
    });
    void handle(req, res);
  });
  // Keep-alive sockets must not hold shutdown hostage.
  server.keepAliveTimeout = 5_000;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      server.once('error', onError);
      server.listen(port, options.host, () => {
        server.off('error', onError);
        resolve();
      });
    });

  let port = options.port;
  await listen();
  port = (server.address() as AddressInfo).port;

  const stopListening = () => {
    refusing = true;
    server.close();
    server.closeIdleConnections();
    logger.warn({ port }, 'fault: refusing connections');
  };

  const resumeListening = async () => {
    refusing = false;
    for (let attempt = 1; attempt <= REOPEN_ATTEMPTS && !closing && !server.listening; attempt++) {
      try {
        await listen();
        logger.info({ port }, 'fault cleared: accepting connections again');
        return;
      } catch (error) {
        logger.warn({ err: error, port, attempt }, 'could not re-open the listener yet');
        await new Promise((resolve) => setTimeout(resolve, REOPEN_RETRY_MS));
      }
    }
    if (!closing && !server.listening) logger.error({ port }, 'gave up re-opening the listener');
  };

  faults.subscribe((mode, previous) => {
    if (closing) return;
    if (mode === 'refuse') stopListening();
    else if (previous === 'refuse') void resumeListening();
  });

  return {
    port,
    url: `http://${urlHost(options.host)}:${port}`,
    store,
    faults,
    async close() {
      if (closing) return;
      closing = true;
      faults.dispose(); // wakes delayed requests, which then cut their connections
      const closed = server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
      server.closeAllConnections();
      await closed;
    },
  };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
