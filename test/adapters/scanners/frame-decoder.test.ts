import { expect } from 'chai';
import fc from 'fast-check';
import { FrameDecoder } from '../../../adapters/scanners/frame-decoder.js';
import { framingSchema, type Frame, type FramingConfig } from '../../../adapters/scanners/framing.js';

const GS = '\u001d';
const CODE_A = `0104600000000017215aBcDe${GS}93AbCd`;
const CODE_B = `0104600000000024215xYz12${GS}93wXyZ`;

function config(partial: Partial<FramingConfig> = {}): FramingConfig {
  return framingSchema.parse(partial);
}

function decodeChunks(cfg: FramingConfig, chunks: Array<Buffer | string>): Frame[] {
  const decoder = new FrameDecoder(cfg);
  return chunks.flatMap((c) => decoder.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c));
}

function byteByByte(cfg: FramingConfig, stream: string | Buffer): Frame[] {
  const bytes = typeof stream === 'string' ? Buffer.from(stream, 'utf8') : stream;
  const decoder = new FrameDecoder(cfg);
  const out: Frame[] = [];
  for (let i = 0; i < bytes.length; i++) out.push(...decoder.push(bytes.subarray(i, i + 1)));
  return out;
}

const code = (text: string): Frame => ({ kind: 'code', text });

describe('FrameDecoder', () => {
  describe('line framing (default CRLF, tolerant)', () => {
    it('decodes several frames in one chunk and keeps GS bytes and symbology prefixes intact', () => {
      const frames = decodeChunks(config(), [`${CODE_A}\r\n]d2${CODE_B}\r\n`]);
      expect(frames).to.deep.equal([code(CODE_A), code(`]d2${CODE_B}`)]);
      expect((frames[0] as { text: string }).text).to.include(GS);
    });

    it('reassembles frames split byte by byte', () => {
      expect(byteByByte(config(), `${CODE_A}\r\n${CODE_B}\r\n`)).to.deep.equal([code(CODE_A), code(CODE_B)]);
    });

    it('accepts bare LF and bare CR as terminators and ignores empty frames', () => {
      const frames = decodeChunks(config(), [`\r\n\r\n${CODE_A}\n${CODE_B}\r\r\n\n`]);
      expect(frames).to.deep.equal([code(CODE_A), code(CODE_B)]);
    });

    it('does not normalise <GS> substitutes', () => {
      expect(decodeChunks(config(), ['0104600000000017215aBcDe<GS>93AbCd\r\n'])).to.deep.equal([
        code('0104600000000017215aBcDe<GS>93AbCd'),
      ]);
    });

    it('keeps an unterminated tail pending until its terminator arrives', () => {
      const decoder = new FrameDecoder(config());
      expect(decoder.push(Buffer.from(CODE_A))).to.deep.equal([]);
      expect(decoder.push(Buffer.from('\r\n'))).to.deep.equal([code(CODE_A)]);
    });

    it('reports an incomplete frame as garbage on flush', () => {
      const decoder = new FrameDecoder(config());
      decoder.push(Buffer.from('01046000'));
      expect(decoder.flush()).to.deep.equal([{ kind: 'garbage', bytes: 8, reason: 'incomplete frame at end of stream' }]);
      expect(decoder.flush()).to.deep.equal([]);
    });
  });

  describe('no-reads and prefixes', () => {
    it('classifies the default no-read strings, case-insensitively and trimmed', () => {
      const frames = decodeChunks(config(), ['NoRead\r\nNO READ\r\nerror\r\n No Read \r\n']);
      expect(frames.map((f) => f.kind)).to.deep.equal(['noread', 'noread', 'noread', 'noread']);
    });

    it('uses the configured no-read list instead of the default', () => {
      const frames = decodeChunks(config({ noRead: ['FAIL'] }), ['FAIL\r\nNoRead\r\n']);
      expect(frames).to.deep.equal([
        { kind: 'noread', text: 'FAIL' },
        { kind: 'code', text: 'NoRead' },
      ]);
    });

    it('strips a configured prefix only where present', () => {
      const frames = decodeChunks(config({ prefix: 'R7:' }), [`R7:${CODE_A}\r\n${CODE_B}\r\nR7:NoRead\r\nR7:\r\n`]);
      expect(frames).to.deep.equal([code(CODE_A), code(CODE_B), { kind: 'noread', text: 'NoRead' }]);
    });
  });

  describe('garbage', () => {
    it('turns frames with control characters into garbage but keeps the stream in sync', () => {
      const frames = decodeChunks(config(), [`abc\u0000def\r\n${CODE_A}\r\n\u0007\u001b\r\n`]);
      expect(frames).to.deep.equal([
        { kind: 'garbage', bytes: 7, reason: 'control characters in frame' },
        code(CODE_A),
        { kind: 'garbage', bytes: 2, reason: 'control characters in frame' },
      ]);
    });

    it('turns invalid UTF-8 into garbage', () => {
      const frames = decodeChunks(config(), [Buffer.from([0x30, 0xff, 0xfe, 0x31, 0x0d, 0x0a]), `${CODE_B}\r\n`]);
      expect(frames).to.deep.equal([{ kind: 'garbage', bytes: 4, reason: 'invalid UTF-8' }, code(CODE_B)]);
    });

    it('accepts valid multi-byte UTF-8 split across chunks', () => {
      const bytes = Buffer.from('ЧЗ-код\r\n', 'utf8');
      expect(byteByByte(config(), bytes)).to.deep.equal([code('ЧЗ-код')]);
    });

    it('discards an oversized run without terminator, reports it, and resynchronises at the next terminator', () => {
      const cfg = config({ maxFrameBytes: 64 });
      const decoder = new FrameDecoder(cfg);
      const frames = [
        ...decoder.push(Buffer.alloc(50, 'x')),
        ...decoder.push(Buffer.alloc(50, 'y')),
        ...decoder.push(Buffer.from(`zzz\r\n${CODE_A}\r\n`)),
      ];
      expect(frames).to.deep.equal([
        { kind: 'garbage', bytes: 100, reason: 'no terminator within 64 bytes' },
        { kind: 'garbage', bytes: 3, reason: 'tail of an oversized frame' },
        code(CODE_A),
      ]);
    });

    it('bounds memory while a peer streams bytes that never terminate', () => {
      const decoder = new FrameDecoder(config({ maxFrameBytes: 100 }));
      const frames: Frame[] = [];
      for (let i = 0; i < 1000; i++) frames.push(...decoder.push(Buffer.alloc(10, 'q')));
      const total = frames.reduce((n, f) => n + (f.kind === 'garbage' ? f.bytes : 0), 0);
      expect(frames.every((f) => f.kind === 'garbage')).to.equal(true);
      expect(total).to.be.within(10_000 - 100, 10_000);
      expect((decoder as unknown as { pending: Buffer | null }).pending).to.equal(null);
    });

    it('treats a terminated frame longer than the limit as garbage', () => {
      const frames = decodeChunks(config({ maxFrameBytes: 16 }), [`${'9'.repeat(40)}\r\nshort\r\n`]);
      expect(frames).to.deep.equal([{ kind: 'garbage', bytes: 40, reason: 'no terminator within 16 bytes' }, code('short')]);
    });
  });

  describe('strict CR / LF and custom terminators', () => {
    it('CR mode: an LF is a control character, not a terminator', () => {
      const frames = decodeChunks(config({ suffix: 'CR' }), [`${CODE_A}\r${CODE_B}\n\r`]);
      expect(frames).to.deep.equal([code(CODE_A), { kind: 'garbage', bytes: CODE_B.length + 1, reason: 'control characters in frame' }]);
    });

    it('LF mode ends frames on LF only', () => {
      expect(decodeChunks(config({ suffix: 'LF' }), [`${CODE_A}\n${CODE_B}\n`])).to.deep.equal([code(CODE_A), code(CODE_B)]);
    });

    it('a multi-byte custom terminator straddling chunks is found', () => {
      const cfg = config({ suffix: { custom: '<END>' } });
      expect(byteByByte(cfg, `${CODE_A}<END>${CODE_B}<END>`)).to.deep.equal([code(CODE_A), code(CODE_B)]);
      expect(decodeChunks(cfg, [`${CODE_A}<E`, 'N', `D>${CODE_B}<END>`])).to.deep.equal([code(CODE_A), code(CODE_B)]);
    });
  });

  describe('STX/ETX framing', () => {
    const cfg = config({ suffix: 'STX_ETX' });

    it('decodes frames, tolerates CR/LF after ETX and reports stray bytes as garbage', () => {
      const frames = decodeChunks(cfg, [`\x02${CODE_A}\x03\r\nxx\x02${CODE_B}\x03junk\r\n\x02NoRead\x03`]);
      expect(frames).to.deep.equal([
        code(CODE_A),
        { kind: 'garbage', bytes: 2, reason: 'bytes outside STX…ETX' },
        code(CODE_B),
        { kind: 'garbage', bytes: 4, reason: 'bytes outside STX…ETX' },
        { kind: 'noread', text: 'NoRead' },
      ]);
    });

    it('reassembles byte by byte', () => {
      expect(byteByByte(cfg, `\x02${CODE_A}\x03\x02${CODE_B}\x03`)).to.deep.equal([code(CODE_A), code(CODE_B)]);
    });

    it('drops a frame cut off by a new STX', () => {
      expect(decodeChunks(cfg, [`\x02${CODE_A.slice(0, 10)}`, `\x02${CODE_B}\x03`])).to.deep.equal([
        { kind: 'garbage', bytes: 10, reason: 'STX before ETX' },
        code(CODE_B),
      ]);
    });

    it('gives up on a frame with no ETX within the limit and resynchronises on the next STX', () => {
      const small = config({ suffix: 'STX_ETX', maxFrameBytes: 32 });
      const frames = decodeChunks(small, [`\x02${'x'.repeat(40)}\x03`, `\x02${CODE_B}\x03`]);
      expect(frames).to.deep.equal([
        { kind: 'garbage', bytes: 33, reason: 'no ETX within 32 bytes' },
        { kind: 'garbage', bytes: 8, reason: 'bytes outside STX…ETX' },
        code(CODE_B),
      ]);
    });
  });

  describe('NONE framing', () => {
    it('treats each push as one frame, ignoring a trailing line end', () => {
      const decoder = new FrameDecoder(config({ suffix: 'NONE' }));
      expect([...decoder.push(Buffer.from(CODE_A)), ...decoder.push(Buffer.from(`${CODE_B}\r\n`))]).to.deep.equal([
        code(CODE_A),
        code(CODE_B),
      ]);
    });
  });

  it('property: any chunking of a stream yields the same frames as one push', () => {
    const frameText = fc.oneof(
      fc.constantFrom(CODE_A, CODE_B, 'NoRead', 'x\u0001y'),
      fc.string({ unit: fc.constantFrom('0', '1', 'A', 'z', GS, 'Ж'), minLength: 0, maxLength: 30 }),
    );
    const suffixes = fc.constantFrom<FramingConfig['suffix']>('CRLF', 'CR', 'LF', 'STX_ETX', { custom: '##' });
    fc.assert(
      fc.property(suffixes, fc.array(frameText, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 20 }), (suffix, texts, cuts) => {
        const cfg = config({ suffix, maxFrameBytes: 64 });
        const wrap = (t: string): string =>
          suffix === 'STX_ETX' ? `\x02${t}\x03` : typeof suffix === 'object' ? `${t}##` : `${t}${suffix === 'CRLF' ? '\r\n' : suffix === 'CR' ? '\r' : '\n'}`;
        const stream = Buffer.from(texts.map(wrap).join(''), 'utf8');
        const whole = new FrameDecoder(cfg).push(stream);
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const decoder = new FrameDecoder(cfg);
        const pieces: Frame[] = [];
        let last = 0;
        for (const p of [...points, stream.length]) {
          pieces.push(...decoder.push(stream.subarray(last, p)));
          last = p;
        }
        expect(pieces).to.deep.equal(whole);
        const codes = whole.filter((f) => f.kind === 'code').map((f) => (f as { text: string }).text);
        const expected = texts.filter((t) => t.trim() !== '' && t !== 'NoRead' && !t.includes('\u0001') && !(suffix === 'CRLF' && /[\r\n]/.test(t)));
        expect(codes).to.deep.equal(expected);
      }),
      { numRuns: 300 },
    );
  });
});
