import type { MessageCatalogue } from './messages.js';

/** Texts of the factory console (served by the factory at `/`); shared ones are in hmi.messages.ts. */
export const CONSOLE_MESSAGES: MessageCatalogue = {
  'console.title': { ru: 'OKTO · Завод', en: 'OKTO · Factory' },
};
