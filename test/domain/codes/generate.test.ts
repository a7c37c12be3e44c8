import { expect } from 'chai';
import {
  CSET82_CHARACTERS,
  INDUSTRIES,
  PROFILES,
  checkCode,
  generateCode,
  generateCodeForProfile,
  generateGtin,
  isValidGtin,
  normaliseScan,
  type Industry,
} from '../../../src/domain/codes/index.js';
import { GS, GTIN, seededRng } from './support.js';

function serialLength(industry: Industry): number {
  const p = PROFILES[industry];
  return p.format === 'raw' ? p.segments.find((s) => s.role === 'serial')!.length : p.elements.find((e) => e.ai === '21')!.length;
}

describe('codes/generate', () => {
  for (const industry of INDUSTRIES) {
    it(`${industry}: a valid code in the profile layout`, () => {
      const code = generateCode(industry, { rng: seededRng(7) });
      const r = checkCode(code, industry);
      expect(r.valid, JSON.stringify(code)).to.equal(true);
      if (!r.valid) return;
      expect(r.code.normalised).to.equal(code);
      expect(r.code.serial).to.have.length(serialLength(industry));
      expect([...r.code.serial].every((c) => CSET82_CHARACTERS.includes(c))).to.equal(true);
      expect(r.code.gtin.startsWith('0460')).to.equal(true);
    });
  }

  it('lays out GS bytes as the decrees print them', () => {
    const block = generateCode('tobacco_block', { rng: seededRng(1) });
    expect(block).to.match(/^01\d{14}21.{7}\u001d8005\d{6}\u001d93.{4}$/s);
    const pharma = generateCode('pharma', { rng: seededRng(1) });
    expect(pharma).to.match(/^01\d{14}21[^\u001d]{13}\u001d91[^\u001d]{4}\u001d92[^\u001d]{44}$/);
    const pack = generateCode('tobacco_pack', { rng: seededRng(1) });
    expect(pack).to.have.length(29);
    expect(pack).not.to.include(GS);
  });

  it('is deterministic for a given rng sequence, and varies with it', () => {
    expect(generateCode('milk', { rng: seededRng(42) })).to.equal(generateCode('milk', { rng: seededRng(42) }));
    expect(generateCode('milk', { rng: seededRng(42) })).not.to.equal(generateCode('milk', { rng: seededRng(43) }));
  });

  it('uses the GTIN it is given and refuses an invalid one', () => {
    const r = checkCode(generateCode('water', { gtin: GTIN }), 'water');
    expect(r.valid && r.code.gtin).to.equal(GTIN);
    expect(() => generateCode('water', { gtin: '04600000000017' })).to.throw(RangeError);
    expect(() => generateCode('nope' as Industry)).to.throw(RangeError);
  });

  it('generates valid Russian GTINs', () => {
    const rng = seededRng(3);
    for (let i = 0; i < 100; i++) expect(isValidGtin(generateGtin(rng))).to.equal(true);
  });

  it('never hands out a code that normalisation would change (a serial spelling "<GS>")', () => {
    // Feeds '<', 'G', 'S', '>' first, then ordinary characters: the first attempt spells "<GS>".
    const alphabet = CSET82_CHARACTERS;
    const forced = ['<', 'G', 'S', '>', '<', 'G'].map((c) => (alphabet.indexOf(c) + 0.5) / alphabet.length);
    let i = 0;
    const base = seededRng(9);
    const rng = () => (i < forced.length ? forced[i++]! : base());
    const profile = { format: 'gs1', name: 't', elements: [{ ai: '01', length: 14 }, { ai: '21', length: 6 }] } as const;
    const code = generateCodeForProfile(profile, { rng, gtin: GTIN });
    expect(code).not.to.include('<GS>');
    expect(normaliseScan(code)).to.equal(code);
  });

  it('survives a constant rng', () => {
    for (const industry of INDUSTRIES) {
      const code = generateCode(industry, { rng: () => 0 });
      expect(checkCode(code, industry).valid, industry).to.equal(true);
    }
  });
});
