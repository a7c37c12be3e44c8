import { isUtf8 } from 'node:buffer';
import type { Frame, FramingConfig } from './framing.js';

const CR = 0x0d;
const LF = 0x0a;
const STX = 0x02;
const ETX = 0x03;

// GS (0x1d) is part of a GS1 code; every other C0/C1 control (and DEL) means the bytes are not a code.
const FORBIDDEN_CONTROL = /[\u0000-\u001c\u001e-\u001f\u007f-\u009f]/;

/**
 * Streaming scanner-frame decoder: push TCP chunks in any split, get whole frames out. It keeps
 * at most `maxFrameBytes` of pending input, so a peer streaming garbage cannot grow memory.
 * Codes are returned as received (no `]d2` stripping, no `<GS>` substitution): normalising is
 * the domain's job, and keeping the raw text lets the journal show what the reader really sent.
 */
export class FrameDecoder {
  private readonly max: number;
  private readonly prefix: Buffer | null;
  private readonly noRead: Set<string>;
  private readonly terminator: Buffer | null; // only for { custom }
  private pending: Buffer | null = null;
  /** Line modes: dropping an oversized run until the next terminator; the count is its tail. */
  private discarding = false;
  private discarded = 0;
  /** STX_ETX mode: inside STX…ETX, or counting stray bytes outside a frame. */
  private inside = false;
  private outside = 0;

  constructor(private readonly config: FramingConfig) {
    this.max = config.maxFrameBytes;
    this.prefix = config.prefix ? Buffer.from(config.prefix, 'utf8') : null;
    this.noRead = new Set(config.noRead.map((s) => s.trim().toUpperCase()));
    this.terminator = typeof config.suffix === 'object' ? Buffer.from(config.suffix.custom, 'utf8') : null;
  }

  push(chunk: Buffer): Frame[] {
    const out: Frame[] = [];
    if (chunk.length === 0) return out;
    const suffix = this.config.suffix;
    if (suffix === 'NONE') this.pushWhole(chunk, out);
    else if (suffix === 'STX_ETX') this.pushStxEtx(chunk, out);
    else this.pushLines(chunk, out);
    return out;
  }

  /** End of stream (peer closed): whatever is still pending can never become a frame. */
  flush(): Frame[] {
    const out: Frame[] = [];
    if (this.pending && this.pending.length > 0) {
      out.push(garbage(this.pending.length, 'incomplete frame at end of stream'));
    }
    if (this.discarding && this.discarded > 0) out.push(garbage(this.discarded, 'tail of an oversized frame'));
    if (this.outside > 0) out.push(garbage(this.outside, 'bytes outside STX…ETX'));
    this.pending = null;
    this.discarding = false;
    this.discarded = 0;
    this.inside = false;
    this.outside = 0;
    return out;
  }

  private pushWhole(chunk: Buffer, out: Frame[]): void {
    // Readers set to "no suffix" often still end with CR/LF; a trailing line end is not data.
    let end = chunk.length;
    while (end > 0 && (chunk[end - 1] === CR || chunk[end - 1] === LF)) end--;
    this.emit(chunk.subarray(0, end), out);
  }

  private pushLines(chunk: Buffer, out: Frame[]): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const carried = this.pending ? this.pending.length : 0;
    this.pending = null;
    let start = 0;
    // A custom terminator may straddle chunks: resume the search just before the new bytes.
    let from = this.terminator ? Math.max(0, carried - this.terminator.length + 1) : carried;
    for (;;) {
      const [at, len] = this.findTerminator(buf, from);
      if (at < 0) break;
      this.endOfRun(buf.subarray(start, at), out);
      start = at + len;
      from = start;
    }
    const rest = buf.subarray(start);
    if (rest.length === 0) return;
    if (this.discarding) {
      this.countDiscarded(rest.length, out);
    } else if (rest.length > this.max) {
      out.push(garbage(rest.length, `no terminator within ${this.max} bytes`));
      this.discarding = true;
      this.discarded = 0;
    } else {
      this.pending = Buffer.from(rest); // copy: do not pin the whole socket chunk
    }
  }

  private findTerminator(buf: Buffer, from: number): [number, number] {
    if (this.terminator) return [buf.indexOf(this.terminator, from), this.terminator.length];
    const suffix = this.config.suffix;
    for (let i = from; i < buf.length; i++) {
      const b = buf[i];
      if (suffix === 'CR' ? b === CR : suffix === 'LF' ? b === LF : b === CR || b === LF) return [i, 1];
    }
    return [-1, 0];
  }

  private endOfRun(run: Buffer, out: Frame[]): void {
    if (this.discarding) {
      this.countDiscarded(run.length, out);
      if (this.discarded > 0) out.push(garbage(this.discarded, 'tail of an oversized frame'));
      this.discarding = false;
      this.discarded = 0;
      return;
    }
    if (run.length > this.max) {
      out.push(garbage(run.length, `no terminator within ${this.max} bytes`));
      return;
    }
    this.emit(run, out);
  }

  private countDiscarded(n: number, out: Frame[]): void {
    this.discarded += n;
    // Report every max bytes so a peer that never sends a terminator still shows up.
    while (this.discarded > this.max) {
      out.push(garbage(this.max, 'tail of an oversized frame'));
      this.discarded -= this.max;
    }
  }

  private pushStxEtx(chunk: Buffer, out: Frame[]): void {
    let start = 0; // start of the current inside-run within chunk (when inside)
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (!this.inside) {
        if (b === STX) {
          this.reportOutside(out);
          this.inside = true;
          start = i + 1;
        } else if (b === CR || b === LF) {
          // Readers commonly append CR/LF after ETX: harmless, but it ends a run of stray bytes
          // so a reader misconfigured for line framing shows up once per line.
          this.reportOutside(out);
        } else if (++this.outside > this.max) {
          this.reportOutside(out);
        }
        continue;
      }
      if (b === ETX || b === STX) {
        const run = this.takePending(chunk.subarray(start, i));
        if (b === ETX) {
          this.inside = false;
          this.emit(run, out);
        } else {
          // A new STX before ETX: the previous frame was cut off; start over.
          if (run.length > 0) out.push(garbage(run.length, 'STX before ETX'));
          start = i + 1;
        }
        continue;
      }
      const length = (this.pending?.length ?? 0) + (i + 1 - start);
      if (length > this.max) {
        // Oversized frame: give up on it; what follows up to the next STX is stray bytes.
        out.push(garbage(length, `no ETX within ${this.max} bytes`));
        this.pending = null;
        this.inside = false;
      }
    }
    if (this.inside && start < chunk.length) {
      const tail = chunk.subarray(start);
      this.pending = this.pending ? Buffer.concat([this.pending, tail]) : Buffer.from(tail);
    }
  }

  private takePending(tail: Buffer): Buffer {
    if (!this.pending) return tail;
    const whole = Buffer.concat([this.pending, tail]);
    this.pending = null;
    return whole;
  }

  private reportOutside(out: Frame[]): void {
    if (this.outside > 0) out.push(garbage(this.outside, 'bytes outside STX…ETX'));
    this.outside = 0;
  }

  private emit(bytes: Buffer, out: Frame[]): void {
    const frame = this.classify(bytes);
    if (frame) out.push(frame);
  }

  private classify(raw: Buffer): Frame | null {
    let bytes = raw;
    if (this.prefix && bytes.length >= this.prefix.length && bytes.subarray(0, this.prefix.length).equals(this.prefix)) {
      bytes = bytes.subarray(this.prefix.length);
    }
    if (bytes.length === 0) return null;
    if (bytes.length > this.max) return garbage(bytes.length, `frame longer than ${this.max} bytes`);
    if (!isUtf8(bytes)) return garbage(bytes.length, 'invalid UTF-8');
    const text = bytes.toString('utf8');
    if (FORBIDDEN_CONTROL.test(text)) return garbage(bytes.length, 'control characters in frame');
    const trimmed = text.trim();
    if (trimmed.length === 0) return null;
    if (this.noRead.has(trimmed.toUpperCase())) return { kind: 'noread', text };
    return { kind: 'code', text };
  }
}

function garbage(bytes: number, reason: string): Frame {
  return { kind: 'garbage', bytes, reason };
}
