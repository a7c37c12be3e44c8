import { expect } from 'chai';
import { reasons } from '../../src/domain/codes/reasons.js';
import { MESSAGES } from '../../src/domain/i18n/messages.js';
import { reasonOf } from '../../src/ui/shared/scan-reason.js';

/** The HMI shows why a unit was rejected in the operator's words, never the validator's English. */
describe('scan reasons in words (src/ui/shared/scan-reason)', () => {
  const specific: Array<[string, string]> = [
    [reasons.checkDigit('GTIN'), 'scan.reason.check_digit'],
    [reasons.unknownAi(32), 'scan.reason.unknown_ai'],
    [reasons.unexpectedGs(5), 'scan.reason.structure'],
    [reasons.missingGs('93'), 'scan.reason.structure'],
    [reasons.missingGsAfter('21'), 'scan.reason.structure'],
    [reasons.duplicateAi('21'), 'scan.reason.structure'],
    [reasons.truncated('21'), 'scan.reason.truncated'],
    [reasons.truncated(null), 'scan.reason.truncated'],
    [reasons.unexpectedAi('17', 'milk'), 'scan.reason.wrong_product'],
    [reasons.missingAi('93', 'milk'), 'scan.reason.missing_ai'],
    [reasons.wrongLength('serial', 13, 'milk'), 'scan.reason.length'],
    [reasons.tooLong('serial', 20), 'scan.reason.length'],
    [reasons.invalidCharacter('serial'), 'scan.reason.character'],
    [reasons.invalidDate('expiry date'), 'scan.reason.date'],
    [reasons.empty('serial'), 'scan.reason.empty'],
  ];
  for (const [message, key] of specific) {
    it(`"${message}" reads as ${key}`, () => {
      expect(reasonOf('invalid', message)?.key).to.equal(key);
      expect(MESSAGES[key], key).to.have.keys('ru', 'en');
    });
  }

  it('"Unknown AI at position 32" keeps the position for the words', () => {
    expect(reasonOf('invalid', reasons.unknownAi(32))).to.deep.equal({ key: 'scan.reason.unknown_ai', params: { position: '32' } });
  });

  it('outcomes without a validator reason: duplicate, no read, refused; accepted has none', () => {
    expect(reasonOf('accepted', null)).to.equal(null);
    expect(reasonOf('duplicate', 'Duplicate code')?.key).to.equal('scan.reason.duplicate');
    expect(reasonOf('noread', null)?.key).to.equal('scan.reason.noread');
    expect(reasonOf('refused', 'line paused')?.key).to.equal('scan.reason.line_stopped');
    expect(reasonOf('invalid', 'something nobody wrote yet')?.key).to.equal('scan.reason.invalid');
  });
});
