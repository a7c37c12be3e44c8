import { expect } from 'chai';
import fc from 'fast-check';
import { FrameDecoder } from '../../../adapters/scanners/frame-decoder.js';
import { type Frame, type FramingConfig, framingSchema } from '../../../adapters/scanners/framing.js';
import { assertProperty } from '../../support/fc-run.js';

/**
 * Properties of the scanner frame decoder under random noise, with a small maximum frame (the
 * schema's floor of 16 bytes up to 40, so noise crosses it often): it never throws, never hands
 * out a code longer than the maximum nor keeps more than that pending, and after garbage a
 * resynchronising byte (the terminator; ETX for STX…ETX) is enough for valid frames to decode
 * again, exactly and in order, however the stream is cut into chunks. FC_SEED replays a failure.
 */
const GS = 0x1d;
const CUSTOM = '##';

type Suffix = Exclude<FramingConfig['suffix'], 'NONE'>;
const suffixes = fc.constantFrom<Suffix>('CRLF', 'CR', 'LF', 'STX_ETX', { custom: CUSTOM });
const maxFrame = fc.integer({ min: 16, max: 40 });

const terminatorOf = (suffix: Suffix): string => (suffix === 'CRLF' ? '\r\n' : suffix === 'CR' ? '\r' : suffix === 'LF' ? '\n' : suffix === 'STX_ETX' ? '\u0003' : suffix.custom);
const framed = (suffix: Suffix, text: string) => (suffix === 'STX_ETX' ? `\u0002${text}\u0003` : `${text}${terminatorOf(suffix)}`);

/** Noise: any bytes, but for a custom terminator none of its first byte (a noise '#' can join the next terminator). */
const noise = (suffix: Suffix) => fc.uint8Array({ maxLength: 120 }).map((bytes) => Buffer.from(typeof suffix === 'object' ? bytes.filter((b) => b !== 0x23) : bytes));

/** A code as readers send it: letters, digits and GS, no spaces, up to the maximum. */
const codeText = (max: number) =>
  fc
    .array(fc.oneof(fc.integer({ min: 0x30, max: 0x39 }), fc.integer({ min: 0x41, max: 0x5a }), fc.integer({ min: 0x61, max: 0x7a }), fc.constant(GS)), { minLength: 1, maxLength: max })
    .map((bytes) => String.fromCharCode(...bytes))
    // All-GS is whitespace-free but not a read; keep at least one visible character.
    .filter((text) => /[0-9A-Za-z]/.test(text));

/** Cuts `bytes` at the given points (mod length): the chunks a socket might deliver. */
function cut(bytes: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => (bytes.length ? p % bytes.length : 0)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const p of at) {
    chunks.push(bytes.subarray(start, p));
    start = p;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

function decodeAll(decoder: FrameDecoder, chunks: Buffer[], max: number): Frame[] {
  const out: Frame[] = [];
  for (const chunk of chunks) {
    out.push(...decoder.push(chunk));
    // Bounded memory: never more than the maximum pending.
    const pending = (decoder as unknown as { pending: Buffer | null }).pending;
    expect(pending?.length ?? 0).to.be.at.most(max);
  }
  return out;
}

const notGarbage = (frames: Frame[]) => frames.filter((f): f is Exclude<Frame, { kind: 'garbage' }> => f.kind !== 'garbage');

describe('FrameDecoder (properties: noise, small maximum frame)', () => {
  it('never throws, never emits a code over the maximum, never keeps more than the maximum pending', () => {
    assertProperty(
      fc.property(
        fc.constantFrom<FramingConfig['suffix']>('CRLF', 'CR', 'LF', 'STX_ETX', 'NONE', { custom: CUSTOM }),
        maxFrame,
        fc.array(fc.uint8Array({ maxLength: 90 }), { maxLength: 12 }),
        (suffix, max, chunks) => {
          const decoder = new FrameDecoder(framingSchema.parse({ suffix, maxFrameBytes: max }));
          const frames = [...decodeAll(decoder, chunks.map((c) => Buffer.from(c)), max), ...decoder.flush()];
          for (const frame of notGarbage(frames)) expect(Buffer.byteLength(frame.text, 'utf8')).to.be.at.most(max);
          for (const frame of frames) if (frame.kind === 'garbage') expect(frame.bytes).to.be.greaterThan(0);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('decodes valid frames again, exactly and in order, after garbage and one resynchronising byte', () => {
    assertProperty(
      fc.property(
        suffixes.chain((suffix) =>
          maxFrame.chain((max) =>
            fc.record({
              suffix: fc.constant(suffix),
              max: fc.constant(max),
              noise: noise(suffix),
              codes: fc.array(codeText(max), { minLength: 1, maxLength: 6 }),
              cuts: fc.array(fc.nat(), { maxLength: 15 }),
            }),
          ),
        ),
        ({ suffix, max, noise: junk, codes, cuts }) => {
          const decoder = new FrameDecoder(framingSchema.parse({ suffix, maxFrameBytes: max }));
          const valid = Buffer.from(codes.map((c) => framed(suffix, c)).join(''), 'latin1');
          const stream = Buffer.concat([junk, Buffer.from(terminatorOf(suffix), 'latin1'), valid]);
          const frames = notGarbage(decodeAll(decoder, cut(stream, cuts), max));
          // Whatever the noise made of itself comes first; the last frames are exactly the codes.
          expect(frames.slice(-codes.length).map((f) => f.text)).to.deep.equal(codes);
          // And nothing is left half-read.
          expect(notGarbage(decoder.flush())).to.deep.equal([]);
        },
      ),
      { numRuns: 400 },
    );
  });
});
