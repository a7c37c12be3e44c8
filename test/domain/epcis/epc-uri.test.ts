import { expect } from 'chai';
import { companyPrefixLengthOf, encodeEpcSerial, sgtinUri, ssccUri } from '../../../src/domain/epcis/epc-uri.js';

// Vectors from the GS1 EPC Tag Data Standard's own examples (not from this code).
describe('EPC URIs (TDS)', () => {
  const seven = { defaultLength: 7 };

  it('SGTIN: company prefix, indicator + item reference, serial', () => {
    expect(sgtinUri('80614141123458', '6789', seven)).to.equal('urn:epc:id:sgtin:0614141.812345.6789');
    expect(sgtinUri('70614141123451', '32a/b', seven)).to.equal('urn:epc:id:sgtin:0614141.712345.32a%2Fb');
  });

  it('SSCC: company prefix, extension digit + serial reference, no check digit', () => {
    expect(ssccUri('106141412345678908', seven)).to.equal('urn:epc:id:sscc:0614141.1234567890');
  });

  it('the split moves with the company prefix length (the GCP length problem): a known prefix wins over the default', () => {
    expect(sgtinUri('04601234567893', 'A1', { defaultLength: 7 })).to.equal('urn:epc:id:sgtin:4601234.056789.A1');
    expect(sgtinUri('04601234567893', 'A1', { defaultLength: 9 })).to.equal('urn:epc:id:sgtin:460123456.0789.A1');
    const rule = { defaultLength: 7, knownPrefixes: ['460123', '46012345'] };
    expect(companyPrefixLengthOf('460123456789', rule)).to.equal(8);
    expect(companyPrefixLengthOf('460999456789', rule)).to.equal(7);
    expect(() => companyPrefixLengthOf('460123456789', { defaultLength: 5 })).to.throw(RangeError);
  });

  it('serials: the seven reserved CSET 82 characters are percent-encoded, the rest of CSET 82 is kept', () => {
    expect(encodeEpcSerial('"%&/<>?')).to.equal('%22%25%26%2F%3C%3E%3F');
    expect(encodeEpcSerial("Az09!'()*+,-.:;=_")).to.equal("Az09!'()*+,-.:;=_");
    // Outside CSET 82 (never in a valid AI 21): UTF-8 bytes, so the URI stays well-formed.
    expect(encodeEpcSerial('a b\u0416')).to.equal('a%20b%D0%96');
  });

  it('refuses what is not a GTIN-14, an SSCC-18 or a serial', () => {
    expect(() => sgtinUri('4601234567893', '1', seven)).to.throw(RangeError);
    expect(() => sgtinUri('04601234567893', '', seven)).to.throw(RangeError);
    expect(() => ssccUri('10614141234567890', seven)).to.throw(RangeError);
  });
});
