import { expect } from 'chai';
import { buildSscc, ssccCapacity, ssccElementString, ssccSettingsProblems, ssccText } from '../../src/domain/sscc.js';
import { isValidSscc } from '../../src/domain/codes/index.js';
import { parseElementString } from '../../src/domain/codes/index.js';

/**
 * Vectors worked by hand (weights 3,1,3,… from the right, over the 17 digits):
 * - GS1's own example SSCC 106141411234567897 (GS1 General Specifications, AI 00).
 * - 0 4600840 000000001 → 17 digits 04600840000000001; the digits weighted 3 (1st, 3rd … from
 *   the right) are 1,0,0,0,0,0,4,6,0 → 11 × 3 = 33; those weighted 1 are 0,0,0,0,0,0,8,0,4 → 12;
 *   33 + 12 = 45 → check digit 5.
 */
describe('domain/sscc: the SSCC builder', () => {
  it("reproduces GS1's published SSCC (extension 1, prefix 0614141, serial reference 123456789)", () => {
    expect(buildSscc({ companyPrefix: '0614141', extensionDigit: 1, lineRange: '' }, 123456789)).to.equal('106141411234567897');
  });

  it('builds 18 digits with a right check digit from prefix, extension digit and sequence', () => {
    const s = buildSscc({ companyPrefix: '4600840', extensionDigit: 0, lineRange: '' }, 1);
    expect(s).to.equal('046008400000000015');
    expect(s).to.have.length(18);
    expect(isValidSscc(s)).to.equal(true);
  });

  it('puts the line range at the head of the serial reference', () => {
    const s = buildSscc({ companyPrefix: '4600840', extensionDigit: 3, lineRange: '07' }, 42);
    expect(s.slice(0, 10)).to.equal('3460084007');
    expect(s.slice(10, 17)).to.equal('0000042');
    expect(isValidSscc(s)).to.equal(true);
  });

  it('a 10-digit prefix leaves 6 digits; the last number fits, the next does not', () => {
    const settings = { companyPrefix: '4600840749', extensionDigit: 9, lineRange: '' };
    expect(ssccCapacity(settings)).to.equal(1_000_000);
    expect(isValidSscc(buildSscc(settings, 999_999))).to.equal(true);
    expect(() => buildSscc(settings, 1_000_000)).to.throw(RangeError);
  });

  it('refuses bad settings', () => {
    expect(ssccSettingsProblems({ companyPrefix: '123', extensionDigit: 0, lineRange: '' })).to.have.length(1);
    expect(ssccSettingsProblems({ companyPrefix: '4600840', extensionDigit: 10, lineRange: '' })).to.have.length(1);
    expect(ssccSettingsProblems({ companyPrefix: '4600840749', extensionDigit: 0, lineRange: '123456' })).to.deep.equal(['companyPrefix and lineRange leave no digit for the sequence']);
    expect(() => buildSscc({ companyPrefix: 'abcdefg', extensionDigit: 0, lineRange: '' }, 1)).to.throw(RangeError);
  });

  it('the element string reads back as AI 00 with the parser', () => {
    const s = buildSscc({ companyPrefix: '4600840', extensionDigit: 0, lineRange: '' }, 1);
    const parsed = parseElementString(ssccElementString(s));
    expect(parsed.ok && parsed.ais).to.deep.equal({ '00': '046008400000000015' });
    expect(ssccText(s)).to.equal('(00) 046008400000000015');
  });
});
