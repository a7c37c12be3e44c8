import type { PrintJob } from '../../src/domain/ports/printer-driver.js';
import { FrameDecoder } from '../scanners/frame-decoder.js';
import type { DriverSession, SendDriverEvent, VideojetDriverConfig } from './printer-session.js';
import { openPrinterLink, renderJob, textFrames } from './printer-link.js';
import { encodeCommand, faultOf, parseStatus, splitMessage, statusReport, unsafeValue, type VideojetStatus } from './videojet-protocol.js';

type Reply = { ok: true; args: string[] } | { ok: false; reason: string };

/**
 * Videojet-style driver (see videojet-protocol.ts). Commands go one at a time, because ACK/ERR
 * carry no id: a reply that does not come within replyTimeoutMs means the stream can no longer
 * be paired, so the connection is dropped (the machine reconnects). A print is the job data
 * (JDU) acknowledged, then the printer's own print-complete message (PRC).
 */
export function videojetDriver(config: VideojetDriverConfig, send: SendDriverEvent): DriverSession {
  const { params } = config;
  const decoder = new FrameDecoder({ suffix: 'CRLF', noRead: [], maxFrameBytes: 4096 });
  const queue: Array<{ line: string; name: string; done: (reply: Reply) => void }> = [];
  let inFlight: { name: string; done: (reply: Reply) => void; timer: NodeJS.Timeout } | null = null;
  /** The print waiting for its PRC. */
  let awaiting: { job: PrintJob; deadline: NodeJS.Timeout | null } | null = null;
  let idle: NodeJS.Timeout | undefined;

  const pump = () => {
    if (inFlight) return;
    const next = queue.shift();
    if (!next) return;
    inFlight = {
      name: next.name,
      done: next.done,
      timer: setTimeout(() => link.fail(`no reply to ${next.name} within ${params.replyTimeoutMs} ms`), params.replyTimeoutMs),
    };
    link.write(next.line);
  };
  const command = (name: string, args: string[], done: (reply: Reply) => void) => {
    queue.push({ line: encodeCommand(name, args), name, done });
    pump();
  };
  const answer = (reply: Reply) => {
    const current = inFlight!;
    clearTimeout(current.timer);
    inFlight = null;
    current.done(reply);
    pump();
  };

  const reportStatus = (status: VideojetStatus) => {
    const report = statusReport(status);
    send({ type: 'driver.status', status: report });
    return report;
  };
  const queryStatus = (then?: (status: VideojetStatus | null) => void) =>
    command('GST', [], (reply) => {
      const status = reply.ok ? parseStatus(reply.args) : null;
      if (status) reportStatus(status);
      then?.(status);
    });

  const finish = () => {
    if (awaiting?.deadline) clearTimeout(awaiting.deadline);
    const job = awaiting?.job ?? null;
    awaiting = null;
    return job;
  };

  const onMessage = (text: string) => {
    const [name, ...args] = splitMessage(text);
    if (name === 'ACK' || name === 'STS') {
      if (inFlight) answer({ ok: true, args });
      else send({ type: 'driver.garbage', bytes: text.length, reason: `unexpected ${name}` });
    } else if (name === 'ERR') {
      if (inFlight) answer({ ok: false, reason: args.join(' ') || `${inFlight.name} refused` });
      else send({ type: 'driver.garbage', bytes: text.length, reason: 'unexpected ERR' });
    } else if (name === 'PRC') {
      const job = finish();
      if (job) send({ type: 'driver.printed', jobId: job.jobId });
    } else if (name === 'PRS') {
      // Print started: the label is on its way; only PRC confirms it.
    } else if (name === 'FLT') {
      const fault = faultOf(args[0] ?? '') ?? 'jam';
      const detail = (args[0] ?? 'fault').toLowerCase().replace(/_/g, ' ');
      send({ type: 'driver.status', status: { fault, detail } });
      const job = finish();
      if (job) send({ type: 'driver.printFailed', jobId: job.jobId, reason: detail, fault });
    } else {
      send({ type: 'driver.garbage', bytes: text.length, reason: 'unknown message' });
    }
  };

  const stop = () => {
    clearInterval(idle);
    if (inFlight) clearTimeout(inFlight.timer);
    finish();
  };

  const print = (job: PrintJob) => {
    const fail = (reason: string, fault: ReturnType<typeof faultOf> = null, unconfirmed = false) =>
      send({ type: 'driver.printFailed', jobId: job.jobId, reason, fault, ...(unconfirmed ? { unconfirmed } : {}) });
    const value = renderJob(job, '{{code}}', send);
    if (value === null) return;
    const fields = [[params.codeField, value], ...Object.entries(job.params)];
    const bad = fields.find(([key, v]) => unsafeValue(key!) || unsafeValue(v!) || key!.includes('='));
    if (bad) {
      fail(`field ${bad[0]} contains a character the protocol cannot carry (| = CR LF)`);
      return;
    }
    awaiting = { job, deadline: null };
    command(
      'JDU',
      fields.map(([key, v]) => `${key}=${v}`),
      (reply) => {
        if (awaiting?.job !== job) return;
        if (reply.ok) {
          awaiting.deadline = setTimeout(() => {
            if (finish()) fail(`no print-complete message within ${params.confirmTimeoutMs} ms`, null, true);
          }, params.confirmTimeoutMs);
          return;
        }
        // Refused: ask why, so a fault is reported as one (ink out, jam) rather than a bare ERR.
        queryStatus((status) => {
          if (awaiting?.job !== job) return;
          finish();
          const report = status ? statusReport(status) : null;
          fail(report?.fault ? (report.detail ?? reply.reason) : `refused: ${reply.reason}`, report?.fault ?? null);
        });
      },
    );
  };

  const { link, session } = openPrinterLink(config, send, {
    connected: () => {
      if (params.job) command('SEL', [params.job], (reply) => !reply.ok && link.fail(`job ${params.job} could not be selected: ${reply.reason}`));
      queryStatus();
      idle = setInterval(() => {
        if (!inFlight && !awaiting && queue.length === 0) queryStatus();
      }, params.idleStatusMs);
    },
    data: textFrames(decoder, send, onMessage),
    print,
    queryStatus: () => queryStatus(),
    stop,
  });
  return session;
}
