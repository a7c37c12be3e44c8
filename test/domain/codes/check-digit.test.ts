import { expect } from 'chai';
import { gtinCheckDigit, isValidGtin, isValidSscc } from '../../../src/domain/codes/index.js';
import { GTIN, GTIN_EAN13 } from './support.js';

describe('codes/check-digit', () => {
  it('computes the GS1 mod-10 check digit of a GTIN', () => {
    expect(gtinCheckDigit('0460000000001')).to.equal(5); // the spec example's GTIN should end in 5
    expect(gtinCheckDigit('0460084074937')).to.equal(2);
    expect(gtinCheckDigit('0400638133393')).to.equal(1);
    expect(gtinCheckDigit('0000000000000')).to.equal(0);
  });

  it('refuses anything but 13 digits', () => {
    expect(() => gtinCheckDigit('046000000000')).to.throw(RangeError);
    expect(() => gtinCheckDigit('046000000000A')).to.throw(RangeError);
  });

  it('accepts valid GTIN-14s and rejects wrong check digits, lengths and characters', () => {
    expect(isValidGtin(GTIN)).to.equal(true);
    expect(isValidGtin(GTIN_EAN13)).to.equal(true);
    expect(isValidGtin('04600000000017')).to.equal(false);
    expect(isValidGtin('04600000000015')).to.equal(true);
    expect(isValidGtin('4600840749372')).to.equal(false);
    expect(isValidGtin('0460084074937X')).to.equal(false);
    expect(isValidGtin(undefined as unknown as string)).to.equal(false);
  });

  it('checks an SSCC with the same algorithm (weights count from the right)', () => {
    // Zero-padding on the left changes no weight, so a valid GTIN padded to 18 is a valid SSCC.
    expect(isValidSscc('0000' + GTIN)).to.equal(true);
    expect(isValidSscc('0000' + GTIN.slice(0, 13) + '3')).to.equal(false);
    // hand-computed: digits weighted 3,1,3,… from the right sum to 75 → check 5
    expect(isValidSscc('34600840700000001' + '5')).to.equal(true);
    expect(isValidSscc('34600840700000001' + '6')).to.equal(false);
    expect(isValidSscc(GTIN)).to.equal(false);
  });
});
