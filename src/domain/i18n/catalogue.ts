/**
 * The catalogue's shape and locales. The group files (*.messages.ts) import these from here, not from
 * messages.ts, which imports every group file: that would be an import cycle.
 */

export const LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'ru';

export type MessageCatalogue = Record<string, Record<Locale, string>>;
