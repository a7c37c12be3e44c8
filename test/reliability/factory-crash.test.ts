import path from 'node:path';
import { expect } from 'chai';
import { openFactoryDatabase } from '../../adapters/store/factory/factory-database.js';
import type { CloudSim } from '../../src/cloud-sim/server.js';
import { seededRng } from '../../src/domain/seeded-rng.js';
import { freePort } from '../support/free-port.js';
import { provision } from '../cloud-sim/sim-harness.js';
import { getData, startSim, waitForEmptyQueue } from '../support/direct-cloud.js';
import { FACTORY_TEST_PG_URL } from '../support/factory-db.js';
import { factoryDisagreements, readFactoryStore, type FactoryStoreState } from '../support/factory-store-view.js';
import { startKeptEdge } from '../support/kept-edge.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-pg-database.js';
import { tempDir } from '../support/temp-dir.js';
import { readEdgeDatabase } from './support/edge-db.js';
import { ChildReaper, logTail } from './support/edge-process.js';
import { FactoryProcess, writeCrashFactoryConfig } from './support/factory-process.js';
import { dataOf, pollUntil } from './support/http-json.js';
import { checkNothingLost, describeFindings, type NothingLostFindings } from './support/nothing-lost.js';
import { RecordedLine } from './support/recorded-line.js';
import { PG_MISSING, peerMissing } from '../support/peers.js';

/**
 * Nothing lost, factory edition: the factory server runs as a child process on a fixed port with
 * its data kept across restarts; an edge in VIA_LOCAL_SERVER mode syncs to it while a TCP reader
 * scans at a steady rate, and the factory forwards to the OKTO Cloud simulator. The factory is
 * killed with SIGKILL again and again: at random moments of the ingest, and while the cloud holds
 * one of its forward requests (so the cloud stores a batch whose answer never arrives). After the
 * last restart every code the edge acknowledged must be at the factory and at the cloud exactly
 * once, and every outbox empty. CRASH_SEED=n replays the random choices; RELIABILITY_VERBOSE=1
 * prints a line per cycle.
 */
const CYCLES = 8;
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);
const DEVICE_ID = 'edge-crash-1';
/** How long the cloud holds the forward request the factory is killed under. */
const HELD_MS = 1_500;
// Bounds on hangs for a loaded 2-core machine, not expectations of speed.
const DRAIN_TIMEOUT_MS = 300_000;
const STEP_TIMEOUT_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Cycle {
  cycle: number;
  how: 'during ingest' | 'while forwarding';
  upMs: number;
  downMs: number;
  framesAtKill: number;
  edgeQueueAtKill: number | null;
  cloudSyncRequests: number;
}

function crashSuite(db: 'sqlite' | 'pg') {
  describe(`reliability: kill -9 of the factory during ingest and forwarding (${db === 'sqlite' ? 'SQLite' : 'PostgreSQL'})`, function () {
    const rng = seededRng(SEED);
    const log: string[] = [`seed ${SEED} (CRASH_SEED=${SEED} repeats the same choices)`];
    const say = (line: string) => {
      log.push(line);
      if (process.env.RELIABILITY_VERBOSE) console.log(`      ${line}`);
    };
    const reaper = new ChildReaper();
    const cycles: Cycle[] = [];
    let work: ReturnType<typeof tempDir> | undefined;
    let sim: CloudSim | undefined;
    let scratch: ScratchDatabase | undefined;
    let line: RecordedLine | undefined;
    let edge: Awaited<ReturnType<typeof startKeptEdge>> | undefined;
    let edgeStopped = false;
    let startFactory: () => Promise<FactoryProcess>;
    let factory: FactoryProcess | undefined;
    let findings: NothingLostFindings | undefined;
    let factoryStore: FactoryStoreState | undefined;
    let factoryProblems: string[] = [];
    let failed = false;

    before(async function () {
      this.timeout(STEP_TIMEOUT_MS * 3);
      console.log(`      ${log[0]}`);
      work = tempDir('okto-factory-crash-');
      sim = await startSim();
      const { deviceToken } = await provision(sim);
      if (db === 'pg') scratch = await createScratchDatabase(FACTORY_TEST_PG_URL!, 'okto_factory_crash');
      const configFile = path.join(work.dir, 'factory-server.yaml');
      writeCrashFactoryConfig(configFile, { cloudUrl: sim.url, cloudDeviceToken: deviceToken });
      const options = {
        configFile,
        dataDir: path.join(work.dir, 'factory-data'),
        port: await freePort(),
        logFile: path.join(work.dir, 'factory.log'),
        reaper,
        ...(scratch ? { databaseUrl: scratch.url } : {}),
      };
      startFactory = () => FactoryProcess.start(options);
      factory = await startFactory();
      const edgeToken = await factory.enrol(DEVICE_ID);

      line = new RecordedLine({ seed: SEED, mix: { duplicate: 0.05, invalid: 0.05 }, tickMs: 10 });
      const readerPort = await line.start();
      edge = await startKeptEdge({
        connection: { mode: 'VIA_LOCAL_SERVER' },
        factory: { url: factory.url, deviceId: DEVICE_ID, deviceToken: edgeToken, timeoutMs: 5_000, heartbeatIntervalMs: 200, backoff: { baseMs: 20, maxMs: 300 } },
        sync: { pollIntervalMs: 20, batchSize: 50, backoff: { baseMs: 20, maxMs: 300 } },
        scanners: [line.scannerConfig(readerPort)],
      });
      await pollUntil(() => line!.sim.connected, STEP_TIMEOUT_MS, 'the edge to dial the line reader');
    });

    afterEach(function () {
      if (this.currentTest?.state === 'failed') failed = true;
    });

    after(async function () {
      this.timeout(STEP_TIMEOUT_MS * 2);
      await line?.stop();
      if (!edgeStopped) await edge?.stop();
      await reaper.killAll(); // any factory still running, also after a failure
      await sim?.close();
      await scratch?.drop();
      if (failed && work) {
        console.error(`factory crash test failed; log:\n  ${log.join('\n  ')}\nfactory log tail:\n${logTail(path.join(work.dir, 'factory.log'), 60)}`);
        console.error(`factory data and log kept in ${work.dir}; edge data in ${edge?.dataDir}`);
      } else {
        work?.cleanup();
        edge?.removeDataDir();
      }
    });

    const edgeQueue = async (): Promise<number | null> => {
      try {
        return (await getData(edge!, '/api/v1/sync/status')).queueSize as number;
      } catch {
        return null;
      }
    };

    /** Kills the running factory at a random moment while the edge is sending it batches. */
    const killDuringIngest = async (): Promise<number> => {
      const upMs = Math.round(200 + rng() * 1_300);
      await sleep(upMs);
      return upMs;
    };

    /** Lets the cloud hold the next forward request, then kills the factory while it waits for the answer. */
    const killWhileForwarding = async (): Promise<number> => {
      const started = Date.now();
      sim!.faults.set({ mode: 'delay', delayMs: HELD_MS, paths: ['/device/sync'], remaining: 1 });
      await pollUntil(() => sim!.faults.state.mode === 'none', STEP_TIMEOUT_MS, 'the factory to forward a batch the cloud holds');
      await sleep(rng() * HELD_MS * 0.6);
      return Date.now() - started;
    };

    it(`keeps every acknowledged code through ${CYCLES} kill -9 cycles and drains after the last restart`, async function () {
      this.timeout(CYCLES * STEP_TIMEOUT_MS * 2 + DRAIN_TIMEOUT_MS);
      line!.startScanning();
      for (let cycle = 1; cycle <= CYCLES; cycle++) {
        if (cycle > 1) factory = await startFactory();
        const syncBefore = sim!.store.syncRequests;
        const how = cycle % 2 === 0 ? 'while forwarding' : 'during ingest';
        const upMs = how === 'while forwarding' ? await killWhileForwarding() : await killDuringIngest();
        const framesAtKill = line!.frames.length;
        const edgeQueueAtKill = await edgeQueue();
        await factory!.kill9();
        // Down for a while: the edge keeps scanning into its outbox and retries with backoff.
        const downMs = Math.round(rng() * 500);
        await sleep(downMs);
        const report: Cycle = { cycle, how, upMs, downMs, framesAtKill, edgeQueueAtKill, cloudSyncRequests: sim!.store.syncRequests - syncBefore };
        cycles.push(report);
        // A held request is answered only after the kill, so it is not among the forward requests counted here.
        say(`cycle ${cycle}: killed ${how} after ${upMs} ms up (frames so far ${framesAtKill}, edge backlog ${edgeQueueAtKill}, ${report.cloudSyncRequests} forward requests answered), down ${downMs} ms`);
      }
      line!.stopScanning();
      factory = await startFactory();
      await line!.waitAnswered(STEP_TIMEOUT_MS);
      await waitForEmptyQueue(edge!, DRAIN_TIMEOUT_MS);
      const { codes, anomalies } = line!.records();
      const operator = await factory.login('operator', 'operator123');
      // The factory's forward queue plus what the edge last reported waiting in its own.
      await pollUntil(
        async () => (await dataOf(factory!.url, 'GET', '/api/v1/dashboard/overview', { token: operator })).syncQueueTotal === 0 && sim!.store.ledger.stats().bottles >= codes.size,
        DRAIN_TIMEOUT_MS,
        'the factory to forward everything to the cloud',
      );
      expect(await factory.terminate(), 'exit code of the final SIGTERM').to.equal(0);
      say(`drained: ${codes.size} codes acknowledged over ${line!.frames.length} frames; cloud: ${JSON.stringify(sim!.store.ledger.stats())}`);

      edgeStopped = true;
      await edge!.stop();
      const disk = await readEdgeDatabase(edge!.dbFile);
      findings = checkNothingLost({ codes, anomalies, disk, cloud: sim!.store.ledger });
      const opened = await openFactoryDatabase(scratch ? { url: scratch.url } : { filename: path.join(work!.dir, 'factory-data', 'factory.db') });
      try {
        factoryStore = await readFactoryStore(opened.db);
      } finally {
        await opened.close();
      }
      factoryProblems = factoryDisagreements(factoryStore, disk.bottles, DEVICE_ID);

      // The campaign did what it claims: codes flowing throughout, kills while the cloud held a forward request.
      expect(line!.strayReplies, 'replies with no frame to answer').to.deep.equal([]);
      expect(codes.size, 'codes acknowledged').to.be.greaterThan(CYCLES * 10);
      expect(cycles.filter((c) => c.how === 'while forwarding')).to.have.length(CYCLES / 2);
      // The batches the cloud stored after their sender died came again from the restarted factory.
      expect(sim!.store.ledger.stats().duplicatesAcknowledged, 'resends the cloud acknowledged as duplicates').to.be.greaterThan(0);
    });

    it('every code acknowledged at the edge is at the factory exactly once; nothing else is', () => {
      expect(factoryStore, 'the campaign did not complete').to.not.equal(undefined);
      expect(factoryProblems).to.deep.equal([]);
      expect(factoryStore!.bottleItems.length).to.equal(findings!.acknowledged);
      expect(factoryStore!.parked, 'parked at the factory').to.equal(0);
    });

    it('the edge outbox is empty, nothing parked, every bottle Synced; the cloud holds each code exactly once', () => {
      expect(findings, 'the campaign did not complete').to.not.equal(undefined);
      expect(describeFindings(findings!)).to.deep.equal([]);
      expect(findings!.cloudBottles).to.equal(findings!.acknowledged);
      expect(findings!.counters.parked).to.equal(0);
    });
  });
}

crashSuite('sqlite');
if (FACTORY_TEST_PG_URL) crashSuite('pg');
else describe('reliability: kill -9 of the factory (PostgreSQL)', () => peerMissing(PG_MISSING));
