import { ScannerSimulator } from '../../src/line-sim/scanner-simulator.js';
import { percentile } from './report.js';

/** The scanner simulator, connected to an edge's listening scanner port and idle (driven by calls). */
export async function connectSimulator(port: number, gtins?: readonly string[]): Promise<ScannerSimulator> {
  const sim = new ScannerSimulator({ mode: 'connect', host: '127.0.0.1', port, industry: 'milk', ratePerSecond: 0, ...(gtins ? { gtins } : {}) });
  await sim.start();
  while (!sim.connected) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 100)); // the edge's scanner actor reaches `connected`
  return sim;
}

/** Closed loop: keep `window` frames outstanding; replies come back in order on one connection. */
export async function sustained(sim: ScannerSimulator, total: number, window: number): Promise<{ perSecond: number; accepted: number }> {
  let sent = 0;
  let answered = 0;
  let accepted = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const onReply = (line: string) => {
      answered++;
      if (line === 'OK') accepted++;
      if (sent < total) {
        sim.sendFrame('valid');
        sent++;
      }
      if (answered === total) {
        sim.off('reply', onReply);
        resolve();
      }
    };
    sim.on('reply', onReply);
    for (; sent < Math.min(window, total); sent++) sim.sendFrame('valid');
  });
  return { perSecond: total / ((performance.now() - started) / 1000), accepted };
}

export interface LatencyFigures {
  p50: number;
  p99: number;
  max: number;
  n: number;
  accepted: number;
  /** Every latency, sorted, so slices can be merged into one distribution. */
  samples: number[];
}

export function mergeLatencies(slices: LatencyFigures[]): LatencyFigures {
  const samples = slices.flatMap((s) => s.samples).sort((a, b) => a - b);
  return {
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: samples[samples.length - 1] ?? NaN,
    n: samples.length,
    accepted: slices.reduce((n, s) => n + s.accepted, 0),
    samples,
  };
}

/** Open loop at a fixed offered rate: latency from each frame's scheduled send to its decision. */
export async function latencyAtRate(sim: ScannerSimulator, rate: number, seconds: number): Promise<LatencyFigures> {
  const total = Math.round(rate * seconds);
  const sentAt: number[] = [];
  const latencies: number[] = [];
  let accepted = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const onReply = (line: string) => {
      latencies.push(performance.now() - sentAt[latencies.length]!);
      if (line === 'OK') accepted++;
      if (latencies.length === total) {
        sim.off('reply', onReply);
        clearInterval(timer);
        resolve();
      }
    };
    sim.on('reply', onReply);
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      while (sentAt.length < due) {
        sentAt.push(performance.now());
        sim.sendFrame('valid');
      }
    }, 1);
  });
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1]!, n: latencies.length, accepted, samples: latencies };
}

export const formatLatency = (l: LatencyFigures) => `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, max ${l.max.toFixed(1)} ms (n=${l.n})`;
