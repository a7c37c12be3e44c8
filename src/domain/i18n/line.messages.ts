import type { MessageCatalogue } from './catalogue.js';

/** What the journal says about the scan line's state and the operator's line operations. */
export const LINE_MESSAGES: MessageCatalogue = {
  'line.paused': { ru: 'Линия остановлена: {reason}', en: 'Line paused: {reason}' },
  'line.paused_by': { ru: 'Линия остановлена оператором {user}: {reason}', en: 'Line paused by {user}: {reason}' },
  'line.resumed': { ru: 'Линия запущена', en: 'Line resumed' },
  'line.resumed_by': { ru: 'Линия запущена оператором {user}: {reason}', en: 'Line resumed by {user}: {reason}' },
  'line.disabled': { ru: 'Устройство отключено заводом: {reason}', en: 'Device disabled by the factory: {reason}' },
  'line.enabled': { ru: 'Устройство снова включено заводом', en: 'Device enabled again by the factory' },
  'line.stopping': { ru: 'Линия останавливается (завершение работы)', en: 'Line stopping (shutdown)' },
  'line.batch_closed': { ru: 'Короб {batch} закрыт вручную ({count} шт.)', en: 'Batch {batch} closed by hand ({count} units)' },
};
