import { expect } from 'chai';
import { framingSchema } from '../../../adapters/scanners/framing.js';

describe('framingSchema', () => {
  it('gives tolerant CRLF defaults for an empty object', () => {
    expect(framingSchema.parse({})).to.deep.equal({
      suffix: 'CRLF',
      noRead: ['NoRead', 'NO READ', 'ERROR'],
      maxFrameBytes: 4096,
    });
  });

  it('accepts every suffix form, a prefix and custom no-read strings', () => {
    for (const suffix of ['CR', 'LF', 'CRLF', 'STX_ETX', 'NONE', { custom: '#' }] as const) {
      expect(framingSchema.parse({ suffix }).suffix).to.deep.equal(suffix);
    }
    const parsed = framingSchema.parse({ prefix: 'R1:', noRead: ['No Read'], maxFrameBytes: 512 });
    expect(parsed).to.include({ prefix: 'R1:', maxFrameBytes: 512 });
    expect(parsed.noRead).to.deep.equal(['No Read']);
  });

  it('rejects unknown suffixes, empty custom terminators, unknown fields and silly sizes', () => {
    expect(framingSchema.safeParse({ suffix: 'TAB' }).success).to.equal(false);
    expect(framingSchema.safeParse({ suffix: { custom: '' } }).success).to.equal(false);
    expect(framingSchema.safeParse({ sufix: 'CR' }).success).to.equal(false);
    expect(framingSchema.safeParse({ maxFrameBytes: 0 }).success).to.equal(false);
    expect(framingSchema.safeParse({ maxFrameBytes: 1.5 }).success).to.equal(false);
  });
});
