import { expect } from 'chai';
import fc from 'fast-check';
import { checkCode } from '../../../src/domain/codes/index.js';
import { assertProperty } from '../../support/fc-run.js';
import { anyCode, codeOf, CSET82, GROUPS, gs1CheckDigit, mutations } from './independent-generator.js';

/**
 * The GS1 parser and validator (checkCode) against an independently written generator
 * (independent-generator.ts): every valid code of every product group, in any element order and
 * as scanners dress it, is accepted with the right fields; every mutation that breaks the layout
 * is refused. Assertions are on accept/refuse and on fields, never on reason texts (those belong
 * to the catalogue and change on their own). FC_SEED replays a failure.
 */
describe('GS1 parser against an independent generator (properties)', () => {
  it('the generator itself: GS1 check digits of known GTINs, CSET 82 of 82 characters', () => {
    expect(gs1CheckDigit('0460084074937')).to.equal('2');
    expect(gs1CheckDigit('0400638133393')).to.equal('1');
    expect(gs1CheckDigit('0000000000000')).to.equal('0');
    expect(new Set(CSET82).size).to.equal(82);
  });

  for (const group of GROUPS) {
    it(`accepts every valid ${group} code with its GTIN, serial and elements`, () => {
      assertProperty(
        fc.property(codeOf(group), (code) => {
          const check = checkCode(code.scanned, group);
          if (!check.valid) expect.fail(`refused ${JSON.stringify(code.scanned)}: ${check.reasonCode} ${JSON.stringify(check.reasonParams)}`);
          expect(check.code.normalised).to.equal(code.canonical);
          expect(check.code.gtin).to.equal(code.gtin);
          expect(check.code.serial).to.equal(code.serial);
          expect(check.code.identificationCode).to.equal(`01${code.gtin}21${code.serial}`);
          expect(check.code.ais).to.deep.equal(code.ais);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('refuses every code broken in a way its layout forbids', () => {
    assertProperty(
      fc.property(anyCode, fc.nat(), (code, pick) => {
        for (const [how, broken] of mutations(code, pick)) {
          const check = checkCode(broken, code.group);
          expect(check.valid, `${code.group}, ${how}: ${JSON.stringify(broken)}`).to.equal(false);
          if (!check.valid) expect(check.reasonCode).to.be.a('string').and.not.equal('');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('refuses a valid code of one product group read as another whose layout differs', () => {
    const serialLength: Record<string, number> = { milk: 6, water: 13, beer: 7, tobacco_block: 7, pharma: 13, shoes: 13, light_industry: 13, tobacco_pack: 7 };
    const tail: Record<string, string> = { milk: '93', water: '93', beer: '93', tobacco_block: '8005+93', pharma: '91+92', shoes: '91+92', light_industry: '91+92', tobacco_pack: 'raw' };
    assertProperty(
      fc.property(anyCode, fc.constantFrom(...GROUPS), (code, other) => {
        // Same layout (the long form is shared by pharma, shoes and light industry): nothing to tell apart.
        if (serialLength[code.group] === serialLength[other] && tail[code.group] === tail[other]) return;
        expect(checkCode(code.canonical, other).valid, `${code.group} code read as ${other}`).to.equal(false);
      }),
      { numRuns: 300 },
    );
  });
});
