import { expect } from 'chai';
import { checkCode, parseElementString, PROFILES, type CodeCheck, type Industry } from '../../../src/domain/codes/index.js';
import { UNLISTED_AI_TITLES, UNLISTED_TITLE } from '../../../src/domain/codes/ai-prefix.js';
import { fieldKey, reasonText } from '../../../src/domain/codes/reasons.js';
import { MESSAGES } from '../../../src/domain/i18n/messages.js';

/**
 * Exact code rules (issue 14), against hand-written vectors only: nothing here comes from
 * generate.ts, so a bug shared by the generator and the parser cannot hide.
 */
const GS = '\u001d';
const GTIN = '04600840749372'; // 0460084074937 + check digit 2 (reference milk example)
const MILK = `01${GTIN}215!IS(;${GS}93dGVz`;
const PACK = `${GTIN}AbC-123PRC1chk1`; // 14 + 7 + 4 + 4
const KEY44 = `${'Ab3+/'.repeat(8)}abcd`; // 44
const KEY88 = `${'Ab3+/'.repeat(17)}abc`; // 88
const LONG = (key: string) => `01${GTIN}215ABCDEFGHIJKL${GS}91EE06${GS}92${key}`;

function refusal(r: CodeCheck): { code: string; params: Record<string, string | number>; en: string; ru: string } {
  if (r.valid) throw new Error('expected a refusal');
  return { code: r.reasonCode, params: r.reasonParams, en: r.reason, ru: reasonText({ code: r.reasonCode, params: r.reasonParams }, 'ru') };
}

describe('codes: exact code rules (issue 14, independent vectors)', () => {
  describe('symbology identifiers', () => {
    it(']d2 and no identifier are accepted for the GS1 layouts', () => {
      expect(checkCode(`]d2${MILK}`, 'milk').valid).to.equal(true);
      expect(checkCode(MILK, 'milk').valid).to.equal(true);
      expect(checkCode(`\u0002]d2${MILK}\r\n`, 'milk').valid).to.equal(true);
    });

    for (const [id, name] of [[']Q3', 'QR Code'], [']C1', 'GS1-128'], [']e0', 'GS1 DataBar'], [']d1', 'Data Matrix'], [']d5', 'Data Matrix'], [']z0', 'Aztec']] as const) {
      it(`${id} on a milk line → not a GS1 DataMatrix (${name})`, () => {
        const r = refusal(checkCode(`${id}${MILK}`, 'milk'));
        expect(r.code).to.equal('NOT_GS1_DATAMATRIX');
        expect(r.params).to.deep.equal({ symbology: id, name });
        expect(r.en).to.equal(`Not a GS1 DataMatrix: the scanner read a ${name} symbol (${id})`);
        expect(r.ru).to.equal(`Это не GS1 DataMatrix: считан символ ${name} (${id})`);
      });
    }

    it('the tobacco pack layout takes ]d1 (Data Matrix without FNC1) or no identifier, and nothing else', () => {
      expect(checkCode(`]d1${PACK}`, 'tobacco_pack').valid).to.equal(true);
      expect(checkCode(PACK, 'tobacco_pack').valid).to.equal(true);
      const r = refusal(checkCode(`]d2${PACK}`, 'tobacco_pack'));
      expect(r.code).to.equal('NOT_PACK_DATAMATRIX');
      expect(r.en).to.equal('A pack code is a Data Matrix without FNC1 (]d1); the scanner read GS1 DataMatrix (]d2)');
      expect(refusal(checkCode(`]Q3${PACK}`, 'tobacco_pack')).code).to.equal('NOT_PACK_DATAMATRIX');
    });

    it('the tobacco block is a GS1 layout: ]d2 only', () => {
      const block = `01${GTIN}21AbC-123${GS}8005012345${GS}93dGVz`;
      expect(checkCode(`]d2${block}`, 'tobacco_block').valid).to.equal(true);
      expect(refusal(checkCode(`]d1${block}`, 'tobacco_block')).code).to.equal('NOT_GS1_DATAMATRIX');
    });
  });

  describe('a product barcode read by mistake', () => {
    // EAN-13 4006381333931, EAN-8 96385074, UPC-A 036000291452: published examples with right check digits.
    for (const [what, raw] of [['EAN-13', '4006381333931'], ['EAN-8', '96385074'], ['UPC-A', '036000291452'], ['EAN-13 with ]E0', ']E04006381333931'], ['EAN-8 with ]E4', ']E496385074']] as const) {
      for (const industry of ['milk', 'tobacco_pack'] as Industry[]) {
        it(`${what} on ${industry} → a product barcode, not a marking code`, () => {
          const r = refusal(checkCode(raw, industry));
          expect(r.code).to.equal('PRODUCT_BARCODE');
          expect(r.en).to.equal('A product barcode (EAN/UPC), not a marking code');
          expect(r.ru).to.equal('Это штрихкод товара (EAN/UPC), а не код маркировки');
        });
      }
    }

    it('13 digits with a wrong check digit are not called a product barcode', () => {
      expect(refusal(checkCode('4006381333932', 'milk')).code).to.not.equal('PRODUCT_BARCODE');
    });
  });

  describe('AI 92: 44 characters, or 88 where older codes are still in circulation', () => {
    for (const industry of ['shoes', 'light_industry'] as Industry[]) {
      it(`${industry} accepts 44 and 88`, () => {
        expect(checkCode(LONG(KEY44), industry).valid).to.equal(true);
        const old = checkCode(LONG(KEY88), industry);
        expect(old.valid).to.equal(true);
        if (old.valid) expect(old.code.ais['92']).to.have.length(88);
      });

      it(`${industry} refuses any other length, naming both`, () => {
        const r = refusal(checkCode(LONG(KEY44 + 'abcdefghij'), industry));
        expect(r.code).to.equal('WRONG_LENGTH_ONE_OF');
        expect(r.en).to.equal(`Verification code must be 44/88 characters for ${industry}`);
      });
    }

    it('pharma keeps 44 only (the MDLP crypto code never had an 88-character form)', () => {
      expect(checkCode(LONG(KEY44), 'pharma').valid).to.equal(true);
      expect(refusal(checkCode(LONG(KEY88), 'pharma')).en).to.equal('Verification code must be 44 characters for pharma');
    });

    it('a missing GS after a 44- or 88-character 92 is still found', () => {
      const reordered = (key: string) => `01${GTIN}215ABCDEFGHIJKL${GS}92${key}91EE06`;
      expect(refusal(checkCode(reordered(KEY44), 'shoes')).en).to.equal('Missing GS separator before AI 91');
      expect(refusal(checkCode(reordered(KEY88), 'shoes')).en).to.equal('Missing GS separator before AI 91');
    });

    it('the profiles say which groups take 88', () => {
      const takes88 = Object.entries(PROFILES)
        .filter(([, p]) => p.format === 'gs1' && p.elements.some((e) => e.ai === '92' && e.alternativeLengths?.includes(88)))
        .map(([name]) => name);
      expect(takes88).to.deep.equal(['shoes', 'light_industry']);
    });
  });

  describe('dates are real calendar dates (GS1 General Specifications §7.12)', () => {
    const cases: [string, boolean, string][] = [
      ['260231', false, '31 February'],
      ['260229', false, '29 February 2026 (not a leap year)'],
      ['280229', true, '29 February 2028'],
      ['000229', true, '29 February 2000'],
      ['260431', false, '31 April'],
      ['260430', true, '30 April'],
      ['261231', true, '31 December'],
      ['260200', true, 'day 00: the end of February'],
      ['261300', false, 'month 13'],
      ['260032', false, 'month 00'],
      ['260132', false, '32 January'],
    ];
    for (const [date, ok, what] of cases) {
      it(`17${date} (${what}) is ${ok ? 'valid' : 'refused'}`, () => {
        const r = parseElementString(`01${GTIN}17${date}`);
        expect(r.ok, date).to.equal(ok);
        if (!r.ok) {
          expect(r.error.kind).to.equal('invalid-date');
          expect(r.error.message).to.equal('Invalid expiry date');
        }
      });
    }
    it('the same rule holds for the production date (11) and best before (15)', () => {
      expect(parseElementString(`01${GTIN}11250229`).ok).to.equal(false);
      expect(parseElementString(`01${GTIN}15240229`).ok).to.equal(true);
    });
  });

  describe('an AI the profile does not expect is named', () => {
    const cases: [string, string, Industry, string, string][] = [
      ['17 after the GTIN', `01${GTIN}17261231215!IS(;${GS}93dGVz`, 'milk', 'AI 17 (expiry date) is not part of a milk code', 'AI 17 (срок годности) не входит в код товарной группы milk'],
      ['17 glued to the serial', `01${GTIN}215!IS(;17261231${GS}93dGVz`, 'milk', 'AI 17 (expiry date) is not part of a milk code', 'AI 17 (срок годности) не входит в код товарной группы milk'],
      ['10 (batch) on water', `01${GTIN}10LOT42${GS}215ABCDEFGHIJKL${GS}93dGVz`, 'water', 'AI 10 (batch) is not part of a water code', 'AI 10 (партия) не входит в код товарной группы water'],
      ['240, not in the parser table', `01${GTIN}240ABC${GS}215!IS(;${GS}93dGVz`, 'milk', 'AI 240 (additional product identification) is not part of a milk code', 'AI 240 (доп. идентификация продукта) не входит в код товарной группы milk'],
      ['7003, a four-digit AI', `01${GTIN}70032612311200${GS}215!IS(;${GS}93dGVz`, 'milk', 'AI 7003 (expiration date and time) is not part of a milk code', 'AI 7003 (срок годности с временем) не входит в код товарной группы milk'],
      ['410, an AI without words of its own', `01${GTIN}4104600840749372`, 'milk', 'AI 410 (unlisted element) is not part of a milk code', 'AI 410 (элемент вне списка) не входит в код товарной группы milk'],
    ];
    for (const [name, raw, industry, en, ru] of cases) {
      it(`${name} → ${en}`, () => {
        const r = refusal(checkCode(raw, industry));
        expect(r.code).to.equal('UNEXPECTED_AI');
        expect(r.en).to.equal(en);
        expect(r.ru).to.equal(ru);
        expect(r.en).to.not.match(/position/);
      });
    }

    it('characters that cannot begin any AI still say what was found', () => {
      expect(refusal(checkCode(`44${GTIN}`, 'milk')).code).to.equal('UNKNOWN_AI');
    });

    it('every title for an AI outside the table has ru and en words', () => {
      for (const title of [...Object.values(UNLISTED_AI_TITLES), UNLISTED_TITLE]) expect(MESSAGES[fieldKey(title)], title).to.have.keys('ru', 'en');
    });
  });
});
