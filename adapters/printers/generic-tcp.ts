import type { PrinterFault, PrinterStatusReport, PrintJob } from '../../src/domain/ports/printer-driver.js';
import type { GenericParams } from './printers-config.js';
import { FrameDecoder } from '../scanners/frame-decoder.js';
import type { DriverSession, GenericDriverConfig, SendDriverEvent } from './printer-session.js';
import { openPrinterLink, renderJob, textFrames } from './printer-link.js';

/**
 * A printer spoken to in lines of text: each print is the rendered template inside the configured
 * framing, answered by one reply frame. The ack string confirms it; a reply with a fault word
 * (JAM, INK …) fails it with that fault; anything else fails it as refused. Replies are paired
 * with requests in order, so a reply that comes after its timeout is swallowed, not misread as
 * the next one's.
 */
const SUFFIX: Record<string, [string, string]> = { CR: ['', '\r'], LF: ['', '\n'], CRLF: ['', '\r\n'], STX_ETX: ['\u0002', '\u0003'] };

export function frameBytes(framing: GenericParams['framing'], text: string): string {
  const [open, close] = typeof framing.suffix === 'object' ? ['', framing.suffix.custom] : SUFFIX[framing.suffix]!;
  return `${open}${framing.prefix}${text}${close}`;
}

export function classifyReply(params: GenericParams, text: string): { ok: true } | { ok: false; fault: PrinterFault | null } {
  if (text.trim() === params.ackString) return { ok: true };
  const upper = text.toUpperCase();
  for (const fault of ['jam', 'ink_out', 'paused'] as const) {
    if (params.faultWords[fault].some((word) => upper.includes(word.toUpperCase()))) return { ok: false, fault };
  }
  return { ok: false, fault: null };
}

type Expected = { kind: 'print'; job: PrintJob; deadline: NodeJS.Timeout } | { kind: 'status' } | { kind: 'stale' };

export function genericTcpDriver(config: GenericDriverConfig, send: SendDriverEvent): DriverSession {
  const { params } = config;
  const decoder = new FrameDecoder({
    suffix: params.framing.suffix,
    ...(params.framing.prefix ? { prefix: params.framing.prefix } : {}),
    noRead: [],
    maxFrameBytes: 4096,
  });
  const expected: Expected[] = [];
  let idle: NodeJS.Timeout | undefined;

  const statusOf = (text: string): PrinterStatusReport => {
    const verdict = classifyReply(params, text);
    return verdict.ok ? { fault: null, detail: null } : { fault: verdict.fault, detail: verdict.fault ? text.trim() : `unexpected status: ${text.trim()}` };
  };
  const queryStatus = () => {
    if (!params.statusCommand) {
      // Nothing to ask: the printer is as healthy as its last answer showed.
      setImmediate(() => send({ type: 'driver.status', status: { fault: null, detail: null, info: { statusCommand: null } } }));
      return;
    }
    expected.push({ kind: 'status' });
    link.write(frameBytes(params.framing, params.statusCommand));
  };

  const onReply = (text: string) => {
    const next = expected.shift();
    if (!next) {
      const verdict = classifyReply(params, text);
      if (!verdict.ok && verdict.fault) send({ type: 'driver.status', status: statusOf(text) });
      else send({ type: 'driver.garbage', bytes: text.length, reason: 'unsolicited reply' });
      return;
    }
    if (next.kind === 'stale') return;
    if (next.kind === 'status') {
      send({ type: 'driver.status', status: statusOf(text) });
      return;
    }
    clearTimeout(next.deadline);
    const verdict = classifyReply(params, text);
    if (verdict.ok) send({ type: 'driver.printed', jobId: next.job.jobId });
    else {
      if (verdict.fault) send({ type: 'driver.status', status: statusOf(text) });
      send({ type: 'driver.printFailed', jobId: next.job.jobId, reason: verdict.fault ? text.trim() : `refused: ${text.trim()}`, fault: verdict.fault });
    }
  };

  const stop = () => {
    clearInterval(idle);
    for (const entry of expected) if (entry.kind === 'print') clearTimeout(entry.deadline);
    expected.length = 0;
  };

  const print = (job: PrintJob) => {
    const text = renderJob(job, params.template, send);
    if (text === null) return;
    const entry: Expected = {
      kind: 'print',
      job,
      deadline: setTimeout(() => {
        const index = expected.indexOf(entry);
        if (index === -1) return;
        expected[index] = { kind: 'stale' };
        send({ type: 'driver.printFailed', jobId: job.jobId, reason: `no acknowledgement within ${params.confirmTimeoutMs} ms`, fault: null, unconfirmed: true });
      }, params.confirmTimeoutMs),
    };
    expected.push(entry);
    link.write(frameBytes(params.framing, text));
  };

  const { link, session } = openPrinterLink(config, send, {
    connected: () => {
      queryStatus();
      if (params.statusCommand) idle = setInterval(() => expected.length === 0 && queryStatus(), params.idleStatusMs);
    },
    data: textFrames(decoder, send, onReply),
    print,
    queryStatus,
    stop,
  });
  return session;
}
