import { expect } from 'chai';
import { type AnyActorLogic, createActor, toPromise } from 'xstate';
import { type CatalogName, type CatalogResult, createCloudCatalogExecutor } from '../../../adapters/cloud/cloud-catalog.js';
import { CloudError, createCloudClient, type CloudClient } from '../../../adapters/cloud/cloud-client.js';
import type { CloudCompany, CloudLine } from '../../../adapters/cloud/cloud-types.js';
import { createSettingsStore, type SettingsStore } from '../../../adapters/store/settings-store.js';
import type { WorkOutcome } from '../../../machines/shared/serial-worker.machine.js';
import { DEMO_SEED } from '../../../src/cloud-sim/seed.js';
import type { CloudSim } from '../../../src/cloud-sim/server.js';
import { DomainError } from '../../../src/domain/domain-error.js';
import { provision, startTestSim } from '../../cloud-sim/sim-harness.js';
import { openTestEdgeDb, type TestEdgeDb } from '../../support/edge-db.js';

const LINES: CloudLine[] = [{ id: 'line-001', name: 'Milk Line A', identifier: 'ML-A', companyId: 'company-001', productId: 'product-001', party: 'PARTY-001' }];
const COMPANY: CloudCompany = { id: 'company-001', name: 'Demo Factory LLC', industry: 'milk', timeZone: 'Europe/Moscow' };

async function fetchCatalog(logic: AnyActorLogic, what: CatalogName): Promise<CatalogResult> {
  const actor = createActor(logic, { input: { op: 'fetch', what } });
  const done = toPromise(actor);
  actor.start();
  const outcome = (await done) as WorkOutcome<CatalogResult>;
  expect(outcome.ok).to.equal(true);
  return outcome.result!;
}

async function refusalOf(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, the fetch succeeded');
}

/** A cloud client whose reference-data answers the test sets: data, or a CloudError to throw. */
function scriptedClient() {
  const calls: Array<{ what: string; token: string }> = [];
  const script = { lines: LINES as unknown, codes: [] as unknown, company: COMPANY as unknown };
  const answer = (what: CatalogName) => async (token: string) => {
    calls.push({ what, token });
    const next = script[what];
    if (next instanceof Error) throw next;
    return next;
  };
  const client = {
    lines: answer('lines'),
    codes: answer('codes'),
    company: answer('company'),
  } as unknown as CloudClient;
  return { client, script, calls };
}

describe('cloud catalog (cached reference data)', () => {
  let store: TestEdgeDb;
  let settings: SettingsStore;
  let clock: Date;
  const now = () => clock;
  beforeEach(async () => {
    store = await openTestEdgeDb();
    settings = createSettingsStore(store.db.writer);
    clock = new Date('2031-05-06T07:00:00.000Z');
  });
  afterEach(async () => {
    await store.close();
  });

  describe('with a scripted cloud', () => {
    let cloud: ReturnType<typeof scriptedClient>;
    let token: string | null;
    let logic: AnyActorLogic;
    beforeEach(() => {
      cloud = scriptedClient();
      token = 'device-token-1';
      logic = createCloudCatalogExecutor(cloud.client, settings, () => token, now);
    });

    it('refuses with CONFLICT, without calling the cloud, while the edge is not provisioned', async () => {
      token = null;
      for (const what of ['lines', 'codes', 'company'] as const) {
        const error = await refusalOf(fetchCatalog(logic, what));
        expect(error.kind).to.equal('CONFLICT');
        expect(error.message).to.match(/not provisioned/);
      }
      expect(cloud.calls).to.deep.equal([]);
    });

    it('answers a fresh fetch from the cloud with the device token, and caches it', async () => {
      const result = await fetchCatalog(logic, 'lines');
      expect(result).to.deep.equal({ data: LINES, meta: { source: 'cloud', fetchedAt: '2031-05-06T07:00:00.000Z', ageSeconds: 0 } });
      expect(cloud.calls).to.deep.equal([{ what: 'lines', token: 'device-token-1' }]);
      expect(await settings.get('cloud.cache.lines')).to.deep.equal({ value: LINES, updatedAt: '2031-05-06T07:00:00.000Z' });
    });

    it('serves the cached copy with its age when the cloud cannot be reached, and says why', async () => {
      await fetchCatalog(logic, 'company');
      clock = new Date('2031-05-06T07:01:30.000Z');
      for (const failure of [
        new CloudError('unreachable', 'OKTO Cloud unreachable at http://127.0.0.1:9: connection refused (GET /device/company)'),
        new CloudError('timeout', 'OKTO Cloud at http://127.0.0.1:9 did not answer GET /device/company within 100 ms'),
        new CloudError('server', 'OKTO Cloud refused GET /device/company (HTTP 503): Injected fault', 503),
      ]) {
        cloud.script.company = failure;
        const result = await fetchCatalog(logic, 'company');
        expect(result).to.deep.equal({ data: COMPANY, meta: { source: 'cache', fetchedAt: '2031-05-06T07:00:00.000Z', ageSeconds: 90, error: failure.message } });
      }
      // The cache keeps the last good copy: failures do not overwrite it.
      expect((await settings.get('cloud.cache.company'))!.updatedAt).to.equal('2031-05-06T07:00:00.000Z');
    });

    it('refreshes the cache on the next successful fetch', async () => {
      await fetchCatalog(logic, 'lines');
      clock = new Date('2031-05-06T08:00:00.000Z');
      const newer = [...LINES, { ...LINES[0]!, id: 'line-002' }];
      cloud.script.lines = newer;
      expect(await fetchCatalog(logic, 'lines')).to.deep.equal({ data: newer, meta: { source: 'cloud', fetchedAt: '2031-05-06T08:00:00.000Z', ageSeconds: 0 } });
      cloud.script.lines = new CloudError('unreachable', 'down');
      clock = new Date('2031-05-06T08:00:10.000Z');
      expect(await fetchCatalog(logic, 'lines')).to.deep.include({ data: newer });
    });

    it('answers UNAVAILABLE when the cloud is unreachable and nothing was cached', async () => {
      cloud.script.codes = new CloudError('unreachable', 'OKTO Cloud unreachable at http://127.0.0.1:9: connection refused (GET /device/codes)');
      const error = await refusalOf(fetchCatalog(logic, 'codes'));
      expect(error.kind).to.equal('UNAVAILABLE');
      expect(error.message).to.equal('OKTO Cloud unreachable at http://127.0.0.1:9: connection refused (GET /device/codes); nothing cached yet');
    });

    it('keeps each catalog\'s cache apart: cached lines do not answer for the company', async () => {
      await fetchCatalog(logic, 'lines');
      cloud.script.company = new CloudError('unreachable', 'down');
      expect((await refusalOf(fetchCatalog(logic, 'company'))).kind).to.equal('UNAVAILABLE');
    });

    it('answers CONFLICT, not the cache, when the cloud rejects the device token', async () => {
      await fetchCatalog(logic, 'lines');
      cloud.script.lines = new CloudError('unauthorized', 'OKTO Cloud refused GET /device/lines (HTTP 401): Invalid or expired token', 401);
      const error = await refusalOf(fetchCatalog(logic, 'lines'));
      expect(error.kind).to.equal('CONFLICT');
      expect(error.message).to.match(/HTTP 401/);
    });
  });

  describe('against the cloud simulator', () => {
    let sim: CloudSim;
    let logic: AnyActorLogic;
    beforeEach(async () => {
      sim = await startTestSim();
      const { deviceToken } = await provision(sim);
      logic = createCloudCatalogExecutor(createCloudClient({ baseUrl: sim.url, timeoutMs: 2_000 }), settings, () => deviceToken);
    });
    afterEach(() => sim.close());

    it('fetches the seeded lines and company, then serves them from the cache while the cloud refuses connections', async () => {
      const lines = await fetchCatalog(logic, 'lines');
      expect(lines.meta.source).to.equal('cloud');
      expect(lines.data).to.deep.equal(DEMO_SEED.lines);
      const company = await fetchCatalog(logic, 'company');
      expect(company.data).to.deep.equal(COMPANY);

      sim.faults.set({ mode: 'refuse' });
      try {
        const cached = await fetchCatalog(logic, 'lines');
        expect(cached.data).to.deep.equal(DEMO_SEED.lines);
        expect(cached.meta.source).to.equal('cache');
        expect(cached.meta.fetchedAt).to.equal(lines.meta.fetchedAt);
        expect(cached.meta.ageSeconds).to.be.a('number').at.least(0);
        expect(cached.meta.error).to.match(/OKTO Cloud unreachable/);
        // Never fetched: nothing to fall back on.
        expect((await refusalOf(fetchCatalog(logic, 'codes'))).kind).to.equal('UNAVAILABLE');
      } finally {
        sim.faults.clear();
      }
    });
  });
});
