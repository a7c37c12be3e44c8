import { expect } from 'chai';
import fc from 'fast-check';
import {
  CSET82_CHARACTERS,
  GS,
  INDUSTRIES,
  PROFILES,
  checkCode,
  generateCode,
  generateCodeForProfile,
  type CodeCheck,
  type Gs1Profile,
} from '../../../src/domain/codes/index.js';
import { GTIN, seededRng } from './support.js';

const industry = fc.constantFrom(...INDUSTRIES);
const seed = fc.integer({ min: 0, max: 0x7fffffff });
/** A generated code for a random industry. */
const generated = fc.tuple(industry, seed).map(([i, s]) => ({ industry: i, code: generateCode(i, { rng: seededRng(s) }) }));

function expectWellFormed(r: CodeCheck): void {
  expect(r.valid).to.be.a('boolean');
  if (!r.valid) {
    expect(r.reason).to.be.a('string').and.not.equal('');
    if (r.gtin !== null) expect(r.gtin).to.match(/^\d{14}$/);
  }
}

/** Where the GTIN digits sit: after '01' in GS1 layouts, at the start of a tobacco pack. */
function gtinOffset(i: (typeof INDUSTRIES)[number]): number {
  return PROFILES[i].format === 'raw' ? 0 : 2;
}

describe('codes/properties', () => {
  it('generateCode → checkCode is valid and round-trips gtin, serial and identification code', () => {
    fc.assert(
      fc.property(industry, seed, (i, s) => {
        const code = generateCode(i, { rng: seededRng(s) });
        const r = checkCode(code, i);
        expect(r.valid, JSON.stringify(code)).to.equal(true);
        if (!r.valid) return;
        const off = gtinOffset(i);
        expect(r.code.gtin).to.equal(code.slice(off, off + 14));
        expect(code.includes(r.code.serial)).to.equal(true);
        expect(r.code.serial).not.to.include(GS);
        expect([...r.code.serial].every((c) => CSET82_CHARACTERS.includes(c))).to.equal(true);
        expect(r.code.identificationCode).to.equal(`01${r.code.gtin}21${r.code.serial}`);
        expect(code.startsWith(PROFILES[i].format === 'raw' ? r.code.gtin + r.code.serial : r.code.identificationCode)).to.equal(true);
      }),
      { numRuns: 500 },
    );
  });

  it('a GTIN supplied to generateCode comes back out of checkCode', () => {
    fc.assert(
      fc.property(industry, seed, (i, s) => {
        const r = checkCode(generateCode(i, { rng: seededRng(s), gtin: GTIN }), i);
        expect(r.valid && r.code.gtin).to.equal(GTIN);
      }),
    );
  });

  it('the same rng sequence gives the same code', () => {
    fc.assert(
      fc.property(industry, seed, (i, s) => {
        expect(generateCode(i, { rng: seededRng(s) })).to.equal(generateCode(i, { rng: seededRng(s) }));
      }),
    );
  });

  it('changing one GTIN digit makes the code invalid with a check digit mismatch', () => {
    fc.assert(
      fc.property(generated, fc.integer({ min: 0, max: 13 }), fc.integer({ min: 1, max: 9 }), ({ industry: i, code }, pos, delta) => {
        const at = gtinOffset(i) + pos;
        const digit = (Number(code[at]) + delta) % 10;
        const mutated = code.slice(0, at) + digit + code.slice(at + 1);
        const r = checkCode(mutated, i);
        expect(r.valid).to.equal(false);
        if (!r.valid) {
          expect(r.reason).to.equal('GTIN check digit mismatch');
          expect(r.gtin).to.equal(mutated.slice(gtinOffset(i), gtinOffset(i) + 14));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('dropping any GS makes the code invalid', () => {
    const withGs = generated.filter(({ code }) => code.includes(GS));
    fc.assert(
      fc.property(withGs, fc.nat(), ({ industry: i, code }, k) => {
        const positions = [...code].flatMap((c, idx) => (c === GS ? [idx] : []));
        const at = positions[k % positions.length]!;
        const r = checkCode(code.slice(0, at) + code.slice(at + 1), i);
        expect(r.valid).to.equal(false);
        if (!r.valid) expect(r.reason).to.match(/^Missing GS separator before AI \d+$/);
      }),
      { numRuns: 500 },
    );
  });

  it('truncating the code makes it invalid', () => {
    fc.assert(
      fc.property(generated, fc.nat(), ({ industry: i, code }, k) => {
        const r = checkCode(code.slice(0, k % code.length), i);
        expect(r.valid).to.equal(false);
        expectWellFormed(r);
      }),
      { numRuns: 500 },
    );
  });

  it('scanner framing and printable GS substitutes do not change the result', () => {
    const framing = fc.record({
      // The symbology identifier each layout accepts (]d1 for the tobacco pack, ]d2 otherwise) is put in below.
      prefix: fc.constantFrom('', ']ID', `]ID${GS}`, GS, '\u0002'),
      suffix: fc.constantFrom('', '\r', '\n', '\r\n', GS),
      sub: fc.constantFrom(GS, '<GS>', '{GS}', '\\x1d', '\\u001d', '^]'),
    });
    fc.assert(
      fc.property(generated, framing, ({ industry: i, code }, f) => {
        const raw = f.prefix.replace(']ID', i === 'tobacco_pack' ? ']d1' : ']d2') + code.split(GS).join(f.sub) + f.suffix;
        const r = checkCode(raw, i);
        expect(r.valid, JSON.stringify(raw)).to.equal(true);
        if (r.valid) expect(r.code.normalised).to.equal(code);
      }),
    );
  });

  it('never splits a serial on a bare 91/92/93 inside it', () => {
    const nines = fc.string({ unit: fc.constantFrom('9', '1', '2', '3'), minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(fc.constantFrom('milk', 'water', 'beer', 'tobacco_block', 'pharma') as fc.Arbitrary<'milk'>, nines, seed, (i, filler, s) => {
        const profile = PROFILES[i] as Gs1Profile;
        const length = profile.elements.find((e) => e.ai === '21')!.length;
        const serial = filler.repeat(Math.ceil(length / filler.length)).slice(0, length);
        const base = generateCodeForProfile(profile, { rng: seededRng(s) }); // '01' GTIN '21' serial …
        const code = base.slice(0, 18) + serial + base.slice(18 + length);
        const r = checkCode(code, i);
        expect(r.valid && r.code.serial, JSON.stringify(code)).to.equal(serial);
      }),
    );
  });

  it('never throws on arbitrary input, and always gives a usable answer', () => {
    const gs1ish = fc.string({
      unit: fc.constantFrom('0', '1', '2', '3', '9', '8', '5', 'A', '<', 'GS', '<GS>', GS, ']d2', '\r', 'Ы', '\\x1d', ' '),
      maxLength: 60,
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), gs1ish), industry, (raw, i) => {
        expectWellFormed(checkCode(raw, i));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on mutated valid codes either', () => {
    fc.assert(
      fc.property(generated, fc.nat(), fc.string({ maxLength: 3 }), ({ industry: i, code }, k, insert) => {
        const at = k % (code.length + 1);
        expectWellFormed(checkCode(code.slice(0, at) + insert + code.slice(at + 1), i));
      }),
      { numRuns: 1000 },
    );
  });
});
