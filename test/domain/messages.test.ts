import { expect } from 'chai';
import { formatMessage, LOCALES, MESSAGES } from '../../src/domain/i18n/messages.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the message catalogue (ru, en)', () => {
  it('has every key in every language, non-empty, with the same placeholders in each', () => {
    expect(Object.keys(MESSAGES).length).to.be.greaterThan(10);
    for (const [key, texts] of Object.entries(MESSAGES)) {
      expect(Object.keys(texts).sort(), key).to.deep.equal([...LOCALES].sort());
      for (const locale of LOCALES) expect(texts[locale].trim(), `${key} ${locale}`).to.not.equal('');
      expect(placeholders(texts.ru), key).to.deep.equal(placeholders(texts.en));
    }
  });

  it('keys are grouped by a known prefix', () => {
    for (const key of Object.keys(MESSAGES)) expect(key, key).to.match(/^(line|scanner|printer|plc|ups|gpio|sync|system|security|operator|config|catalog|journal|hmi|console|error|reason|ui|role|severity|mode|bottle|provision|setup|users|orders)\.[A-Za-z0-9_.]+$/);
  });

  it('formats in Russian by default, English on request; a missing parameter stays visible; an unknown key reads as itself', () => {
    expect(formatMessage('scanner.disconnected', { scanner: 's1', reason: 'ECONNRESET' })).to.equal('Сканер s1 отключён: ECONNRESET');
    expect(formatMessage('scanner.disconnected', { scanner: 's1', reason: 'ECONNRESET' }, 'en')).to.equal('Scanner s1 disconnected: ECONNRESET');
    expect(formatMessage('scanner.disconnected', { scanner: 's1' }, 'en')).to.equal('Scanner s1 disconnected: {reason}');
    expect(formatMessage('no.such_key')).to.equal('no.such_key');
  });
});
