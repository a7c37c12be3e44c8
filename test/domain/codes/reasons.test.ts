import { expect } from 'chai';
import { AI_TABLE, PROFILES, checkCode } from '../../../src/domain/codes/index.js';
import { fieldKey, REASON_CODES, reasonKey, reasons, reasonText, type ScanReason } from '../../../src/domain/codes/reasons.js';
import { LOCALES, MESSAGES } from '../../../src/domain/i18n/messages.js';
import { GS } from '../../../src/domain/codes/gs.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

/** Every way the builders are called, so each code the domain can produce is checked with its real params. */
const built: ScanReason[] = [
  reasons.unknownIndustry('vodka'),
  reasons.unknownAi(32, '4401'),
  reasons.unexpectedGs(5),
  reasons.unexpectedAi('17', 'expiry date', 'milk'),
  reasons.missingAi('93', 'crypto tail', 'milk'),
  reasons.duplicateAi('21'),
  reasons.missingGs('93'),
  reasons.missingGsAfter('8005'),
  reasons.wrongLength('serial', 6, 'milk'),
  reasons.tooLong('serial', 20),
  reasons.empty('serial'),
  reasons.invalidCharacter('serial'),
  reasons.checkDigit('GTIN'),
  reasons.invalidDate('expiry date'),
  reasons.notGs1DataMatrix(']Q3', 'QR Code'),
  reasons.notPackDataMatrix(']d2', 'GS1 DataMatrix'),
  reasons.productBarcode(),
  reasons.wrongLengthOneOf('verification code', '44/88', 'shoes'),
  reasons.truncated(null),
  reasons.truncated('21'),
  reasons.gtinMismatch(),
  reasons.duplicate(),
  reasons.noRead(),
  reasons.linePaused('changeover'),
  reasons.lineDisabled('audit'),
  reasons.lineStopping(),
  reasons.lineStopped(),
  reasons.storageUnavailable('SQLITE_BUSY'),
  reasons.roleNotAvailable('BOX'),
  reasons.refused(),
  reasons.storageError(),
  reasons.unknownUnit(),
  reasons.alreadyRemoved(),
  reasons.alreadyRejected(),
  reasons.notInBuffer(),
  reasons.alreadyConsumed('B-2026-000001', '2026-12-07T10:00:00.000Z', null),
  reasons.alreadyConsumed('B-2026-000001', '2026-12-07T10:00:00.000Z', 'scanner-2'),
  reasons.alreadyInBatch('B-2026-000001'),
  reasons.packedInOtherBatch('B-2026-000002'),
  reasons.unknownBatch('B-2026-000009'),
  reasons.unitNotInBatch(),
  reasons.batchAlreadyOnPallet('B-2026-000001', 'P-2026-000001'),
  reasons.batchOnOtherPallet('B-2026-000001', 'P-2026-000002'),
  reasons.batchEmpty('B-2026-000003'),
  reasons.notSsccLabel(),
  reasons.ssccCheckDigit('046008400000000016'),
  reasons.unknownSscc('046008400000000015'),
  reasons.mixedGtinInBox('B-2026-000001', '04600840749372'),
  reasons.wrongProduct('04607001234562'),
  reasons.noActiveOrder(),
  reasons.rejectedBySafeState(),
  { code: 'EMPTY_CODE', params: {} },
  { code: 'NOT_A_STRING', params: {} },
  { code: 'UNREADABLE', params: {} },
  { code: 'INVALID_LENGTH', params: {} },
];

describe('scan rejection reasons: stable codes with ru and en words (src/domain/codes/reasons)', () => {
  it('every reason code has a catalogue key with ru and en texts and the same placeholders', () => {
    for (const code of REASON_CODES) {
      const texts = MESSAGES[reasonKey(code)];
      expect(texts, code).to.not.equal(undefined);
      for (const locale of LOCALES) expect(texts![locale].trim(), `${code} ${locale}`).to.not.equal('');
      expect(placeholders(texts!.ru), code).to.deep.equal(placeholders(texts!.en));
    }
  });

  it('every code is produced by a builder, and each builder gives exactly the params its words use', () => {
    expect([...new Set(built.map((r) => r.code))].sort()).to.deep.equal([...REASON_CODES].sort());
    for (const reason of built) {
      expect(Object.keys(reason.params).sort(), reason.code).to.deep.equal(placeholders(MESSAGES[reasonKey(reason.code)]!.en));
      for (const locale of LOCALES) expect(reasonText(reason, locale), `${reason.code} ${locale}`).to.not.match(/\{\w+\}/);
    }
  });

  it('every field a reason can name (AI titles, raw segment names) has ru and en words', () => {
    const titles = new Set(AI_TABLE.map((d) => d.title));
    for (const profile of Object.values(PROFILES)) if (profile.format === 'raw') for (const s of profile.segments) titles.add(s.name);
    for (const title of titles) expect(MESSAGES[fieldKey(title)], title).to.have.keys('ru', 'en');
  });

  it('names an AI that is not part of the profile, with its field, in both languages', () => {
    const reason = reasons.unexpectedAi('17', 'expiry date', 'milk');
    expect(reasonText(reason, 'en')).to.equal('AI 17 (expiry date) is not part of a milk code');
    expect(reasonText(reason, 'ru')).to.equal('AI 17 (срок годности) не входит в код товарной группы milk');
  });

  it('the validator answers with the code and params, and the English text from the catalogue', () => {
    const gtin = '04600000000015';
    const r = checkCode(`01${gtin}215!IS(;${GS}17260101${GS}93dGVz`, 'milk');
    expect(r).to.deep.include({ valid: false, reasonCode: 'UNEXPECTED_AI', reasonParams: { ai: '17', field: 'expiry date', profile: 'milk' } });
    expect(r.valid === false && r.reason).to.equal('AI 17 (expiry date) is not part of a milk code');
    const bad = checkCode(`01${gtin.slice(0, 13)}3215!IS(;${GS}93dGVz`, 'milk');
    expect(bad).to.deep.include({ reasonCode: 'CHECK_DIGIT', reasonParams: { field: 'GTIN' }, reason: 'GTIN check digit mismatch' });
    expect(reasonText({ code: 'CHECK_DIGIT', params: { field: 'GTIN' } }, 'ru')).to.equal('Неверная контрольная цифра в поле GTIN');
  });

  it('capitalises a sentence that opens with a field; an unknown code reads as itself', () => {
    expect(reasonText(reasons.wrongLength('serial', 6, 'milk'))).to.equal('Serial must be 6 characters for milk');
    expect(reasonText(reasons.wrongLength('serial', 6, 'milk'), 'ru')).to.equal('Серийный номер: нужно 6 символов для milk');
    expect(reasonText({ code: 'SOMETHING_NEW', params: {} }, 'ru')).to.equal('SOMETHING_NEW');
  });
});
