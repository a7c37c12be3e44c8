import { expect } from 'chai';
import { checkCode, checkCodeWithProfile, type CodeCheck, type Industry } from '../../../src/domain/codes/index.js';
import { GS, GTIN } from './support.js';

function reasonOf(r: CodeCheck): string {
  if (r.valid) throw new Error('expected an invalid code');
  return r.reason;
}
function gtinOf(r: CodeCheck): string | null {
  if (r.valid) throw new Error('expected an invalid code');
  return r.gtin;
}

const MILK = `01${GTIN}215!IS(;${GS}93dGVz`;
const PHARMA = `01${GTIN}215ABCDEFGHIJKL${GS}91EE06${GS}92${'Ab3+/'.repeat(8)}abcd`;
const TOBACCO_BLOCK = `01${GTIN}21AbC-123${GS}8005012345${GS}93dGVz`;
const TOBACCO_PACK = `${GTIN}AbC-123PRC1chk1`;

describe('codes/validate', () => {
  describe('vectors', () => {
    it("rejects the spec's example for milk: GTIN 04600000000017 should end in 5", () => {
      const r = checkCode('010460000000001721ABC123KRIPTO1234', 'milk');
      expect(r).to.deep.equal({ valid: false, reason: 'GTIN check digit mismatch', reasonCode: 'CHECK_DIGIT', reasonParams: { field: 'GTIN' }, gtin: '04600000000017' });
    });

    it('accepts the reference milk example (its GTIN check digit 2 is right)', () => {
      const r = checkCode('0104600840749372215!IS(;<GS>93dGVz', 'milk');
      expect(r).to.deep.equal({
        valid: true,
        code: {
          normalised: MILK,
          gtin: GTIN,
          serial: '5!IS(;',
          identificationCode: `01${GTIN}215!IS(;`,
          ais: { '01': GTIN, '21': '5!IS(;', '93': 'dGVz' },
        },
      });
    });

    it('accepts the same code however the scanner framed it', () => {
      for (const raw of [`]d2${MILK}`, `]d2${GS}${MILK}\r\n`, MILK.replace(GS, '{GS}'), `]d2${MILK.replace(GS, '<GS>')}\n`]) {
        const r = checkCode(raw, 'milk');
        expect(r.valid, JSON.stringify(raw)).to.equal(true);
        if (r.valid) expect(r.code.normalised).to.equal(MILK);
      }
    });

    it('accepts each industry layout', () => {
      const cases: [string, Industry][] = [
        [`01${GTIN}215ABCDEFGHIJKL${GS}93dGVz`, 'water'],
        [`01${GTIN}21AbC-123${GS}93dGVz`, 'beer'],
        [TOBACCO_PACK, 'tobacco_pack'],
        [TOBACCO_BLOCK, 'tobacco_block'],
        [PHARMA, 'pharma'],
        [PHARMA, 'shoes'],
        [PHARMA, 'light_industry'],
      ];
      for (const [code, industry] of cases) expect(checkCode(code, industry).valid, industry).to.equal(true);
    });

    it('reads a tobacco pack without AIs: GTIN, serial, and the same identification code form', () => {
      const r = checkCode(TOBACCO_PACK, 'tobacco_pack');
      expect(r.valid && r.code).to.deep.equal({
        normalised: TOBACCO_PACK,
        gtin: GTIN,
        serial: 'AbC-123',
        identificationCode: `01${GTIN}21AbC-123`,
        ais: {},
      });
    });

    it('never splits a serial on a bare 91/92/93 inside it', () => {
      const r = checkCode(`01${GTIN}21593919293${GS}93dGVz`, 'milk');
      expect(reasonOf(r)).to.equal('Serial must be 6 characters for milk');
      const water = checkCode(`01${GTIN}215AB93CD91E923${GS}93dGVz`, 'water');
      expect(water.valid && water.code.serial).to.equal('5AB93CD91E923');
      const milk = checkCode(`01${GTIN}219393${'93'}${GS}93dGVz`, 'milk');
      expect(milk.valid && milk.code.serial).to.equal('939393');
    });

    it('accepts the weight AI of weight-variable dairy, and the GS1 freedom of element order', () => {
      const weighed = checkCode(`${MILK}${GS}3103001250`, 'milk');
      expect(weighed.valid && weighed.code.ais['3103']).to.equal('001250');
      const reordered = checkCode(`215!IS(;${GS}01${GTIN}93dGVz`, 'milk');
      expect(reordered.valid && reordered.code.identificationCode).to.equal(`01${GTIN}215!IS(;`);
    });

    it('tolerates a GS after the GTIN', () => {
      expect(checkCode(`01${GTIN}${GS}215!IS(;${GS}93dGVz`, 'milk').valid).to.equal(true);
    });
  });

  describe('reasons', () => {
    const cases: { name: string; raw: string; industry: Industry; reason: string; gtin: string | null }[] = [
      { name: 'empty', raw: '', industry: 'milk', reason: 'Empty code', gtin: null },
      { name: 'only framing', raw: ']d2\r\n', industry: 'milk', reason: 'Empty code', gtin: null },
      { name: 'GTIN cut short', raw: '0104600840', industry: 'milk', reason: 'Invalid code length for industry', gtin: null },
      { name: 'AI cut short', raw: `${MILK}${GS}3`, industry: 'milk', reason: 'Invalid code length for industry', gtin: GTIN },
      { name: 'tobacco pack too short', raw: TOBACCO_PACK.slice(0, -1), industry: 'tobacco_pack', reason: 'Invalid code length for industry', gtin: null },
      { name: 'GS1 code on a tobacco pack line', raw: MILK, industry: 'tobacco_pack', reason: 'Invalid code length for industry', gtin: null },
      { name: 'GTIN check digit', raw: `01${GTIN.slice(0, 13)}3215!IS(;${GS}93dGVz`, industry: 'milk', reason: 'GTIN check digit mismatch', gtin: `${GTIN.slice(0, 13)}3` },
      { name: 'tobacco pack check digit', raw: `${GTIN.slice(0, 13)}3${TOBACCO_PACK.slice(14)}`, industry: 'tobacco_pack', reason: 'GTIN check digit mismatch', gtin: `${GTIN.slice(0, 13)}3` },
      { name: 'letter in GTIN', raw: `01046008407493X2215!IS(;${GS}93dGVz`, industry: 'milk', reason: 'Invalid character in GTIN', gtin: null },
      { name: 'missing GS before 93', raw: `01${GTIN}215!IS(;93dGVz`, industry: 'milk', reason: 'Missing GS separator before AI 93', gtin: GTIN },
      { name: 'missing GS before 91', raw: PHARMA.replace(`${GS}91`, '91'), industry: 'pharma', reason: 'Missing GS separator before AI 91', gtin: GTIN },
      { name: 'missing GS before 92', raw: PHARMA.replace(`${GS}92`, '92'), industry: 'pharma', reason: 'Missing GS separator before AI 92', gtin: GTIN },
      { name: 'missing GS before 8005', raw: TOBACCO_BLOCK.replace(`${GS}8005`, '8005'), industry: 'tobacco_block', reason: 'Missing GS separator before AI 8005', gtin: GTIN },
      { name: 'missing GS after 8005', raw: TOBACCO_BLOCK.replace(`${GS}93`, '93'), industry: 'tobacco_block', reason: 'Missing GS separator before AI 93', gtin: GTIN },
      { name: 'serial too long', raw: `01${GTIN}215!IS(;7${GS}93dGVz`, industry: 'milk', reason: 'Serial must be 6 characters for milk', gtin: GTIN },
      { name: 'serial too short', raw: `01${GTIN}21ABC${GS}93dGVz`, industry: 'milk', reason: 'Serial must be 6 characters for milk', gtin: GTIN },
      { name: 'water serial', raw: `01${GTIN}215!IS(;${GS}93dGVz`, industry: 'water', reason: 'Serial must be 13 characters for water', gtin: GTIN },
      { name: 'crypto tail length', raw: `${MILK}x`, industry: 'milk', reason: 'Crypto tail must be 4 characters for milk', gtin: GTIN },
      { name: 'verification code length', raw: PHARMA.slice(0, -1), industry: 'shoes', reason: 'Verification code must be 44/88 characters for shoes', gtin: GTIN },
      { name: 'pharma code on a milk line', raw: `${MILK}${GS}91EE06`, industry: 'milk', reason: 'AI 91 (verification key) is not part of a milk code', gtin: GTIN },
      { name: '91 instead of 93', raw: `01${GTIN}215!IS(;${GS}91dGVz`, industry: 'milk', reason: 'AI 91 (verification key) is not part of a milk code', gtin: GTIN },
      { name: 'no crypto tail', raw: `01${GTIN}215!IS(;`, industry: 'milk', reason: 'Missing AI 93 (crypto tail) for milk', gtin: GTIN },
      { name: 'no 8005', raw: `01${GTIN}21AbC-123${GS}93dGVz`, industry: 'tobacco_block', reason: 'Missing AI 8005 (price) for tobacco_block', gtin: GTIN },
      { name: 'space in serial', raw: `01${GTIN}215!I (;${GS}93dGVz`, industry: 'milk', reason: 'Invalid character in serial', gtin: GTIN },
      { name: 'Cyrillic in serial (keyboard layout)', raw: `01${GTIN}215!IЫ(;${GS}93dGVz`, industry: 'milk', reason: 'Invalid character in serial', gtin: GTIN },
      { name: 'bad crypto character', raw: `01${GTIN}215!IS(;${GS}93dG~z`, industry: 'milk', reason: 'Invalid character in crypto tail', gtin: GTIN },
      { name: 'tobacco pack serial', raw: `${GTIN}AbC 123PRC1chk1`, industry: 'tobacco_pack', reason: 'Invalid character in serial', gtin: GTIN },
      { name: 'tobacco pack GS inside', raw: `${GTIN}AbC${GS}123PRC1chk1`, industry: 'tobacco_pack', reason: 'Invalid character in serial', gtin: GTIN },
      { name: 'letter in 8005', raw: TOBACCO_BLOCK.replace('8005012345', '800501234X'), industry: 'tobacco_block', reason: 'Invalid character in price', gtin: GTIN },
      { name: 'unknown AI', raw: `44${GTIN}`, industry: 'milk', reason: 'Unknown AI: the code has “4404” at position 0', gtin: null },
      { name: 'double GS', raw: `01${GTIN}215!IS(;${GS}${GS}93dGVz`, industry: 'milk', reason: 'Unexpected GS separator at position 25', gtin: GTIN },
      { name: 'duplicate serial', raw: `01${GTIN}215!IS(;${GS}21ABCDEF${GS}93dGVz`, industry: 'milk', reason: 'Duplicate AI 21', gtin: GTIN },
      { name: 'overlong garbage', raw: '0'.repeat(5000), industry: 'milk', reason: 'Invalid code length for industry', gtin: null },
    ];
    for (const c of cases) {
      it(`${c.name} → ${c.reason}`, () => {
        const r = checkCode(c.raw, c.industry);
        expect(reasonOf(r)).to.equal(c.reason);
        expect(gtinOf(r)).to.equal(c.gtin);
      });
    }

    it('answers instead of throwing for a non-string, an unknown industry or a broken profile', () => {
      expect(reasonOf(checkCode(42 as unknown as string, 'milk'))).to.equal('Code must be a string');
      expect(reasonOf(checkCode(MILK, 'vodka' as Industry))).to.equal('Unknown industry vodka');
      expect(reasonOf(checkCode(MILK, 'toString' as Industry))).to.equal('Unknown industry toString');
      const broken = { format: 'gs1', name: 'x', elements: null } as never;
      expect(reasonOf(checkCodeWithProfile(MILK, broken))).to.equal('Unreadable code');
    });
  });

  describe('custom profiles', () => {
    it('validates against an edited profile with no code change', () => {
      const milk8 = { format: 'gs1', name: 'milk8', elements: [{ ai: '01', length: 14 }, { ai: '21', length: 8 }, { ai: '93', length: 4 }] } as const;
      expect(checkCodeWithProfile(`01${GTIN}2112345678${GS}93dGVz`, milk8).valid).to.equal(true);
      expect(reasonOf(checkCodeWithProfile(MILK, milk8))).to.equal('Serial must be 8 characters for milk8');
    });
  });
});
