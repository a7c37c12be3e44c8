import { expect } from 'chai';
import type { FaultSpec } from '../../src/cloud-sim/faults.js';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../../src/cloud-sim/seed.js';
import { startCloudSim, type CloudSim } from '../../src/cloud-sim/server.js';
import { generateCode } from '../../src/domain/codes/index.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { startKeptEdge } from '../support/kept-edge.js';
import type { TestEdge } from '../support/edge-harness.js';
import { identificationCodeOf, type CodeRecord } from './support/crash-campaign.js';
import { readEdgeDatabase } from './support/edge-db.js';
import { pollUntil } from './support/http-json.js';
import { checkNothingLost, describeFindings } from './support/nothing-lost.js';

/**
 * Nothing lost, network edition: the edge scans while the cloud simulator refuses connections,
 * answers 500/503, cuts connections mid-response, commits and then cuts, and answers later than
 * the edge waits. The outbox must hold everything meanwhile, and once the faults stop every
 * bottle must reach the cloud exactly once.
 */
const CLOUD_TIMEOUT_MS = 300;
const SYNC_PATHS = ['/device/sync'];
const BASELINE_CODES = 40;
const CODES_PER_PHASE = 160; // 40 + 6 × 160 = 1,000 codes
const PARALLEL = 16;
const PHASE_DEADLINE_MS = 60_000;

interface Phase {
  name: string;
  spec: FaultSpec;
  /** refuse cannot count requests: it is lifted by the test once the edge has felt it. */
  liftByHand?: boolean;
}

// drop_after_commit comes before delay: the delayed requests are processed after the edge gave up
// on them, so they too end in resends and duplicates.
const PHASES: Phase[] = [
  { name: 'refuse', spec: { mode: 'refuse' }, liftByHand: true },
  { name: 'error500', spec: { mode: 'error500', paths: SYNC_PATHS, remaining: 3 } },
  { name: 'error503', spec: { mode: 'error503', paths: SYNC_PATHS, remaining: 3 } },
  { name: 'drop', spec: { mode: 'drop', paths: SYNC_PATHS, remaining: 3 } },
  { name: 'drop_after_commit', spec: { mode: 'drop_after_commit', paths: SYNC_PATHS, remaining: 3 } },
  { name: 'delay', spec: { mode: 'delay', delayMs: CLOUD_TIMEOUT_MS * 4, paths: SYNC_PATHS, remaining: 3 } },
];

interface PhaseReport {
  name: string;
  /** Failed sync attempts the edge counted during the phase. */
  syncErrors: number;
  /** Outbox backlog right after the phase's codes were scanned, fault still active. */
  queueDuringFault: number;
  /** Duplicates the cloud acknowledged during the phase. */
  duplicates: number;
}

describe('reliability: network faults between the edge and OKTO Cloud', function () {
  let sim: CloudSim | undefined;
  let edge: (TestEdge & { dbFile: string; removeDataDir(): void }) | undefined;
  let edgeStopped = false;
  const scanned = new Map<string, CodeRecord>();

  before(async function () {
    this.timeout(60_000);
    sim = await startCloudSim({ port: 0, host: '127.0.0.1', logger: silentLogger });
    edge = await startKeptEdge({
      cloud: { url: sim.url, timeoutMs: CLOUD_TIMEOUT_MS },
      sync: { pollIntervalMs: 20, batchSize: 100, backoff: { baseMs: 20, maxMs: 200 } },
    });
    const admin = edge.tokens.admin;
    for (const [path, body] of [
      ['/api/v1/provision/signin', { email: DEMO_EMAIL, password: DEMO_PASSWORD }],
      ['/api/v1/provision/activate', { deviceId: 'device-001' }],
    ] as const) {
      const res = await edge.request('POST', path, { token: admin, body });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  });

  after(async function () {
    this.timeout(60_000);
    sim?.faults.clear();
    if (edge && !edgeStopped) await edge.stop();
    edge?.removeDataDir();
    await sim?.close();
  });

  const syncStatus = async () => (await edge!.request('GET', '/api/v1/sync/status', { token: edge!.tokens.operator })).body.data;

  /** Scans `n` fresh codes through POST /api/v1/scanner/scan, PARALLEL at a time; each must be accepted. */
  async function scanFresh(n: number, phase: number) {
    const codes = Array.from({ length: n }, () => generateCode('milk'));
    for (let i = 0; i < codes.length; i += PARALLEL) {
      await Promise.all(
        codes.slice(i, i + PARALLEL).map(async (code) => {
          const res = await edge!.request('POST', '/api/v1/scanner/scan', { token: edge!.tokens.operator, body: { code } });
          expect(res.status, JSON.stringify(res.body)).to.equal(200);
          expect(res.body.data.outcome, `scan of a fresh code during phase ${phase}`).to.equal('accepted');
          scanned.set(identificationCodeOf(code), { code, firstCycle: phase, ackedInCycle: phase, ngAsDuplicate: false });
        }),
      );
    }
  }

  it('holds every code in the outbox through each fault and delivers each exactly once after', async function () {
    this.timeout(300_000);
    // Baseline: the path works without faults.
    await scanFresh(BASELINE_CODES, 0);
    await pollUntil(async () => (await syncStatus()).queueSize === 0, PHASE_DEADLINE_MS, 'the baseline codes to sync');

    const reports: PhaseReport[] = [];
    for (const [index, phase] of PHASES.entries()) {
      const errorsBefore = (await syncStatus()).syncErrors as number;
      const duplicatesBefore = sim!.store.ledger.stats().duplicatesAcknowledged;
      sim!.faults.set(phase.spec);
      await scanFresh(CODES_PER_PHASE, index + 1);
      const queueDuringFault = (await syncStatus()).queueSize as number;
      // The fault has done its work once the edge counted a failure and (for counted faults) it is used up.
      await pollUntil(async () => (await syncStatus()).syncErrors > errorsBefore, PHASE_DEADLINE_MS, `a failed sync attempt under ${phase.name}`);
      if (phase.liftByHand) sim!.faults.clear();
      else await pollUntil(() => sim!.faults.state.mode === 'none', PHASE_DEADLINE_MS, `the ${phase.name} fault to be used up`);
      if (phase.spec.mode === 'drop_after_commit') {
        // The batch was stored but its answer lost: the resend must come back `duplicate`.
        await pollUntil(() => sim!.store.ledger.stats().duplicatesAcknowledged > duplicatesBefore, PHASE_DEADLINE_MS, 'the resend after drop_after_commit');
      }
      reports.push({
        name: phase.name,
        syncErrors: (await syncStatus()).syncErrors - errorsBefore,
        queueDuringFault,
        duplicates: sim!.store.ledger.stats().duplicatesAcknowledged - duplicatesBefore,
      });
    }

    sim!.faults.clear();
    const drained = await pollUntil(async () => {
      const s = await syncStatus();
      return s.queueSize === 0 ? s : null;
    }, PHASE_DEADLINE_MS, 'the queue to drain once the faults stopped');
    expect(drained.parked, 'items parked').to.equal(0);

    if (process.env.RELIABILITY_VERBOSE) for (const r of reports) console.log(`      ${JSON.stringify(r)}`);
    const byPhase = Object.fromEntries(reports.map((r) => [r.name, r]));
    for (const report of reports) expect(report.syncErrors, `failed sync attempts under ${report.name}`).to.be.greaterThan(0);
    expect(byPhase.refuse!.queueDuringFault, 'queue while the cloud refused connections').to.be.greaterThan(0);
    expect(Math.max(...reports.map((r) => r.queueDuringFault)), 'largest backlog seen during faults').to.be.greaterThan(0);
    expect(byPhase.drop_after_commit!.duplicates, 'duplicates acknowledged after drop_after_commit').to.be.greaterThan(0);

    const count = (await edge!.request('GET', '/api/v1/bottles/count', { token: edge!.tokens.operator })).body.data;
    expect(count.count, 'edge bottles').to.equal(scanned.size);
    expect(count.byStatus['3'], 'edge bottles in status 3 (Synced)').to.equal(scanned.size);

    const stats = sim!.store.ledger.stats();
    expect(stats.bottles, 'cloud bottles').to.equal(scanned.size);
    expect(stats.byKind['bottle.created'], 'cloud bottle.created items').to.equal(scanned.size);
    expect(stats.rejected).to.equal(0);
    expect(stats.duplicatesAcknowledged).to.be.greaterThan(0);

    await edge!.stop();
    edgeStopped = true;
    const disk = await readEdgeDatabase(edge!.dbFile);
    expect(stats.itemsStored, 'items stored by the cloud vs outbox rows the edge ever created').to.equal(disk.outboxEverCreated);
    const findings = checkNothingLost({ codes: scanned, anomalies: [], disk, cloud: sim!.store.ledger });
    expect(describeFindings(findings)).to.deep.equal([]);
  });
});
