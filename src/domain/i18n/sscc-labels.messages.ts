import type { Locale } from './messages.js';

/** Box and pallet SSCC labels printed when a box or pallet is closed (src/edge/sscc-labels.extension.ts). */
export const SSCC_LABEL_MESSAGES: Record<string, Record<Locale, string>> = {
  'line.sscc_label_printed': {
    ru: 'Этикетка {kind} {identifier} (SSCC {sscc}) напечатана на {printer}',
    en: 'Label of {kind} {identifier} (SSCC {sscc}) printed on {printer}',
  },
  'line.box_unpacked': { ru: 'Короб {batch} распакован ({count} шт.)', en: 'Box {batch} unpacked ({count} units)' },
  'line.pallet_closed': { ru: 'Паллета {pallet} закрыта вручную ({count} коробов)', en: 'Pallet {pallet} closed by hand ({count} boxes)' },
  'line.sscc_label_failed': {
    ru: 'Этикетка {kind} {identifier} (SSCC {sscc}) не напечатана на {printer}: {reason}',
    en: 'Label of {kind} {identifier} (SSCC {sscc}) not printed on {printer}: {reason}',
  },
};
