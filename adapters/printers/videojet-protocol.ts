import type { PrinterFault, PrinterStatusReport } from '../../src/domain/ports/printer-driver.js';

/**
 * The Videojet-style text protocol (after Zipher Text Communications): every message is
 * `CMD|arg|…|` ended by CR; the printer answers each command with `ACK` or `ERR|reason|` and, on
 * its own, announces print start `PRS|`, print complete `PRC|` and faults `FLT|fault|`.
 *   SEL|job|        select a job (message layout)
 *   JDU|f=v|…|      set the job's user fields: the next product gets this data
 *   GST|            status → `STS|state|faults|count|`: state RUNNING | PAUSED | FAULT,
 *                   faults NONE or comma-separated (JAM, INK_OUT, MAKEUP_OUT, RIBBON_OUT), count printed
 */
export interface VideojetStatus {
  state: string;
  faults: string[];
  count: number | null;
}

export function encodeCommand(command: string, args: string[] = []): string {
  return `${[command, ...args].join('|')}|\r`;
}

/** `CMD|a|b|` → ['CMD', 'a', 'b']; the trailing empty field after the last | is dropped. */
export function splitMessage(line: string): string[] {
  const parts = line.trim().split('|');
  if (parts.length > 1 && parts.at(-1) === '') parts.pop();
  return parts;
}

/** A field value must not break the framing. */
export const unsafeValue = (value: string) => /[|\r\n]/.test(value);

export function parseStatus(args: string[]): VideojetStatus | null {
  const [state, faults, count] = args;
  if (!state || !/^[A-Z_]+$/.test(state)) return null;
  const list = !faults || faults === 'NONE' ? [] : faults.split(',').filter(Boolean);
  return { state, faults: list, count: count !== undefined && /^\d+$/.test(count) ? Number(count) : null };
}

export function faultOf(name: string): PrinterFault | null {
  if (name === 'JAM') return 'jam';
  if (/(INK|MAKEUP|RIBBON|SOLVENT)_OUT/.test(name)) return 'ink_out';
  if (name === 'PAUSED') return 'paused';
  return null;
}

export function statusReport(status: VideojetStatus): PrinterStatusReport {
  const info = { state: status.state, faults: status.faults, count: status.count };
  for (const name of status.faults) {
    const fault = faultOf(name);
    if (fault) return { fault, detail: name.toLowerCase().replace(/_/g, ' '), info };
  }
  if (status.state === 'PAUSED') return { fault: 'paused', detail: 'paused', info };
  if (status.state !== 'RUNNING') return { fault: 'jam', detail: `printer state ${status.state.toLowerCase()}`, info };
  return { fault: null, detail: null, info };
}

export function formatStatus(status: VideojetStatus): string {
  return encodeCommand('STS', [status.state, status.faults.length ? status.faults.join(',') : 'NONE', String(status.count ?? 0)]);
}
