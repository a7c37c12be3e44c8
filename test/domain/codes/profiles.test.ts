import { expect } from 'chai';
import { INDUSTRIES, PROFILES, isIndustry, profileProblems, type IndustryProfile } from '../../../src/domain/codes/index.js';

describe('codes/profiles', () => {
  it('has a usable profile for every industry', () => {
    for (const industry of INDUSTRIES) {
      expect(profileProblems(PROFILES[industry]), industry).to.deep.equal([]);
      expect(PROFILES[industry].name).to.equal(industry);
    }
  });

  it('encodes the layouts of the design table', () => {
    const layout = (p: IndustryProfile) =>
      p.format === 'raw' ? p.segments.map((s) => s.length) : p.elements.filter((e) => !e.optional).map((e) => `${e.ai}:${e.length}`);
    expect(layout(PROFILES.milk)).to.deep.equal(['01:14', '21:6', '93:4']);
    expect(layout(PROFILES.water)).to.deep.equal(['01:14', '21:13', '93:4']);
    expect(layout(PROFILES.beer)).to.deep.equal(['01:14', '21:7', '93:4']);
    expect(layout(PROFILES.tobacco_pack)).to.deep.equal([14, 7, 4, 4]);
    expect(layout(PROFILES.tobacco_block)).to.deep.equal(['01:14', '21:7', '8005:6', '93:4']);
    for (const i of ['pharma', 'shoes', 'light_industry'] as const) {
      expect(layout(PROFILES[i])).to.deep.equal(['01:14', '21:13', '91:4', '92:44']);
    }
  });

  it('explains what is wrong with a bad edit', () => {
    const bad: IndustryProfile = {
      format: 'gs1',
      name: 'bad',
      elements: [{ ai: '01', length: 13 }, { ai: '93', length: 0 }, { ai: '93', length: 4 }, { ai: '77', length: 3 }],
    };
    expect(profileProblems(bad)).to.deep.equal([
      'AI 01 has a fixed length of 14',
      'AI 93 length must be 1 to 90',
      'AI 93 listed twice',
      'Unknown AI 77',
      'Profile needs AI 21',
    ]);
    const raw: IndustryProfile = { format: 'raw', name: '', segments: [{ name: 'x', length: 0, charset: 'cset82' }] };
    expect(profileProblems(raw)).to.deep.equal([
      'Profile needs a name',
      'Profile needs exactly one GTIN segment',
      'Profile needs exactly one serial segment',
      'Segment x needs a positive length',
    ]);
  });

  it('recognises industries', () => {
    expect(INDUSTRIES.every(isIndustry)).to.equal(true);
    for (const v of ['Milk', 'vodka', '', 'toString', 1, null, undefined, {}]) expect(isIndustry(v)).to.equal(false);
  });
});
