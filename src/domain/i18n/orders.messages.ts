import type { MessageCatalogue } from './messages.js';

/** What the journal says about production orders (src/domain/orders.ts) and the GTIN lock. */
export const ORDERS_MESSAGES: MessageCatalogue = {
  'orders.created': { ru: 'Задание {order} создано (партия {lot}, план {planned} шт.)', en: 'Order {order} created (lot {lot}, {planned} units planned)' },
  'orders.started': { ru: 'Задание {order} запущено (партия {lot}): {user}', en: 'Order {order} started (lot {lot}) by {user}' },
  'orders.stopped': { ru: 'Задание {order} остановлено: {user}', en: 'Order {order} stopped by {user}' },
  'orders.closed': { ru: 'Задание {order} закрыто: {user}', en: 'Order {order} closed by {user}' },
  'orders.wrong_product': {
    ru: 'Чужой продукт на линии: GTIN {gtin} не входит в задание {order} (отбраковано: {count})',
    en: 'Wrong product on the line: GTIN {gtin} is not in order {order} ({count} rejected)',
  },
  'orders.no_active_order': { ru: 'Коды отклоняются: на линии нет активного задания (отклонено: {count})', en: 'Codes refused: no active order on the line ({count} refused)' },
  'orders.changeover_mismatch': {
    ru: 'Переналадка: ПЛК сообщает GTIN {gtin}, его нет в задании {order}; линия остановлена',
    en: 'Changeover: the PLC reports GTIN {gtin}, which is not in order {order}; line paused',
  },
  'orders.changeover_no_order': { ru: 'Переналадка: ПЛК сообщает GTIN {gtin}, активного задания нет', en: 'Changeover: the PLC reports GTIN {gtin}, no order is active' },
  'orders.line_paused_reason': { ru: 'ПЛК: продукт {gtin} не из задания {order}', en: 'PLC: product {gtin} is not in order {order}' },
  'orders.received_from_factory': { ru: 'Задание {order} получено от завода', en: 'Order {order} received from the factory' },
};
