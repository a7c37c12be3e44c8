import type { PrintJob } from '../../machines/edge/printer.machine.js';
import type { FrameDecoder } from '../scanners/frame-decoder.js';
import type { DriverSession, SendDriverEvent } from './printer-driver.js';
import { dialTcp, type TcpLink, type TcpLinkOptions } from './tcp-link.js';
import { renderTemplate } from './templates.js';

/**
 * What every printer driver does the same way around its protocol: report the link coming up
 * and failing, stop its timers on failure or close, and route the machine's commands. Each
 * driver supplies only the parts that differ by model.
 */
export interface PrinterProtocol {
  /** The link is up and `driver.connected` has been sent: ask for status, start idle polling. */
  connected(): void;
  data(chunk: Buffer): void;
  print(job: PrintJob): void;
  queryStatus(): void;
  /** Clears every timer; runs once the link failed or the owner closed the session. */
  stop(): void;
}

export function openPrinterLink(
  endpoint: Pick<TcpLinkOptions, 'host' | 'port' | 'connectTimeoutMs'>,
  send: SendDriverEvent,
  protocol: PrinterProtocol,
): { link: TcpLink; session: DriverSession } {
  const link = dialTcp({
    host: endpoint.host,
    port: endpoint.port,
    connectTimeoutMs: endpoint.connectTimeoutMs,
    onConnected: (peer) => {
      send({ type: 'driver.connected', peer });
      protocol.connected();
    },
    onData: (chunk) => protocol.data(chunk),
    onFailed: (reason) => {
      protocol.stop();
      send({ type: 'driver.failed', reason });
    },
  });
  const session: DriverSession = {
    command(command) {
      if (command.type === 'driver.print') protocol.print(command.job);
      else protocol.queryStatus();
    },
    close() {
      protocol.stop();
      link.close();
    },
  };
  return { link, session };
}

/** For line protocols: bad framing is reported as garbage, blank lines are skipped, the rest handled. */
export function textFrames(decoder: FrameDecoder, send: SendDriverEvent, onText: (text: string) => void): (chunk: Buffer) => void {
  return (chunk) => {
    for (const frame of decoder.push(chunk)) {
      if (frame.kind === 'garbage') send({ type: 'driver.garbage', bytes: frame.bytes, reason: frame.reason });
      else if (frame.text.trim() !== '') onText(frame.text);
    }
  };
}

/** The job's label text, or null after failing the job when its template cannot be filled. */
export function renderJob(job: PrintJob, fallbackTemplate: string, send: SendDriverEvent, escape?: (value: string, name: string) => string): string | null {
  try {
    // gs1_code: the same code for a GS1 bar code field (escaped by the model's rules for that field).
    return renderTemplate(job.template ?? fallbackTemplate, { gs1_code: job.code, ...job.params, code: job.code }, escape);
  } catch (error) {
    send({ type: 'driver.printFailed', jobId: job.jobId, reason: (error as Error).message, fault: null });
    return null;
  }
}
