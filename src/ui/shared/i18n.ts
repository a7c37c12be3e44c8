import { signal } from '@preact/signals';
import { DEFAULT_LOCALE, formatMessage, LOCALES, type Locale, MESSAGES } from '../../domain/i18n/messages.js';

/** The page's language (ru by default), kept in localStorage so it survives a reload. */
const STORAGE_KEY = 'okto.locale';

function initialLocale(): Locale {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return (LOCALES as readonly string[]).includes(stored ?? '') ? (stored as Locale) : DEFAULT_LOCALE;
}

export const locale = signal<Locale>(initialLocale());

export function setLocale(next: Locale): void {
  locale.value = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
}

/** The catalogue text of `key` in the page's language (reading `locale` re-renders on a switch). */
export function t(key: string, params: Record<string, unknown> = {}): string {
  return formatMessage(key, params, locale.value);
}

/** True when the catalogue has `key` (so a caller can fall back to something better than the key itself). */
export const hasMessage = (key: string): boolean => key in MESSAGES;

/** The words for an API error code; an unknown code reads as the generic failure, never the server's English text. */
export function errorText(code: string): string {
  return hasMessage(`error.${code}`) ? t(`error.${code}`) : t('error.UNKNOWN', { code });
}

const numberFormats = new Map<Locale, Intl.NumberFormat>();
export function num(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  let format = numberFormats.get(locale.value);
  if (!format) numberFormats.set(locale.value, (format = new Intl.NumberFormat(locale.value === 'ru' ? 'ru-RU' : 'en-GB')));
  return format.format(value);
}

export function time(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  return date.toLocaleTimeString(locale.value === 'ru' ? 'ru-RU' : 'en-GB', { hour12: false });
}

export function dateTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  return date.toLocaleString(locale.value === 'ru' ? 'ru-RU' : 'en-GB', { hour12: false });
}

export { LOCALES, type Locale };
