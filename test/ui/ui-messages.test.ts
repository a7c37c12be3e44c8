import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { COMMAND_STATUSES, COMMAND_TYPES } from '../../src/domain/command-types.js';
import { CONNECTION_MODES } from '../../src/domain/connection-mode.js';
import { CONSOLE_MESSAGES } from '../../src/domain/i18n/console.messages.js';
import { HMI_MESSAGES } from '../../src/domain/i18n/hmi.messages.js';
import { MESSAGES } from '../../src/domain/i18n/messages.js';
import { ROLES } from '../../src/domain/roles.js';

/** Every text of the two browser apps is in the one catalogue, in Russian and English. */
describe('browser apps: message catalogue', () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it('every HMI and console key has a Russian and an English text with the same placeholders', () => {
    for (const [key, texts] of Object.entries({ ...HMI_MESSAGES, ...CONSOLE_MESSAGES })) {
      expect(texts.ru, key).to.be.a('string').that.is.not.empty;
      expect(texts.en, key).to.be.a('string').that.is.not.empty;
      expect(placeholders(texts.ru), key).to.deep.equal(placeholders(texts.en));
      expect(MESSAGES[key], `${key} registered in messages.ts`).to.equal(texts);
    }
  });

  it("every literal t('key') in src/ui names a key of the catalogue", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts')) files.push(path);
      }
    };
    walk('src/ui');
    const missing: string[] = [];
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\('([a-z_.A-Z0-9]+)'/g)) {
        if (!(match[1]! in MESSAGES)) missing.push(`${file}: ${match[1]}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it('the families the apps build keys from are complete: roles, modes, commands, command statuses, error codes, bottle statuses', () => {
    const needed = [
      ...ROLES.map((r) => `role.${r}`),
      ...CONNECTION_MODES.map((m) => `mode.${m}`),
      ...COMMAND_TYPES.map((c) => `console.cmd.${c}`),
      ...COMMAND_STATUSES.map((s) => `console.cmdstatus.${s}`),
      ...['VALIDATION_ERROR', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'SERVICE_UNAVAILABLE', 'GATEWAY_TIMEOUT', 'SERVER_ERROR', 'PASSWORD_CHANGE_REQUIRED'].map((c) => `error.${c}`),
      ...[0, 1, 2, 3, 4, 5].map((s) => `bottle.status.${s}`),
      ...['info', 'warning', 'alarm', 'critical'].map((s) => `severity.${s}`),
      ...['online', 'stale', 'offline'].map((s) => `console.status.${s}`),
    ];
    expect(needed.filter((key) => !(key in MESSAGES))).to.deep.equal([]);
  });
});
