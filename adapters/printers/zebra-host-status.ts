import type { PrinterStatusReport } from '../../src/domain/ports/printer-driver.js';

/**
 * Zebra's `~HS` host status: three STX…ETX CR LF strings (ZPL II programming guide).
 *   1: aaa,b,c,dddd,eee,f,g,h,iii,j,k,l — b paper out, c pause, dddd label length, eee formats
 *      in the receive buffer, f buffer full, h partial format, j corrupt RAM, k/l under/over temperature
 *   2: mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www — o head up, p ribbon out, q thermal-transfer mode,
 *      t label waiting (peel-off), uuuuuuuu labels remaining in batch
 *   3: xxxx,y — password, static RAM
 * A ~ command is handled as it arrives, ahead of the formats waiting in the buffer, which is why
 * polling it tells when a label sent earlier has left the printer.
 */
export interface HostStatus {
  paperOut: boolean;
  paused: boolean;
  formatsInBuffer: number;
  bufferFull: boolean;
  partialFormat: boolean;
  headUp: boolean;
  ribbonOut: boolean;
  labelsRemaining: number;
  overTemperature: boolean;
}

const STX = '\u0002';
const ETX = '\u0003';
const flag = (s: string | undefined) => s === '1';
const FIELDS = [12, 11, 2];

export function parseHostStatus(strings: string[]): HostStatus | null {
  if (strings.length !== 3) return null;
  const [one, two, three] = strings.map((s) => s.split(','));
  if (one!.length !== FIELDS[0] || two!.length !== FIELDS[1] || three!.length !== FIELDS[2]) return null;
  if (![...one!, ...two!, ...three!].every((f) => /^\d+$/.test(f))) return null;
  return {
    paperOut: flag(one![1]),
    paused: flag(one![2]),
    formatsInBuffer: Number(one![4]),
    bufferFull: flag(one![5]),
    partialFormat: flag(one![7]),
    headUp: flag(two![2]),
    ribbonOut: flag(two![3]),
    labelsRemaining: Number(two![8]),
    overTemperature: flag(one![11]),
  };
}

/** The printer's side: what a Zebra answers to ~HS (used by the simulator and tests). */
export function formatHostStatus(s: HostStatus): string {
  const b = (v: boolean) => (v ? '1' : '0');
  const one = `030,${b(s.paperOut)},${b(s.paused)},1218,${String(s.formatsInBuffer).padStart(3, '0')},${b(s.bufferFull)},0,${b(s.partialFormat)},000,0,0,${b(s.overTemperature)}`;
  const two = `001,0,${b(s.headUp)},${b(s.ribbonOut)},1,2,6,0,${String(s.labelsRemaining).padStart(8, '0')},0,000`;
  const three = '1234,0';
  return [one, two, three].map((line) => `${STX}${line}${ETX}\r\n`).join('');
}

/** A fault the printer cannot print through; buffer full is not one (it only has to wait). */
export function hostStatusReport(s: HostStatus): PrinterStatusReport {
  const info = { formatsInBuffer: s.formatsInBuffer, labelsRemaining: s.labelsRemaining, bufferFull: s.bufferFull };
  // Zebra has no jam flag: a jam is cleared by opening the head, and the head being up stops printing.
  if (s.headUp) return { fault: 'jam', detail: 'head open', info };
  if (s.ribbonOut) return { fault: 'ink_out', detail: 'ribbon out', info };
  if (s.paperOut) return { fault: 'ink_out', detail: 'paper out', info };
  if (s.paused) return { fault: 'paused', detail: 'paused', info };
  return { fault: null, detail: null, info };
}

export type HostStatusPiece = { kind: 'status'; status: HostStatus } | { kind: 'garbage'; bytes: number; reason: string };

/** Streaming ~HS reader: any split of chunks in, whole statuses (or garbage) out, bounded memory. */
export class HostStatusDecoder {
  private text = '';
  /** Strings 1 and 2 of the status being read; each string is recognised by its field count. */
  private strings: string[] = [];

  constructor(private readonly maxBytes = 1024) {}

  push(chunk: Buffer): HostStatusPiece[] {
    const out: HostStatusPiece[] = [];
    const garbage = (text: string, reason: string, bytes = text.replace(/[\r\n]/g, '').length) => {
      if (bytes > 0) {
        out.push({ kind: 'garbage', bytes, reason });
        this.strings = [];
      }
    };
    this.text += chunk.toString('latin1');
    for (;;) {
      const start = this.text.indexOf(STX);
      if (start === -1) {
        garbage(this.text, 'bytes outside a ~HS string');
        this.text = '';
        return out;
      }
      garbage(this.text.slice(0, start), 'bytes outside a ~HS string');
      this.text = this.text.slice(start);
      const end = this.text.indexOf(ETX);
      if (end === -1) {
        if (this.text.length > this.maxBytes) {
          garbage(this.text, 'unterminated ~HS string');
          this.text = '';
        }
        return out;
      }
      const body = this.text.slice(1, end);
      this.text = this.text.slice(end + 1);
      const fields = body.split(',').length;
      if (body.includes(STX)) garbage(body, 'STX inside a ~HS string');
      else if (fields === FIELDS[0]) this.strings = [body];
      else if (fields === FIELDS[1] && this.strings.length === 1) this.strings.push(body);
      else if (fields === FIELDS[2] && this.strings.length === 2) {
        const status = parseHostStatus([...this.strings, body]);
        this.strings = [];
        if (status) out.push({ kind: 'status', status });
        else garbage(body, 'malformed ~HS status', Math.max(1, body.length));
      } else garbage(body, 'unexpected ~HS string', Math.max(1, body.length));
    }
  }
}
