import { expect } from 'chai';
import { CONFIG_MESSAGES } from '../../../src/domain/i18n/config.messages.js';
import { formatMessage, LOCALES, MESSAGES } from '../../../src/domain/i18n/messages.js';

const placeholders = (text: string) => [...text.matchAll(/(?<!\{)\{(\w+)\}(?!\})/g)].map((m) => m[1]).sort();

describe('message catalogue: self-service configuration (config.*, catalog.*)', () => {
  it('is registered in the one catalogue', () => {
    for (const key of Object.keys(CONFIG_MESSAGES)) expect(MESSAGES[key], key).to.equal(CONFIG_MESSAGES[key]);
  });

  it('every key has a Russian and an English text with the same placeholders', () => {
    for (const [key, texts] of Object.entries(CONFIG_MESSAGES)) {
      expect(key, key).to.match(/^(config|catalog)\./);
      for (const locale of LOCALES) expect(texts[locale], `${key} ${locale}`).to.be.a('string').and.not.empty;
      expect(placeholders(texts.ru), key).to.deep.equal(placeholders(texts.en));
    }
  });

  it('fills a journal entry in both languages', () => {
    const params = { actor: 'ivanov', set: 'l2.override.line.batchSize', unset: '—', restarted: 'zebra-1' };
    expect(formatMessage('config.changed', params, 'en')).to.equal('Configuration changed by ivanov: set l2.override.line.batchSize; unset —; devices restarted: zebra-1');
    expect(formatMessage('config.changed', params, 'ru')).to.contain('ivanov').and.contain('zebra-1').and.match(/^Настройки изменены/);
  });
});
