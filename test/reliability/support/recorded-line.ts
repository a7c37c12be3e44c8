import type { SimFrameKind } from '../../../src/line-sim/frame-source.js';
import { ScannerSimulator } from '../../../src/line-sim/scanner-simulator.js';
import { pollUntil } from './http-json.js';
import { type CampaignAnomaly, type CodeRecord, identificationCodeOf } from './crash-campaign.js';

/** One frame the reader delivered and what the edge answered (null: not yet). */
export interface LineFrame {
  kind: SimFrameKind;
  code: string;
  reply: string | null;
}

export interface RecordedLineOptions {
  seed: number;
  /** Fractions of duplicate and invalid frames, the rest valid (no no-reads: they get no answer to pair). */
  mix?: { duplicate?: number; invalid?: number };
  /** One frame every tickMs while scanning (timers are coarse under load: "about" this rate). */
  tickMs?: number;
}

/**
 * A line whose reader is the TCP scanner simulator in listen mode (the edge dials it, as in the
 * demo), sending frames at a steady pace that the test starts and stops, and pairing the edge's
 * OK/NG answers with the frames: on one connection the n-th reply answers the n-th frame. The
 * edge must be configured with `reply: { accept: 'OK', reject: 'NG' }`.
 */
export class RecordedLine {
  readonly frames: LineFrame[] = [];
  readonly strayReplies: string[] = [];
  readonly sim: ScannerSimulator;
  private answered = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: RecordedLineOptions) {
    this.sim = new ScannerSimulator({
      mode: 'listen',
      host: '127.0.0.1',
      port: 0,
      industry: 'milk',
      ratePerSecond: 0,
      seed: options.seed,
      mix: { duplicate: options.mix?.duplicate ?? 0, invalid: options.mix?.invalid ?? 0 },
    });
    this.sim.on('reply', (line: string) => {
      const frame = this.frames[this.answered];
      if (!frame) {
        this.strayReplies.push(line);
        return;
      }
      frame.reply = line;
      this.answered++;
    });
  }

  /** Listens; resolves with the port the edge's scanner must dial. */
  async start(): Promise<number> {
    return (await this.sim.start()).port;
  }

  /** The scanner configuration an edge needs to dial this line. */
  scannerConfig(port: number): Record<string, unknown> {
    return { id: 'line-reader', transport: 'tcp', mode: 'connect', host: '127.0.0.1', port, reply: { accept: 'OK', reject: 'NG' }, backoff: { baseMs: 10, maxMs: 200 } };
  }

  /** Sends one frame of the mix per tick until `total` frames (or until stopScanning). */
  startScanning(total = Infinity): void {
    if (this.timer) throw new Error('already scanning');
    this.timer = setInterval(() => {
      if (this.frames.length >= total) return this.stopScanning();
      const sent = this.sim.sendFrame();
      if (sent.delivered) this.frames.push({ kind: sent.kind, code: sent.code, reply: null });
    }, this.options.tickMs ?? 10);
  }

  stopScanning(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get scanning(): boolean {
    return this.timer !== null;
  }

  get unanswered(): number {
    return this.frames.length - this.answered;
  }

  /** Waits until `total` frames were sent (when given) and every frame sent has its answer. */
  async waitAnswered(timeoutMs: number, total?: number): Promise<void> {
    await pollUntil(
      () => (total === undefined || this.frames.length >= total) && this.unanswered === 0,
      timeoutMs,
      `every frame answered (${this.frames.length} sent, ${this.unanswered} unanswered)`,
    );
  }

  /**
   * The frames as the nothing-lost checker reads them: each valid code answered OK is
   * acknowledged; an OK for a duplicate or an invalid code, or an NG for a fresh code, is an anomaly.
   */
  records(cycleOf: (frameIndex: number) => number = () => 1): { codes: Map<string, CodeRecord>; anomalies: CampaignAnomaly[]; invalidCodes: string[] } {
    const codes = new Map<string, CodeRecord>();
    const anomalies: CampaignAnomaly[] = [];
    const invalidCodes: string[] = [];
    this.frames.forEach((frame, index) => {
      const cycle = cycleOf(index);
      if (frame.kind === 'invalid') {
        invalidCodes.push(frame.code);
        if (frame.reply === 'OK') anomalies.push({ cycle, code: frame.code, identificationCode: '', what: 'OK for an invalid code' });
        return;
      }
      const identificationCode = identificationCodeOf(frame.code);
      const record = codes.get(identificationCode);
      if (frame.kind === 'valid' && !record) {
        if (frame.reply !== 'OK') anomalies.push({ cycle, code: frame.code, identificationCode, what: `${frame.reply} for a fresh valid code` });
        codes.set(identificationCode, { code: frame.code, firstCycle: cycle, ackedInCycle: frame.reply === 'OK' ? cycle : null, ngAsDuplicate: false });
      } else if (frame.reply === 'OK') {
        anomalies.push({ cycle, code: frame.code, identificationCode, what: `OK for a ${record ? 'repeated' : 'never sent'} code` });
      }
    });
    return { codes, anomalies, invalidCodes };
  }

  async stop(): Promise<void> {
    this.stopScanning();
    await this.sim.stop();
  }
}
