import { expect } from 'chai';
import { reasons } from '../../src/domain/codes/reasons.js';
import { MESSAGES } from '../../src/domain/i18n/messages.js';
import { reasonOf } from '../../src/ui/shared/scan-reason.js';

/** The HMI shows why a unit was rejected in the operator's words, never the validator's English. */
describe('scan reasons in words (src/ui/shared/scan-reason)', () => {
  const specific: Array<[string, string]> = [
    [reasons.checkDigit('GTIN'), 'reason.check_digit'],
    [reasons.unknownAi(32), 'reason.unknown_ai'],
    [reasons.unexpectedGs(5), 'reason.structure'],
    [reasons.missingGs('93'), 'reason.structure'],
    [reasons.missingGsAfter('21'), 'reason.structure'],
    [reasons.duplicateAi('21'), 'reason.structure'],
    [reasons.truncated('21'), 'reason.truncated'],
    [reasons.truncated(null), 'reason.truncated'],
    [reasons.unexpectedAi('17', 'milk'), 'reason.wrong_product'],
    [reasons.missingAi('93', 'milk'), 'reason.missing_ai'],
    [reasons.wrongLength('serial', 13, 'milk'), 'reason.length'],
    [reasons.tooLong('serial', 20), 'reason.length'],
    [reasons.invalidCharacter('serial'), 'reason.character'],
    [reasons.invalidDate('expiry date'), 'reason.date'],
    [reasons.empty('serial'), 'reason.empty'],
  ];
  for (const [message, key] of specific) {
    it(`"${message}" reads as ${key}`, () => {
      expect(reasonOf('invalid', message)?.key).to.equal(key);
      expect(MESSAGES[key], key).to.have.keys('ru', 'en');
    });
  }

  it('"Unknown AI at position 32" keeps the position for the words', () => {
    expect(reasonOf('invalid', reasons.unknownAi(32))).to.deep.equal({ key: 'reason.unknown_ai', params: { position: '32' } });
  });

  it('outcomes without a validator reason: duplicate, no read, refused; accepted has none', () => {
    expect(reasonOf('accepted', null)).to.equal(null);
    expect(reasonOf('duplicate', 'Duplicate code')?.key).to.equal('reason.duplicate');
    expect(reasonOf('noread', null)?.key).to.equal('reason.noread');
    expect(reasonOf('refused', 'line paused')?.key).to.equal('reason.line_stopped');
    expect(reasonOf('invalid', 'something nobody wrote yet')?.key).to.equal('reason.invalid');
  });
});
