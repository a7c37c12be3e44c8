import { expect } from 'chai';
import { expectData } from './api-expect.js';
import { startTestEdge, type TestEdge } from './edge-harness.js';
import type { TestFactory } from './factory-harness.js';
import { tempDir } from './temp-dir.js';
import { waitFor } from './wait-for.js';

/**
 * Real edges enrolled at a real factory, for the fleet end-to-end tests: each cabinet is
 * registered (and its token issued) up front, and can be started, stopped and started again on
 * the same data (a cabinet switched off and on). They reach the factory over /ws/device at
 * `factoryUrl` (the factory itself, or a proxy in front of it).
 */
// Generous: these bound a hang on a loaded 2-core machine, they are not expectations of speed.
export const SETTLE_MS = 60_000;

export interface Cabinet {
  deviceId: string;
  token: string;
  dataDir: string;
  running: boolean;
  /** The running edge (throws when it is stopped). */
  readonly t: TestEdge;
  start(): Promise<TestEdge>;
  stop(): Promise<void>;
}

export interface CabinetOptions {
  /** Where the edge finds its factory (default: the factory itself). */
  factoryUrl?: string;
  /** Merged into the edge's configuration. */
  config?: Record<string, unknown>;
  /** VIA_LOCAL_SERVER by default; DIRECT_CLOUD without provisioning keeps the outbox put (the link still connects). */
  mode?: 'VIA_LOCAL_SERVER' | 'DIRECT_CLOUD';
}

export function createFleet(factory: () => TestFactory) {
  const cabinets: Cabinet[] = [];

  async function enrolCabinet(deviceId: string, options: CabinetOptions = {}): Promise<Cabinet> {
    const f = factory();
    const token = await f.enrol(deviceId, { lineId: 'line-001' });
    // As an integrator does: the edge trusts the factory's firmware signing key.
    const signingKey = (await f.request('GET', '/api/v1/firmware/signing-key', { token: f.tokens.manager })).body.data as { id: string; publicKeyPem: string };
    const { dir, cleanup } = tempDir('okto-fleet-edge-');
    let current: TestEdge | null = null;
    const cabinet: Cabinet = {
      deviceId,
      token,
      dataDir: dir,
      get running() {
        return current !== null;
      },
      get t(): TestEdge {
        if (!current) throw new Error(`edge ${deviceId} is not running`);
        return current;
      },
      async start() {
        if (current) return current;
        current = await startTestEdge(
          {
            connection: { mode: options.mode ?? 'VIA_LOCAL_SERVER' },
            factory: { url: options.factoryUrl ?? f.url, deviceId, deviceToken: token, heartbeatIntervalMs: 500, backoff: { baseMs: 50, maxMs: 500 } },
            sync: { pollIntervalMs: 200, backoff: { baseMs: 50, maxMs: 500 } },
            firmware: { trustedKeys: [{ id: signingKey.id, publicKey: signingKey.publicKeyPem }] },
            ...(options.config ?? {}),
          },
          { dataDir: dir },
        );
        return current;
      },
      async stop() {
        const running = current;
        current = null;
        await running?.stop();
      },
    };
    (cabinet as Cabinet & { cleanup: () => void }).cleanup = cleanup;
    cabinets.push(cabinet);
    return cabinet;
  }

  return {
    enrolCabinet,
    /** Stops every edge still running and removes their data. */
    async disposeAll() {
      for (const cabinet of cabinets.splice(0)) {
        await cabinet.stop().catch(() => undefined);
        (cabinet as Cabinet & { cleanup: () => void }).cleanup();
      }
    },
  };
}

/** The factory's view of a device: waits until its channel is open. */
export async function waitConnected(f: TestFactory, deviceId: string): Promise<void> {
  await waitFor(
    async () => (await f.request('GET', `/api/v1/devices/${deviceId}`, { token: f.tokens.operator })).body?.data?.connected === true,
    SETTLE_MS,
    `${deviceId} to be connected to the factory`,
  );
}

/** POST /devices/{id}/commands as `token` (ADMIN by default); returns status and the record. */
export async function dispatch(f: TestFactory, deviceId: string, body: Record<string, unknown>, token = f.tokens.admin): Promise<{ status: number; command: any }> {
  const res = await f.request('POST', `/api/v1/devices/${deviceId}/commands`, { token, body });
  expect([200, 202], JSON.stringify(res.body)).to.include(res.status);
  return { status: res.status, command: res.body.data };
}

/** As ADMIN: OPERATOR and MANAGER see results of commands above their role redacted. */
export async function getCommand(f: TestFactory, deviceId: string, commandId: string): Promise<any> {
  return expectData(await f.request('GET', `/api/v1/devices/${deviceId}/commands/${commandId}`, { token: f.tokens.admin }));
}

const FINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'EXPIRED', 'CANCELED']);

/** Polls the command until it is final and returns it. */
export async function waitFinal(f: TestFactory, deviceId: string, commandId: string, timeoutMs = SETTLE_MS): Promise<any> {
  let last: any;
  return waitFor(
    async () => {
      last = await getCommand(f, deviceId, commandId);
      return FINAL.has(last.status) ? last : null;
    },
    timeoutMs,
    () => `command ${commandId} on ${deviceId} to finish (last: ${last?.status})`,
  );
}

/** The commands the edge has on record (one per command id it was handed and started or refused). */
export async function edgeCommandRecords(t: TestEdge): Promise<Array<{ commandId: string; type: string; status: string }>> {
  const rows: Array<{ value: string }> = await t.edge.system.db.writer('settings').where('key', 'like', 'command.%').select('value');
  return rows.map((r) => JSON.parse(r.value));
}

/** POST /api/v1/scanner/scan as the operator; returns the decision. */
export async function scanOn(t: TestEdge, code: string): Promise<{ outcome: string; message: string | null }> {
  const res = await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body.data;
}
