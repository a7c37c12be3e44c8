import { wrap } from '../../../src/line-sim/frame-source.js';
import { ScannerSimulator } from '../../../src/line-sim/scanner-simulator.js';

/** One frame sent on the connection and what the edge answered (null: no answer before the kill). */
export interface SentFrame {
  code: string;
  /** A code chosen again on purpose (sent in an earlier frame or cycle). */
  repeat: boolean;
  reply: string | null;
}

export interface ScanSessionOptions {
  scannerPort: number;
  /** Frames kept unanswered on the wire, as a line with a buffer has. */
  window: number;
  /** Time from the first frame to the kill. */
  killAfterMs: number;
  /** A code to send again, or null for a fresh one; gets the frames sent so far in this session. */
  pickRepeat: (session: readonly SentFrame[]) => string | null;
  /** Resolves once the edge is known to handle frames on the new connection. */
  whenEdgeConnected: () => Promise<void>;
  /** Kills the edge (kill -9); resolves once it has exited. */
  kill: () => Promise<void>;
  seed: number;
}

export interface ScanSessionResult {
  frames: SentFrame[];
  /** Frames sent but not answered when the connection closed. */
  unanswered: number;
  /** Replies beyond the frames sent (must stay empty). */
  strayReplies: string[];
}

const CONNECT_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 30_000;

/**
 * Scans at speed through the TCP scanner simulator and kills the edge mid-stream. Replies come
 * back in frame order on the one connection, so the n-th reply answers the n-th frame. Replies
 * still in flight when the process dies are read until the socket closes: each was written after
 * its commit, so it is an acknowledgement like any other.
 */
export async function scanUntilKilled(options: ScanSessionOptions): Promise<ScanSessionResult> {
  const sim = new ScannerSimulator({
    mode: 'connect',
    host: '127.0.0.1',
    port: options.scannerPort,
    industry: 'milk',
    ratePerSecond: 0,
    seed: options.seed,
    reconnectMs: 60_000, // never re-dial: the next edge gets a new session
  });
  const frames: SentFrame[] = [];
  let answered = 0;
  const strayReplies: string[] = [];
  let stopped = false;
  try {
    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`scanner simulator did not connect to port ${options.scannerPort}`)), CONNECT_TIMEOUT_MS);
      sim.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await sim.start();
    await connected;
    await options.whenEdgeConnected();

    const closed = new Promise<void>((resolve) => sim.once('disconnected', () => resolve()));
    const sendOne = () => {
      if (stopped || !sim.connected) return;
      const repeat = options.pickRepeat(frames);
      if (repeat !== null) {
        sim.sendRaw(wrap(repeat, 'CRLF'));
        frames.push({ code: repeat, repeat: true, reply: null });
      } else {
        const sent = sim.sendFrame('valid');
        if (sent.delivered) frames.push({ code: sent.code, repeat: false, reply: null });
      }
    };
    sim.on('reply', (line: string) => {
      const frame = frames[answered];
      if (!frame) {
        strayReplies.push(line); // more answers than frames: the pairing itself is broken
        return;
      }
      frame.reply = line;
      answered++;
      sendOne();
    });

    for (let i = 0; i < options.window; i++) sendOne();
    await new Promise((resolve) => setTimeout(resolve, options.killAfterMs));
    stopped = true;
    await options.kill();
    // Everything the edge wrote before it died is read before 'close'.
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS))]);
    return { frames, unanswered: frames.length - answered, strayReplies };
  } finally {
    stopped = true;
    await sim.stop();
  }
}
