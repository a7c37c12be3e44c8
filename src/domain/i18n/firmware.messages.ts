import type { MessageCatalogue } from './catalogue.js';

/** Firmware installs on the edge (A/B, docs/DEPLOYMENT.md): what the cabinet's journal says about them. */
export const FIRMWARE_MESSAGES: MessageCatalogue = {
  'system.firmware_confirmed': {
    ru: 'Прошивка {version} установлена и подтверждена заводом (предыдущая: {previous})',
    en: 'Firmware {version} installed and confirmed by the factory (previous: {previous})',
  },
  'system.firmware_rolled_back': {
    ru: 'Прошивка {version} откачена, снова работает {previous}: {reason}',
    en: 'Firmware {version} rolled back, {previous} runs again: {reason}',
  },
};
