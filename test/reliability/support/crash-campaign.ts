import fs from 'node:fs';
import path from 'node:path';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../../../src/cloud-sim/seed.js';
import { checkCode } from '../../../src/domain/codes/index.js';
import { seededRng } from '../../../src/line-sim/frame-source.js';
import { readEdgeDatabase, type EdgeDiskState } from './edge-db.js';
import { ChildReaper, EdgeProcess, logTail, writeCrashEdgeConfig } from './edge-process.js';
import { pollUntil } from './http-json.js';
import { waitFor } from '../../support/wait-for.js';
import { scanUntilKilled, type SentFrame } from './scan-session.js';

/**
 * The kill -9 campaign shared by test/reliability/crash.test.ts and scripts/crash-loop.ts:
 * provision an edge child process once, then start it, scan at speed through a TCP scanner and
 * kill -9 it at a random moment, again and again on the same data dir; at the end restart it once
 * more, drain the sync queue and stop it cleanly. It records every frame's answer so the caller
 * can check (nothing-lost.ts) that every acknowledged code is stored once and reached the cloud once.
 */

export interface CrashCampaignOptions {
  /** The OKTO Cloud simulator the edge syncs to. */
  cloudUrl: string;
  /** Scratch directory (data dir, config, log); the caller creates and removes it. */
  workDir: string;
  /** Drives kill delays, repeats and the simulated scanners' codes. Printed, so a run can be replayed in kind. */
  seed: number;
  /** Kill this long after the first frame of a cycle (uniform in the range). */
  killAfterMs?: [number, number];
  /** Frames unanswered on the wire at any time. */
  window?: number;
  /** Share of frames that repeat an earlier code (acknowledged or unanswered). */
  repeatShare?: number;
  /** Sync requests the cloud has received so far: tells whether a cycle was killed while syncing. */
  cloudSyncRequests?: () => number;
  /**
   * Makes the cloud hold the next sync request for `delayMs` (then process it and answer): a kill
   * while it is held lands mid-sync for sure, with the cloud committing what the dead edge never
   * heard back about. Cycles chosen by the seed (`midSyncShare`) use it.
   */
  holdNextSync?: (delayMs: number) => HeldSync;
  /** Share of cycles (spread evenly) that hold a sync request and kill while it is in flight (default 0.4). */
  midSyncShare?: number;
  log?: (line: string) => void;
}

/** A sync request the cloud holds on the campaign's behalf. */
export interface HeldSync {
  /** A sync request arrived and is held right now (neither processed nor answered yet). */
  inFlight(): boolean;
  /** Stops holding further requests (one already held is processed when its delay ends). */
  clear(): void;
}

/** How long the cloud holds a mid-sync cycle's request, and how long the kill waits for one to arrive. */
const MID_SYNC_HOLD_MS = 3_000;
const MID_SYNC_WAIT_MS = 3_000;

export interface CycleReport {
  cycle: number;
  killAfterMs: number;
  frames: number;
  ok: number;
  ng: number;
  /** Sent, unanswered when the process died: stored or not, either is allowed. */
  unanswered: number;
  repeats: number;
  /** Sync requests the cloud received between this edge's start and its kill. */
  syncRequests: number | null;
  /** Outbox backlog the edge reported just before scanning started. */
  queueAtStart: number;
  /** Killed while the cloud held one of its sync requests (in flight, not yet answered). */
  killedMidSync: boolean;
}

export interface CodeRecord {
  /** As sent on the wire. */
  code: string;
  firstCycle: number;
  /** Cycle of the first OK, if any. */
  ackedInCycle: number | null;
  /** Answered NG as a repeat while never acknowledged: the edge said it already holds it. */
  ngAsDuplicate: boolean;
}

export interface CampaignAnomaly {
  cycle: number;
  code: string;
  identificationCode: string;
  what: string;
}

const DEFAULT_KILL_AFTER: [number, number] = [50, 600];
const DRAIN_TIMEOUT_MS = 300_000;

export const identificationCodeOf = (code: string): string => {
  const check = checkCode(code, 'milk');
  if (!check.valid) throw new Error(`the scanner simulator sent an invalid code: ${JSON.stringify(code)} (${check.reason})`);
  return check.code.identificationCode;
};

export class CrashCampaign {
  readonly dataDir: string;
  readonly configFile: string;
  readonly logFile: string;
  /** Every identification code sent, with what the edge said about it. */
  readonly codes = new Map<string, CodeRecord>();
  readonly cycles: CycleReport[] = [];
  /** OK for a code that was already acknowledged; NG for a code never seen before. */
  readonly anomalies: CampaignAnomaly[] = [];
  readonly strayReplies: string[] = [];
  private readonly reaper = new ChildReaper();
  private readonly rng: () => number;
  private readonly acked: string[] = [];
  private readonly log: (line: string) => void;

  constructor(private readonly options: CrashCampaignOptions) {
    this.dataDir = path.join(options.workDir, 'edge-data');
    this.configFile = path.join(options.workDir, 'edge-service.yaml');
    this.logFile = path.join(options.workDir, 'edge.log');
    this.rng = seededRng(options.seed);
    this.log = options.log ?? (() => undefined);
    fs.mkdirSync(this.dataDir, { recursive: true });
    writeCrashEdgeConfig(this.configFile, { dataDir: this.dataDir, cloudUrl: options.cloudUrl });
  }

  private start(): Promise<EdgeProcess> {
    return EdgeProcess.start({ configFile: this.configFile, logFile: this.logFile, reaper: this.reaper });
  }

  /** Signs in with the cloud's demo account and activates device-001, then stops the edge cleanly. */
  async provision(): Promise<void> {
    const edge = await this.start();
    await edge.data('POST', '/api/v1/provision/signin', { email: DEMO_EMAIL, password: DEMO_PASSWORD });
    await edge.data('POST', '/api/v1/provision/activate', { deviceId: 'device-001' });
    await pollUntil(async () => (await edge.data('GET', '/api/v1/connection/status')).target.ready === true, 30_000, 'the sync target to be ready after activation');
    const code = await edge.terminate();
    if (code !== 0) throw new Error(`edge exited with ${code} on SIGTERM after provisioning\n${logTail(this.logFile)}`);
  }

  /** Acknowledged identification codes so far. */
  get acknowledged(): number {
    return this.acked.length;
  }

  /** A code to send again, or null for a fresh one: from this session, from an earlier kill, or acknowledged before. */
  private pickRepeat(session: readonly SentFrame[]): string | null {
    if (this.rng() >= (this.options.repeatShare ?? 0.1)) return null;
    const from = this.rng();
    if (from < 0.4 && session.length > 0) return session[Math.floor(this.rng() * session.length)]!.code;
    if (from < 0.6) {
      const unknown = this.unknownCodes();
      if (unknown.length > 0) return unknown[Math.floor(this.rng() * unknown.length)]!;
    }
    if (this.acked.length === 0) return null;
    return this.codes.get(this.acked[Math.floor(this.rng() * this.acked.length)]!)!.code;
  }

  private unknownList: string[] | null = null;
  /** Codes sent in earlier cycles that got no answer (the edge may or may not hold them). */
  private unknownCodes(): string[] {
    this.unknownList ??= [...this.codes.values()].filter((r) => r.ackedInCycle === null && !r.ngAsDuplicate).map((r) => r.code);
    return this.unknownList;
  }

  /** One start → scan → kill -9 cycle. */
  async runCycle(): Promise<CycleReport> {
    const cycle = this.cycles.length + 1;
    const [low, high] = this.options.killAfterMs ?? DEFAULT_KILL_AFTER;
    const killAfterMs = Math.round(low + this.rng() * (high - low));
    const seed = Math.floor(this.rng() * 2 ** 32);
    // Spread evenly (not drawn): the share is a promise the test checks, whatever the seed.
    const share = this.options.midSyncShare ?? 0.4;
    const midSync = this.options.holdNextSync !== undefined && Math.floor(cycle * share) > Math.floor((cycle - 1) * share);
    this.unknownList = null;

    const syncBefore = this.options.cloudSyncRequests?.() ?? null;
    const edge = await this.start();
    let syncRequests: number | null = null;
    let queueAtStart = 0;
    let held: HeldSync | null = null;
    let killedMidSync = false;
    try {
      await edge.waitProvisioned();
      queueAtStart = (await edge.data('GET', '/api/v1/sync/status')).queueSize;
      const scannerPort = await edge.scannerPort();
      if (midSync) held = this.options.holdNextSync!(MID_SYNC_HOLD_MS);
      const session = await scanUntilKilled({
        scannerPort,
        window: this.options.window ?? 64,
        killAfterMs,
        seed,
        pickRepeat: (session) => this.pickRepeat(session),
        whenEdgeConnected: () => edge.waitScannerConnected(),
        kill: async () => {
          // A mid-sync cycle dies with a request held at the cloud: give the edge a moment to send one.
          if (held) await waitFor(() => held!.inFlight(), MID_SYNC_WAIT_MS, 'a sync request held at the cloud').catch(() => undefined);
          killedMidSync = held?.inFlight() ?? false;
          await edge.kill9();
          if (syncBefore !== null) syncRequests = this.options.cloudSyncRequests!() - syncBefore;
        },
      });
      this.strayReplies.push(...session.strayReplies);

      const { ok, ng, repeats } = this.record(cycle, session.frames);
      const report: CycleReport = { cycle, killAfterMs, frames: session.frames.length, ok, ng, unanswered: session.unanswered, repeats, syncRequests, queueAtStart, killedMidSync };
      this.cycles.push(report);
      this.log(
        `cycle ${cycle}: killed after ${killAfterMs} ms: ${report.frames} frames (${repeats} repeats), ${ok} OK, ${ng} NG, ${report.unanswered} unanswered; ` +
          `backlog at start ${queueAtStart}, ${syncRequests ?? '?'} sync requests while up${killedMidSync ? ', killed mid-sync (a request held by the cloud)' : midSync ? ', meant to die mid-sync but no request was in flight' : ''}`,
      );
      return report;
    } catch (error) {
      throw new Error(`crash cycle ${cycle} failed: ${(error as Error).message}\n--- edge log tail ---\n${logTail(this.logFile)}`);
    } finally {
      held?.clear();
      await edge.kill9();
    }
  }

  /** Files each answer under its identification code, in reply order, noting answers that contradict earlier ones. */
  private record(cycle: number, frames: readonly SentFrame[]): { ok: number; ng: number; repeats: number } {
    let ok = 0;
    let ng = 0;
    let repeats = 0;
    for (const frame of frames) {
      if (frame.repeat) repeats++;
      const identificationCode = identificationCodeOf(frame.code);
      let record = this.codes.get(identificationCode);
      const seenBefore = record !== undefined;
      if (!record) {
        record = { code: frame.code, firstCycle: cycle, ackedInCycle: null, ngAsDuplicate: false };
        this.codes.set(identificationCode, record);
      }
      if (frame.reply === 'OK') {
        ok++;
        if (record.ackedInCycle !== null) {
          this.anomalies.push({ cycle, code: frame.code, identificationCode, what: `OK for a code already acknowledged in cycle ${record.ackedInCycle}` });
        } else {
          record.ackedInCycle = cycle;
          this.acked.push(identificationCode);
        }
      } else if (frame.reply !== null) {
        ng++;
        if (!seenBefore) this.anomalies.push({ cycle, code: frame.code, identificationCode, what: `${frame.reply} for a fresh valid code` });
        else if (record.ackedInCycle === null) record.ngAsDuplicate = true;
      }
    }
    return { ok, ng, repeats };
  }

  /** Restarts the edge once more, waits until its outbox is empty, and stops it with SIGTERM. */
  async drainAndStop(): Promise<{ drainMs: number; exitCode: number | null }> {
    const edge = await this.start();
    try {
      await edge.waitProvisioned();
      const started = Date.now();
      let status;
      for (;;) {
        status = await edge.data('GET', '/api/v1/sync/status');
        if (status.parked > 0) throw new Error(`items parked by the cloud: ${JSON.stringify(await edge.data('GET', '/api/v1/sync/parked'))}`);
        if (status.queueSize === 0) break;
        if (Date.now() - started > DRAIN_TIMEOUT_MS) {
          throw new Error(`the sync queue did not drain in ${DRAIN_TIMEOUT_MS} ms: ${JSON.stringify(status)}\n--- edge log tail ---\n${logTail(this.logFile)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const drainMs = Date.now() - started;
      this.log(`final restart: queue drained in ${drainMs} ms (synced ${status.synced} in this run, ${status.syncErrors} sync errors)`);
      return { drainMs, exitCode: await edge.terminate() };
    } finally {
      await edge.kill9();
    }
  }

  readDisk(): Promise<EdgeDiskState> {
    return readEdgeDatabase(path.join(this.dataDir, 'edge.db'));
  }

  /** Kills any edge still running (safe to call at any time, also after a failure). */
  dispose(): Promise<void> {
    return this.reaper.killAll();
  }
}
