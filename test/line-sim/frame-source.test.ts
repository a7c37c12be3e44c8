import { expect } from 'chai';
import { checkCode, INDUSTRIES } from '../../src/domain/codes/index.js';
import { corruptGtin, FrameSource, seededRng, type SimFrameKind } from '../../src/line-sim/frame-source.js';

const GS = '\u001d';

describe('FrameSource', () => {
  it('replays the same stream for the same seed and a different one for another seed', () => {
    const run = (seed: number) => {
      const source = new FrameSource({ industry: 'milk', rng: seededRng(seed), mix: { duplicate: 0.2, invalid: 0.2, noRead: 0.2 } });
      return Array.from({ length: 50 }, () => {
        const f = source.next();
        source.remember(f);
        return f;
      });
    };
    expect(run(7)).to.deep.equal(run(7));
    expect(run(7)).to.not.deep.equal(run(8));
  });

  it('produces valid codes for every industry and invalid ones that fail only on the GTIN check digit', () => {
    for (const industry of INDUSTRIES) {
      const source = new FrameSource({ industry, rng: seededRng(1) });
      for (let i = 0; i < 20; i++) {
        const valid = source.next('valid');
        expect(valid.kind).to.equal('valid');
        expect(checkCode(valid.code, industry).valid, `${industry} ${JSON.stringify(valid.code)}`).to.equal(true);
        const invalid = source.next('invalid');
        const check = checkCode(invalid.code, industry);
        expect(check.valid, `${industry} ${JSON.stringify(invalid.code)}`).to.equal(false);
        expect(check.valid === false && check.reason, industry).to.match(/check digit/i);
      }
    }
  });

  it('corrupts exactly one digit of the GTIN', () => {
    const code = `0104600000000017215aBcDe${GS}93AbCd`;
    const bad = corruptGtin(code, 'milk');
    expect(bad).to.have.length(code.length);
    expect([...bad].filter((ch, i) => ch !== code[i])).to.have.length(1);
    expect(bad.slice(0, 16)).to.not.equal(code.slice(0, 16));
    expect(bad.slice(16)).to.equal(code.slice(16));
  });

  it('duplicates repeat a remembered valid code; before any, a duplicate request yields a valid frame', () => {
    const source = new FrameSource({ industry: 'water', rng: seededRng(3) });
    expect(source.next('duplicate').kind).to.equal('valid');
    const sent = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const f = source.next('valid');
      source.remember(f);
      sent.add(f.code);
    }
    for (let i = 0; i < 20; i++) {
      const dup = source.next('duplicate');
      expect(dup.kind).to.equal('duplicate');
      expect(sent.has(dup.code)).to.equal(true);
    }
  });

  it('draws kinds in roughly the configured proportions', () => {
    const source = new FrameSource({ industry: 'milk', rng: seededRng(11), mix: { duplicate: 0.1, invalid: 0.2, noRead: 0.05 } });
    const counts: Record<SimFrameKind, number> = { valid: 0, duplicate: 0, invalid: 0, noread: 0 };
    for (let i = 0; i < 10_000; i++) counts[source.pickKind()]++;
    expect(counts.duplicate).to.be.within(800, 1200);
    expect(counts.invalid).to.be.within(1800, 2200);
    expect(counts.noread).to.be.within(350, 650);
    expect(counts.valid).to.be.within(6200, 6800);
  });

  it('renders symbology prefix, GS substitutes and each framing', () => {
    const base = { industry: 'milk' as const };
    const raw = new FrameSource({ ...base, rng: seededRng(5) }).next('valid').code;
    const substituted = new FrameSource({ ...base, rng: seededRng(5), gsAs: '<GS>', symbologyPrefix: true, framing: 'STX_ETX' }).next('valid');
    expect(raw).to.include(GS);
    expect(substituted.code).to.equal(`]d2${raw.split(GS).join('<GS>')}`);
    expect(substituted.wire).to.equal(`\u0002${substituted.code}\u0003`);
    expect(new FrameSource({ ...base, rng: seededRng(5), gsAs: '{GS}', framing: 'CR' }).next('valid').wire).to.equal(`${raw.split(GS).join('{GS}')}\r`);
    expect(new FrameSource({ ...base, rng: seededRng(5), framing: 'LF' }).next('noread').wire).to.equal('NoRead\n');
    expect(new FrameSource({ ...base, rng: seededRng(5) }).next('noread').wire).to.equal('NoRead\r\n');
  });

  it('rejects a mix that does not add up', () => {
    expect(() => new FrameSource({ industry: 'milk', rng: seededRng(1), mix: { duplicate: 0.6, invalid: 0.6 } })).to.throw(RangeError);
    expect(() => new FrameSource({ industry: 'milk', rng: seededRng(1), mix: { noRead: -0.1 } })).to.throw(RangeError);
  });
});
