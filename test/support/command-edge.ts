import { expect } from 'chai';
import { startTestEdge, type TestEdge } from './edge-harness.js';
import { type FakeFactory, startFakeFactory } from './fake-factory.js';
import { tempDir } from './temp-dir.js';
import { waitFor } from './wait-for.js';

export const FACTORY_TOKEN = 'factory-device-token-0123456789';

/**
 * An edge with a device channel to `factory` (DIRECT_CLOUD and not provisioned, so its outbox
 * stays put unless a test says otherwise), whose data dir survives `restart()` (a new process'
 * worth of edge on the same storage).
 */
export async function startCommandEdge(factory: FakeFactory, more: Record<string, unknown> = {}) {
  const { dir, cleanup } = tempDir('okto-edge-cmd-');
  const start = async () => {
    const t = await startTestEdge(
      {
        factory: { url: factory.url, deviceId: 'edge-cmd-1', deviceToken: FACTORY_TOKEN, heartbeatIntervalMs: 50, backoff: { baseMs: 20, maxMs: 200 } },
        sync: { pollIntervalMs: 50, backoff: { baseMs: 20, maxMs: 200 } },
        // Trusts the fake factory's firmware signing key, as an enrolled edge trusts its factory's.
        firmware: { trustedKeys: [factory.signingKey] },
        ...more,
      },
      { dataDir: dir },
    );
    return t;
  };
  let current: TestEdge | null = await start().catch((error: unknown) => {
    cleanup();
    throw error;
  });
  await factory.connected();
  return {
    get t(): TestEdge {
      if (!current) throw new Error('edge stopped');
      return current;
    },
    dataDir: dir,
    async restart(): Promise<TestEdge> {
      const running = current;
      current = null;
      await running?.stop();
      const hellos = factory.messages().filter((m) => m.type === 'hello').length;
      current = await start();
      await waitFor(() => factory.messages().filter((m) => m.type === 'hello').length > hellos, 10_000, 'a hello from the restarted edge');
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

export type CommandEdge = Awaited<ReturnType<typeof startCommandEdge>>;

/** POST /api/v1/scanner/scan as the operator; returns the decision. */
export async function scan(t: TestEdge, code: string): Promise<{ outcome: string; message: string | null }> {
  const res = await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body.data;
}

/**
 * The mocha hooks every command test needs: a fresh fake factory before each test; after it, the
 * test's edge (if it started one) and the factory closed. `start(more)` starts this test's edge;
 * `stopEdge()` disposes it early (a test that must clean up something of its own after the edge).
 */
export function useCommandEdge() {
  let factory: FakeFactory | undefined;
  let edge: CommandEdge | undefined;
  const stopEdge = async () => {
    const running = edge;
    edge = undefined;
    await running?.dispose();
  };
  beforeEach(async () => {
    factory = await startFakeFactory({ token: FACTORY_TOKEN });
  });
  afterEach(async () => {
    try {
      await stopEdge();
    } finally {
      await factory?.close();
      factory = undefined;
    }
  });
  return {
    get factory(): FakeFactory {
      if (!factory) throw new Error('no fake factory outside a test');
      return factory;
    },
    get edge(): CommandEdge {
      if (!edge) throw new Error('this test started no edge');
      return edge;
    },
    async start(more?: Record<string, unknown>): Promise<CommandEdge> {
      edge = await startCommandEdge(this.factory, more);
      return edge;
    },
    stopEdge,
  };
}
