import { expect } from 'chai';
import { REASON_CODES, reasons } from '../../src/domain/codes/reasons.js';
import { reasonCodeWords, reasonOf, reasonWords } from '../../src/ui/shared/scan-reason.js';

/** The HMI shows why a unit was rejected in the operator's words, looked up by the stable reason code, never parsed. */
describe('scan reasons in words (src/ui/shared/scan-reason)', () => {
  it('looks the reason code up: an unexpected AI is named with its field, in Russian and English', () => {
    const why = reasons.unexpectedAi('17', 'expiry date', 'milk');
    const reason = reasonOf('invalid', why.code, why.params)!;
    expect(reason).to.deep.equal({ code: 'UNEXPECTED_AI', params: { ai: '17', field: 'expiry date', profile: 'milk' } });
    expect(reasonWords(reason, 'en')).to.equal('AI 17 (expiry date) is not part of a milk code');
    expect(reasonWords(reason, 'ru')).to.equal('AI 17 (срок годности) не входит в код товарной группы milk');
  });

  it('every code the domain produces has words in both languages (none reads as its code)', () => {
    for (const code of REASON_CODES) {
      for (const locale of ['ru', 'en'] as const) expect(reasonWords({ code, params: {} }, locale), `${code} ${locale}`).to.not.equal(code);
    }
  });

  it('a check digit, a duplicate, a no-read: the code decides, whatever the English message said', () => {
    expect(reasonWords(reasonOf('invalid', 'CHECK_DIGIT', { field: 'GTIN' })!, 'ru')).to.equal('Неверная контрольная цифра в поле GTIN');
    expect(reasonWords(reasonOf('duplicate', 'DUPLICATE', {})!, 'ru')).to.equal('Повтор кода');
    expect(reasonWords(reasonOf('noread', 'NO_READ', {})!, 'en')).to.equal('No read');
  });

  it('accepted has no reason; without a code the outcome stands for it (rows stored before codes existed)', () => {
    expect(reasonOf('accepted', null, null)).to.equal(null);
    expect(reasonOf('duplicate', null, null)).to.deep.equal({ code: 'DUPLICATE', params: {} });
    expect(reasonOf('noread', undefined, undefined)).to.deep.equal({ code: 'NO_READ', params: {} });
    expect(reasonOf('refused', null, null)!.code).to.equal('REFUSED');
    expect(reasonOf('error', null, null)!.code).to.equal('STORAGE_ERROR');
  });

  it('an unknown code reads as the code itself, never as an empty cell or a catalogue key', () => {
    expect(reasonWords(reasonOf('invalid', 'SOMETHING_NEW', {})!, 'ru')).to.equal('SOMETHING_NEW');
    expect(reasonWords(reasonOf('invalid', null, null)!, 'en')).to.equal('INVALID');
  });

  it('the counters name a reason by its code alone: placeholders read as "…"; an old English text reads as itself', () => {
    expect(reasonCodeWords('CHECK_DIGIT', 'en')).to.equal('… check digit mismatch');
    expect(reasonCodeWords('DUPLICATE_AI', 'ru')).to.equal('AI … встречается в коде дважды');
    expect(reasonCodeWords('GTIN check digit mismatch', 'en')).to.equal('GTIN check digit mismatch');
  });
});
