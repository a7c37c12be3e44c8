import type { Locale } from './messages.js';

/** Box and pallet SSCC labels printed when a box or pallet is closed (src/edge/sscc-labels.extension.ts). */
export const SSCC_LABEL_MESSAGES: Record<string, Record<Locale, string>> = {
  'aggregation.label_printed': {
    ru: 'Этикетка {kind} {identifier} (SSCC {sscc}) напечатана на {printer}',
    en: 'Label of {kind} {identifier} (SSCC {sscc}) printed on {printer}',
  },
  'aggregation.label_failed': {
    ru: 'Этикетка {kind} {identifier} (SSCC {sscc}) не напечатана на {printer}: {reason}',
    en: 'Label of {kind} {identifier} (SSCC {sscc}) not printed on {printer}: {reason}',
  },
};
