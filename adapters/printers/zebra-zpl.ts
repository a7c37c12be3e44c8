import type { PrintJob } from '../../machines/edge/printer.machine.js';
import type { DriverSession, SendDriverEvent, ZebraDriverConfig } from './printer-driver.js';
import { openPrinterLink, renderJob } from './printer-link.js';
import { DEFAULT_TEMPLATES, escapeZplPlaceholder } from './templates.js';
import { type HostStatus, HostStatusDecoder, hostStatusReport } from './zebra-host-status.js';

/**
 * Zebra ZPL over raw TCP (port 9100). A label is a ^XA…^XZ format; it counts as printed once a
 * `~HS` asked after it was sent shows an empty receive buffer, no labels remaining and no fault.
 * A fault seen meanwhile (head open, ribbon/paper out, pause) fails the label with that reason;
 * no such status within confirmTimeoutMs fails it as unconfirmed. Either way the buffer is
 * cancelled (~JA), so a label answered "not printed" never prints later.
 */
export function zebraZplDriver(config: ZebraDriverConfig, send: SendDriverEvent): DriverSession {
  const { params } = config;
  const decoder = new HostStatusDecoder();
  let requested = 0;
  let answered = 0;
  let pending: { job: PrintJob; statusesBefore: number; poll: NodeJS.Timeout; deadline: NodeJS.Timeout } | null = null;
  let idle: NodeJS.Timeout | undefined;

  const requestStatus = () => {
    requested++;
    link.write('~HS');
  };

  const settle = () => {
    if (!pending) return;
    clearInterval(pending.poll);
    clearTimeout(pending.deadline);
    pending = null;
  };

  const onStatus = (status: HostStatus) => {
    answered++;
    const report = hostStatusReport(status);
    send({ type: 'driver.status', status: report });
    // Only an answer to a ~HS sent after the label says anything about the label.
    if (!pending || answered <= pending.statusesBefore) return;
    const { jobId } = pending.job;
    if (report.fault) {
      settle();
      // A label reported as not printed must not come out later, when someone clears the fault
      // and the caller has already printed it again: ~JA cancels every format in the buffer.
      link.write('~JA');
      send({ type: 'driver.printFailed', jobId, reason: report.detail ?? report.fault, fault: report.fault });
    } else if (status.formatsInBuffer === 0 && status.labelsRemaining === 0 && !status.partialFormat) {
      settle();
      send({ type: 'driver.printed', jobId });
    }
  };

  const stopTimers = () => {
    settle();
    clearInterval(idle);
  };

  const print = (job: PrintJob) => {
    let label = renderJob(job, DEFAULT_TEMPLATES.ZEBRA_ZPL, send, escapeZplPlaceholder);
    if (label === null) return;
    if (params.darkness !== undefined) label = label.replace(/^\s*\^XA/, `^XA^MD${params.darkness}`);
    link.write(label);
    const statusesBefore = requested;
    requestStatus();
    pending = {
      job,
      statusesBefore,
      poll: setInterval(requestStatus, params.statusPollMs),
      deadline: setTimeout(() => {
        settle();
        link.write('~JA');
        send({ type: 'driver.printFailed', jobId: job.jobId, reason: `the printer did not confirm the label within ${params.confirmTimeoutMs} ms`, fault: null, unconfirmed: true });
      }, params.confirmTimeoutMs),
    };
  };

  const { link, session } = openPrinterLink(config, send, {
    connected: () => {
      requestStatus();
      idle = setInterval(() => {
        if (!pending) requestStatus();
      }, params.idleStatusMs);
    },
    data: (chunk) => {
      for (const piece of decoder.push(chunk)) {
        if (piece.kind === 'status') onStatus(piece.status);
        else send({ type: 'driver.garbage', bytes: piece.bytes, reason: piece.reason });
      }
    },
    print,
    queryStatus: requestStatus,
    stop: stopTimers,
  });
  return session;
}
