import { generateCode, type Industry } from '../domain/codes/index.js';
import { seededRng } from '../domain/seeded-rng.js';
export { seededRng };

export type SimFrameKind = 'valid' | 'duplicate' | 'invalid' | 'noread';
export type SimFraming = 'CRLF' | 'CR' | 'LF' | 'STX_ETX';

export interface FrameSourceOptions {
  industry: Industry;
  /** Fractions of frames; the rest are valid. */
  mix?: { duplicate?: number; invalid?: number; noRead?: number };
  framing?: SimFraming;
  /** Prefix every code with its symbology identifier (`]d2`; `]d1` for tobacco packs), as many readers can. */
  symbologyPrefix?: boolean;
  /** How the reader renders the GS separator: the raw byte, or one of the common substitutes. */
  gsAs?: 'byte' | '<GS>' | '{GS}';
  /** Valid codes use one of these GTINs (a line running a production order); absent: a random GTIN each. */
  gtins?: readonly string[];
  rng: () => number;
}

export interface SimFrame {
  kind: SimFrameKind;
  /** The text as the reader sends it, without framing bytes. */
  code: string;
  /** The text with framing bytes, ready for the socket. */
  wire: string;
}

const GS = '\u001d';
const NO_READ = 'NoRead';
// Enough history to make duplicates realistic (a bottle re-scanned after a jam) without growing.
const DUPLICATE_HISTORY = 1024;

/**
 * What a simulated reader reads: a seeded stream of valid codes with a configurable share of
 * duplicates, corrupt codes and no-reads, rendered the way a configured reader renders them.
 */
export class FrameSource {
  private readonly recent: string[] = [];
  private recentNext = 0;
  private readonly thresholds: [number, number, number];

  constructor(private readonly options: FrameSourceOptions) {
    const duplicate = options.mix?.duplicate ?? 0;
    const invalid = options.mix?.invalid ?? 0;
    const noRead = options.mix?.noRead ?? 0;
    if ([duplicate, invalid, noRead].some((f) => !(f >= 0)) || duplicate + invalid + noRead > 1) {
      throw new RangeError('mix fractions must be >= 0 and sum to at most 1');
    }
    this.thresholds = [duplicate, duplicate + invalid, duplicate + invalid + noRead];
  }

  pickKind(): SimFrameKind {
    const r = this.options.rng();
    const [dup, inv, nr] = this.thresholds;
    return r < dup ? 'duplicate' : r < inv ? 'invalid' : r < nr ? 'noread' : 'valid';
  }

  /**
   * Builds one frame. A duplicate needs an earlier valid code; before any was sent it becomes a
   * valid frame (the returned kind says so).
   */
  next(requested: SimFrameKind = this.pickKind()): SimFrame {
    const { industry, rng } = this.options;
    if (requested === 'duplicate' && this.recent.length > 0) {
      // Remembered codes are already rendered as sent.
      return this.frame('duplicate', this.recent[Math.floor(rng() * this.recent.length)]!);
    }
    if (requested === 'noread') return this.frame('noread', NO_READ);
    if (requested === 'invalid') return this.frame('invalid', this.render(corruptGtin(generateCode(industry, { rng }), industry)));
    const gtins = this.options.gtins;
    const gtin = gtins && gtins.length > 0 ? gtins[Math.floor(rng() * gtins.length)] : undefined;
    return this.frame('valid', this.render(generateCode(industry, gtin === undefined ? { rng } : { rng, gtin })));
  }

  /** Remember a valid code once it has really reached a peer, so duplicates are true duplicates. */
  remember(frame: SimFrame): void {
    if (frame.kind !== 'valid') return;
    if (this.recent.length < DUPLICATE_HISTORY) this.recent.push(frame.code);
    else this.recent[this.recentNext] = frame.code;
    this.recentNext = (this.recentNext + 1) % DUPLICATE_HISTORY;
  }

  private render(raw: string): string {
    const gsAs = this.options.gsAs ?? 'byte';
    const text = gsAs === 'byte' ? raw : raw.split(GS).join(gsAs);
    // The identifier a real reader sends: ]d1 for the tobacco pack (Data Matrix without FNC1), ]d2 (GS1 DataMatrix) otherwise.
    if (!this.options.symbologyPrefix) return text;
    return `${this.options.industry === 'tobacco_pack' ? ']d1' : ']d2'}${text}`;
  }

  private frame(kind: SimFrameKind, code: string): SimFrame {
    return { kind, code, wire: wrap(code, this.options.framing ?? 'CRLF') };
  }
}

export function wrap(text: string, framing: SimFraming): string {
  switch (framing) {
    case 'CRLF':
      return `${text}\r\n`;
    case 'CR':
      return `${text}\r`;
    case 'LF':
      return `${text}\n`;
    case 'STX_ETX':
      return `\u0002${text}\u0003`;
  }
}

/**
 * Changes the GTIN check digit, which any GS1 mod-10 check catches. The tobacco pack code has no
 * AIs (GTIN first); every other profile starts with AI 01.
 */
export function corruptGtin(code: string, industry: Industry): string {
  const at = industry === 'tobacco_pack' ? 13 : 15;
  const digit = Number(code[at]);
  if (!Number.isInteger(digit)) throw new Error(`unexpected code layout for ${industry}: ${JSON.stringify(code)}`);
  return code.slice(0, at) + String((digit + 1) % 10) + code.slice(at + 1);
}

