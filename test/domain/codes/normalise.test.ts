import { expect } from 'chai';
import { normaliseScan } from '../../../src/domain/codes/index.js';
import { GS } from './support.js';

const CODE = `0104600840749372215!IS(;${GS}93dGVz`;

describe('codes/normalise', () => {
  it('returns a clean code unchanged', () => {
    expect(normaliseScan(CODE)).to.equal(CODE);
  });

  for (const id of [']d2', ']C1', ']e0', ']Q3', ']d1']) {
    it(`strips the symbology identifier ${id}`, () => {
      expect(normaliseScan(id + CODE)).to.equal(CODE);
    });
  }

  for (const sub of ['<GS>', '{GS}', '[GS]', '<FNC1>', '{FNC1}', '\\x1d', '\\x1D', '\\u001d', '\\u001D', '^]', '\u241d']) {
    it(`maps the printable GS substitute ${JSON.stringify(sub)} to the GS byte`, () => {
      expect(normaliseScan(CODE.replace(GS, sub))).to.equal(CODE);
    });
  }

  it('maps every substitute, not just the first', () => {
    expect(normaliseScan('01<GS>21{GS}93')).to.equal(`01${GS}21${GS}93`);
  });

  it('strips surrounding CR/LF, whitespace and framing bytes', () => {
    expect(normaliseScan(`  ${CODE}\r\n`)).to.equal(CODE);
    expect(normaliseScan(`\u0002${CODE}\u0003`)).to.equal(CODE);
    expect(normaliseScan(`\t${CODE}\n`)).to.equal(CODE);
  });

  it('drops a leading FNC1 (GS), also after a symbology identifier or written as a substitute', () => {
    expect(normaliseScan(GS + CODE)).to.equal(CODE);
    expect(normaliseScan(`]d2${GS}${CODE}`)).to.equal(CODE);
    expect(normaliseScan(`<FNC1>${CODE}`)).to.equal(CODE);
    expect(normaliseScan(`]d2<GS>${CODE}\r\n`)).to.equal(CODE);
  });

  it('drops a trailing GS', () => {
    expect(normaliseScan(CODE + GS)).to.equal(CODE);
  });

  it('keeps a "<" that starts no substitute (it is a CSET 82 character)', () => {
    const withLt = `0104600840749372215!<S(;${GS}93d<Vz`;
    expect(normaliseScan(withLt)).to.equal(withLt);
  });

  it('keeps GS bytes inside the code', () => {
    expect(normaliseScan(`a${GS}${GS}b`)).to.equal(`a${GS}${GS}b`);
  });

  it('turns nothing but noise into an empty string', () => {
    expect(normaliseScan('')).to.equal('');
    expect(normaliseScan('\r\n')).to.equal('');
    expect(normaliseScan(']d2')).to.equal('');
    expect(normaliseScan(`]d2${GS}\r\n`)).to.equal('');
  });

  it('treats a non-string as empty instead of throwing', () => {
    expect(normaliseScan(undefined as unknown as string)).to.equal('');
  });
});
