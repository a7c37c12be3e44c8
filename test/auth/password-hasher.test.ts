import { expect } from 'chai';
import { createPasswordHasher, HasherBusyError } from '../../src/auth/password-hasher.js';
import { formatHash, OWASP_SCRYPT, parseHash } from '../../src/auth/passwords.js';
import { passwordProblem } from '../../src/auth/password-policy.js';

describe('password hasher (scrypt in its own worker thread)', () => {
  it('uses the OWASP parameters by default: N=2^17, r=8, p=1', () => {
    expect(OWASP_SCRYPT).to.deep.equal({ logN: 17, r: 8, p: 1 });
  });

  it('hashes at N=2^17 (above node\'s default maxmem) and verifies, with the parameters in the hash', async function () {
    this.timeout(20_000);
    const hasher = createPasswordHasher({ params: OWASP_SCRYPT, dutyCycle: 1 });
    try {
      const hash = await hasher.hash('Line-7-password');
      expect(hash).to.match(/^scrypt\$ln=17,r=8,p=1\$/);
      expect(await hasher.verify('Line-7-password', hash)).to.deep.equal({ ok: true, needsRehash: false });
      expect(await hasher.verify('Line-7-passworD', hash)).to.deep.equal({ ok: false, needsRehash: false });
    } finally {
      await hasher.close();
    }
  });

  it('reports a right password stored with weaker parameters as needing a rehash; garbage never verifies', async () => {
    const weak = createPasswordHasher({ params: { logN: 10, r: 8, p: 1 } });
    const strong = createPasswordHasher({ params: { logN: 11, r: 8, p: 1 } });
    try {
      const hash = await weak.hash('Line-7-password');
      expect(await strong.verify('Line-7-password', hash)).to.deep.equal({ ok: true, needsRehash: true });
      expect(await strong.verify('wrong', hash)).to.deep.equal({ ok: false, needsRehash: false });
      for (const garbage of ['', 'scrypt$', 'bcrypt$x$y', 'scrypt$ln=99,r=8,p=1$a$b', 'scrypt$ln=x$a$b']) {
        expect(await strong.verify('x', garbage), garbage).to.deep.equal({ ok: false, needsRehash: false });
      }
    } finally {
      await weak.close();
      await strong.close();
    }
  });

  it('bounds its queue: past maxQueue waiting hashes it refuses at once (HasherBusyError), and recovers', async function () {
    this.timeout(30_000);
    const hasher = createPasswordHasher({ params: { logN: 15, r: 8, p: 1 }, maxQueue: 2, dutyCycle: 1 });
    try {
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => hasher.hash('Line-7-password')));
      const busy = results.filter((r) => r.status === 'rejected');
      // One computing, two waiting, three refused without waiting.
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(3);
      expect(busy).to.have.length(3);
      for (const r of busy) expect((r as PromiseRejectedResult).reason).to.be.instanceOf(HasherBusyError);
      expect(await hasher.hash('again-after-busy')).to.match(/^scrypt\$ln=15/);
    } finally {
      await hasher.close();
    }
  });

  it('rejects what is pending when closed', async () => {
    const hasher = createPasswordHasher({ params: { logN: 14, r: 8, p: 1 } });
    const pending = hasher.hash('x').then(
      () => 'resolved',
      () => 'rejected',
    );
    await hasher.close();
    expect(await pending).to.equal('rejected');
  });

  it('parses both hash forms', () => {
    const salt = Buffer.alloc(16, 1);
    const key = Buffer.alloc(32, 2);
    expect(parseHash(formatHash({ logN: 17, r: 8, p: 1 }, salt, key))).to.deep.equal({ params: { logN: 17, r: 8, p: 1 }, salt, key });
    expect(parseHash(`scrypt$${salt.toString('base64')}$${key.toString('base64')}`)!.params).to.deep.equal({ logN: 14, r: 8, p: 1 });
  });
});

describe('password policy', () => {
  it('at least 10 characters, not the username, not a common password (also with digits or punctuation around it)', () => {
    expect(passwordProblem('Shift-7-Line-pass', 'ivanov')).to.equal(null);
    expect(passwordProblem('9f$Kq2!mZp', 'ivanov')).to.equal(null);
    expect(passwordProblem('short-1', 'ivanov')).to.match(/at least 10/);
    expect(passwordProblem('x'.repeat(257), 'ivanov')).to.match(/at most/);
    expect(passwordProblem('ivanov-2026!', 'ivanov')).to.match(/username/);
    expect(passwordProblem('IVANOV123456', 'ivanov')).to.match(/username/);
    for (const common of ['password123', 'Password1234!', 'qwertyuiop', '1234567890', 'admin123456', '!!operator123', 'пароль123456', 'zzzzzzzzzzzz']) {
      expect(passwordProblem(common, 'ivanov'), common).to.match(/common/);
    }
  });
});
