import { expect } from 'chai';
import { REASON_CODES } from '../../src/domain/codes/reasons.js';
import { scanReasonOf } from '../../src/runtime/metrics/scan-reason.js';

/** Metric label classes come from the stable reason code, not from the wording of the English message. */
describe('scan reason metric classes (src/runtime/metrics/scan-reason)', () => {
  it('classes by reason code whatever the message says', () => {
    expect(scanReasonOf('invalid', 'anything at all', 'CHECK_DIGIT')).to.equal('check_digit');
    expect(scanReasonOf('invalid', 'AI 17 (expiry date) is not part of a milk code', 'UNEXPECTED_AI')).to.equal('structure');
    expect(scanReasonOf('invalid', null, 'WRONG_LENGTH')).to.equal('length');
    expect(scanReasonOf('refused', 'Line paused: jam', 'LINE_PAUSED')).to.equal('paused');
    expect(scanReasonOf('duplicate', 'Duplicate code', 'DUPLICATE')).to.equal('duplicate');
    expect(scanReasonOf('accepted', null, null)).to.equal('none');
    expect(scanReasonOf('invalid', null, 'NOT_GS1_DATAMATRIX')).to.equal('structure');
    expect(scanReasonOf('invalid', null, 'WRONG_LENGTH_ONE_OF')).to.equal('length');
  });

  it('every reason code falls in a bounded class; without a code the message still classes it', () => {
    const classes = new Set(REASON_CODES.map((code) => scanReasonOf('invalid', null, code)));
    expect([...classes].every((c) => typeof c === 'string')).to.equal(true);
    expect(scanReasonOf('invalid', 'GTIN check digit mismatch')).to.equal('check_digit');
  });
});
