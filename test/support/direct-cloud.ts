import { expect } from 'chai';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../../src/cloud-sim/seed.js';
import { type CloudSim, startCloudSim } from '../../src/cloud-sim/server.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { expectData } from './api-expect.js';
import { startTestEdge, type TestEdge } from './edge-harness.js';
import { tempDir } from './temp-dir.js';
import { waitFor } from './wait-for.js';

/** Config overrides that make an edge sync to `sim` quickly: short polls and backoff, a short cloud timeout. */
export const directCloudOverrides = (sim: CloudSim, more: Record<string, unknown> = {}) => ({
  cloud: { url: sim.url, timeoutMs: 3_000 },
  sync: { pollIntervalMs: 50, backoff: { baseMs: 20, maxMs: 200 } },
  ...more,
});

export const startSim = () => startCloudSim({ port: 0, host: '127.0.0.1', logger: silentLogger });

export interface RestartableEdge {
  /** The edge running now (a new one after each restart). */
  readonly t: TestEdge;
  readonly dataDir: string;
  /** Graceful stop and a new edge on the same data dir (what a restart finds). */
  restart(): Promise<TestEdge>;
  /** Stops the edge and removes its data dir. */
  dispose(): Promise<void>;
}

/** An edge talking to `sim` whose data dir survives restarts. */
export async function startRestartableEdge(sim: CloudSim, more: Record<string, unknown> = {}): Promise<RestartableEdge> {
  const { dir, cleanup } = tempDir('okto-edge-dc-');
  const start = () => startTestEdge(directCloudOverrides(sim, more), { dataDir: dir });
  let current: TestEdge | null;
  try {
    current = await start();
  } catch (error) {
    cleanup();
    throw error;
  }
  return {
    get t() {
      if (!current) throw new Error('edge stopped');
      return current;
    },
    dataDir: dir,
    async restart() {
      const running = current;
      current = null;
      await running?.stop();
      current = await start();
      return current;
    },
    async dispose() {
      const running = current;
      current = null;
      try {
        await running?.stop();
      } finally {
        cleanup();
      }
    },
  };
}

/** Signs the edge in with the demo cloud account and activates `deviceId` through its API. */
export async function provisionThroughApi(t: TestEdge, deviceId = 'device-001'): Promise<any> {
  const signIn = await t.request('POST', '/api/v1/provision/signin', { token: t.tokens.manager, body: { email: DEMO_EMAIL, password: DEMO_PASSWORD } });
  expect(expectData(signIn)).to.deep.equal({ status: 'SIGNED_IN', cloudAccount: DEMO_EMAIL });
  const activate = await t.request('POST', '/api/v1/provision/activate', { token: t.tokens.manager, body: { deviceId } });
  expectData(activate);
  return activate.body;
}

/** GET with the operator's token; returns `data` after checking the success envelope. */
export async function getData(t: TestEdge, path: string): Promise<any> {
  return expectData(await t.request('GET', path, { token: t.tokens.operator }));
}

/** Waits until the edge's outbox is empty. */
export async function waitForEmptyQueue(t: TestEdge, timeoutMs = 20_000): Promise<any> {
  let last: unknown;
  return waitFor(
    async () => {
      const status = await getData(t, '/api/v1/sync/status');
      last = status;
      return status.queueSize === 0 ? status : null;
    },
    timeoutMs,
    () => `an empty sync queue (last status ${JSON.stringify(last)})`,
  );
}

/** The simulator's admin statistics. */
export async function simStats(sim: CloudSim): Promise<any> {
  const res = await fetch(`${sim.url}/admin/stats`);
  const body = (await res.json()) as { data: unknown };
  return body.data;
}

/** POST to the simulator's admin API; returns `data`. */
export async function simAdmin(sim: CloudSim, path: string, json?: unknown): Promise<any> {
  const res = await fetch(`${sim.url}/admin${path}`, {
    method: 'POST',
    headers: json === undefined ? {} : { 'content-type': 'application/json' },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const body = (await res.json()) as { success: boolean; data: unknown };
  expect(res.status, JSON.stringify(body)).to.equal(200);
  return body.data;
}
