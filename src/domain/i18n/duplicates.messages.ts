import type { MessageCatalogue } from './messages.js';

/** Site-wide duplicates (the factory's index of unit identities): the control room's alarm. */
export const DUPLICATES_MESSAGES: MessageCatalogue = {
  'sync.site_duplicates': {
    ru: 'Повтор кодов на заводе: {count} код(ов) с устройства {device} (линия {line}) уже получены с другой линии',
    en: 'Site-wide duplicate codes: {count} code(s) from device {device} (line {line}) were already received from another line',
  },
};
