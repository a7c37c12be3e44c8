import { expect } from 'chai';
import { attachmentDisposition } from '../../../api/http/content-disposition.js';

describe('attachmentDisposition (RFC 6266 / RFC 8187)', () => {
  it('a plain ASCII name stays a plain quoted filename', () => {
    expect(attachmentDisposition('okto-edge-1.2.0.tar.gz')).to.equal('attachment; filename="okto-edge-1.2.0.tar.gz"');
  });

  it('a Cyrillic name: ASCII fallback plus filename* in UTF-8 percent-encoding', () => {
    expect(attachmentDisposition('прошивка-1.2.tar.gz')).to.equal(
      `attachment; filename="_-1.2.tar.gz"; filename*=UTF-8''%D0%BF%D1%80%D0%BE%D1%88%D0%B8%D0%B2%D0%BA%D0%B0-1.2.tar.gz`,
    );
  });

  it('accents fall back to their base letter; quote-like and percent characters are encoded', () => {
    const header = attachmentDisposition("café's (v1) 100%.bin");
    expect(header).to.equal(`attachment; filename="cafe's (v1) 100_.bin"; filename*=UTF-8''caf%C3%A9%27s%20%28v1%29%20100%25.bin`);
  });

  it('never yields a character Node refuses in a header (controls, DEL, non-Latin-1)', () => {
    for (const name of ['a\u007fb.bin', 'файл\u0001.bin', '固件.bin', '😀.bin', '"', '\\x']) {
      const header = attachmentDisposition(name);
      expect(header, name).to.match(/^[\x20-\x7e]+$/);
      const star = /filename\*=UTF-8''(.*)$/.exec(header);
      if (star) expect(decodeURIComponent(star[1]!)).to.equal(name);
    }
  });
});
