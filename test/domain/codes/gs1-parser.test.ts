import { expect } from 'chai';
import { parseElementString, aiDefinition } from '../../../src/domain/codes/index.js';
import { GS, GTIN } from './support.js';

function errorOf(data: string, hints?: { ai: string; length: number }[]) {
  const r = parseElementString(data, hints);
  if (r.ok) throw new Error(`expected a parse error for ${JSON.stringify(data)}`);
  return r.error;
}

describe('codes/gs1-parser', () => {
  it('reads fixed- and variable-length AIs in order', () => {
    const r = parseElementString(`01${GTIN}21ABC123${GS}93dGVz`);
    expect(r.ok).to.equal(true);
    expect(r.ais).to.deep.equal({ '01': GTIN, '21': 'ABC123', '93': 'dGVz' });
  });

  it('reads pallet label AIs: SSCC, content GTIN, count, dates', () => {
    const sscc = '346008407000000015';
    const r = parseElementString(`00${sscc}02${GTIN}17251231${'11'}250100${'37'}24`);
    expect(r.ok).to.equal(true);
    expect(r.ais).to.deep.equal({ '00': sscc, '02': GTIN, '17': '251231', '11': '250100', '37': '24' });
  });

  it('keys a measure AI by its concrete digits (310n → 3103)', () => {
    const r = parseElementString(`01${GTIN}3103001250`);
    expect(r.ok).to.equal(true);
    expect(r.ais['3103']).to.equal('001250');
    expect(aiDefinition('3103')?.id).to.equal('310n');
  });

  it('reports a wrong SSCC check digit', () => {
    expect(errorOf('00346008407000000016').message).to.equal('SSCC check digit mismatch');
  });

  it('keeps a GTIN that fails only its check digit', () => {
    const r = parseElementString('010460000000001721ABC123');
    expect(r.ok).to.equal(false);
    expect(r.ais['01']).to.equal('04600000000017');
  });

  it('rejects an impossible date', () => {
    expect(errorOf('17251301').message).to.equal('Invalid expiry date');
    expect(errorOf('17250132').message).to.equal('Invalid expiry date');
    expect(parseElementString('17251200').ok).to.equal(true); // DD = 00 means end of month in GS1
  });

  it('needs a GS after 8005 (fixed length but not predefined) unless it ends the data', () => {
    expect(errorOf(`8005123456${'93'}abcd`).message).to.equal('Missing GS separator before AI 93');
    expect(errorOf(`8005123456xyz`).message).to.equal('Missing GS separator after AI 8005');
    expect(parseElementString(`8005123456${GS}93abcd`).ok).to.equal(true);
    expect(parseElementString(`218005123456`).ok).to.equal(true);
  });

  it('tolerates a GS after a predefined-length AI', () => {
    expect(parseElementString(`01${GTIN}${GS}21ABC123`).ais['21']).to.equal('ABC123');
  });

  it('without hints, a variable-length element runs to GS or the end, within its maximum', () => {
    expect(parseElementString(`21ABC12393dGVz`).ais['21']).to.equal('ABC12393dGVz');
    expect(errorOf(`21${'A'.repeat(21)}`).message).to.equal('Serial longer than 20 characters');
    expect(errorOf(`21${GS}93dGVz`).message).to.equal('Empty serial');
  });

  it('with a length hint, detects the GS missing after a fixed-length serial', () => {
    const hints = [{ ai: '21', length: 6 }, { ai: '93', length: 4 }];
    const e = errorOf(`21ABC12393dGVz`, hints);
    expect(e.kind).to.equal('missing-gs');
    expect(e.message).to.equal('Missing GS separator before AI 93');
    expect(e.position).to.equal(8);
  });

  it('does not call an AI the profile does not expect "the next element"', () => {
    const hints = [{ ai: '21', length: 6 }, { ai: '93', length: 4 }];
    const r = parseElementString(`21ABC12391dGVz`, hints);
    expect(r.ok).to.equal(true); // the long serial is the profile's to reject
    expect(r.ais['21']).to.equal('ABC12391dGVz');
  });

  it('reports unknown AIs, stray GS, duplicates and truncation', () => {
    expect(errorOf('4401234').message).to.equal('Unknown AI: the code has “4401” at position 0');
    expect(errorOf('4401234').reason).to.deep.equal({ code: 'UNKNOWN_AI', params: { position: 0, found: '4401' } });
    expect(errorOf('3106001250').message).to.equal('Unknown AI: the code has “3106” at position 0'); // 310n stops at 5 decimals
    expect(errorOf(`21A${GS}${GS}93x`).message).to.equal('Unexpected GS separator at position 4');
    expect(errorOf(`21A${GS}21B`).message).to.equal('Duplicate AI 21');
    expect(errorOf(`0104600840`).kind).to.equal('truncated');
    expect(errorOf(`21A${GS}9`).kind).to.equal('truncated');
    expect(errorOf(`21A${GS}80`).kind).to.equal('truncated');
  });

  it('reports characters outside the AI charset', () => {
    expect(errorOf('01046008407493X2').message).to.equal('Invalid character in GTIN');
    expect(errorOf('21AB C12').message).to.equal('Invalid character in serial');
    expect(errorOf('21ABС123').message).to.equal('Invalid character in serial'); // Cyrillic С
    expect(errorOf('3712a').message).to.equal('Invalid character in count');
  });
});
