import type { MessageCatalogue } from './catalogue.js';

/** What the HMI journal says about the line's devices, sync, the system and the factory's commands. */
export const JOURNAL_MESSAGES: MessageCatalogue = {
  'scanner.connected': { ru: 'Сканер {scanner} подключён', en: 'Scanner {scanner} connected' },
  'scanner.disconnected': { ru: 'Сканер {scanner} отключён: {reason}', en: 'Scanner {scanner} disconnected: {reason}' },
  'scanner.garbage': { ru: 'Сканер {scanner}: нераспознанные данные ({bytes} байт): {reason}', en: 'Scanner {scanner}: unreadable data ({bytes} bytes): {reason}' },
  'printer.connected': { ru: 'Принтер {printer} готов', en: 'Printer {printer} ready' },
  'printer.disconnected': { ru: 'Принтер {printer} недоступен: {reason}', en: 'Printer {printer} unavailable: {reason}' },
  'printer.fault': { ru: 'Неисправность принтера {printer}: {fault} {detail}', en: 'Printer {printer} fault: {fault} {detail}' },
  'plc.safe_state': {
    ru: 'ПЛК {plc} отключён ({reason}): линия переведена в безопасное состояние «{safeState}»',
    en: 'PLC {plc} disconnected ({reason}): line put in safe state "{safeState}"',
  },
  'plc.recovered': { ru: 'ПЛК {plc} снова на связи', en: 'PLC {plc} connected again' },
  'line.reject_alarm': { ru: 'Отбраковка: {message} (код {code})', en: 'Reject loop: {message} (code {code})' },
  'line.alarm_acknowledged': { ru: 'Авария линии квитирована на шкафу: {by}', en: 'Line alarm acknowledged at the cabinet: {by}' },
  'ups.on_battery': { ru: 'ИБП: работа от батареи, линия остановлена', en: 'UPS: on battery, line paused' },
  'ups.hold_off': { ru: 'ИБП: питание восстановлено, ожидание стабилизации', en: 'UPS: power back, waiting for it to hold' },
  'ups.low_battery': { ru: 'ИБП: батарея разряжена ({reason})', en: 'UPS: battery low ({reason})' },
  'ups.restored': { ru: 'ИБП: питание от сети восстановлено', en: 'UPS: mains power restored' },
  'ups.shutdown_requested': { ru: 'ИБП: запрошено выключение шкафа ({reason})', en: 'UPS: cabinet shutdown requested ({reason})' },
  'sync.parked': { ru: 'Синхронизация: {count} записей отложено (отклонены получателем)', en: 'Sync: {count} items parked (refused by the receiver)' },
  'sync.failing': { ru: 'Синхронизация не удаётся: {reason}', en: 'Sync failing: {reason}' },
  'sync.recovered': { ru: 'Синхронизация восстановлена', en: 'Sync working again' },
  'sync.unauthorized': { ru: 'Синхронизация: доступ запрещён ({reason})', en: 'Sync: access refused ({reason})' },
  'sync.queue_cleared': {
    ru: 'Очередь синхронизации очищена по команде завода: удалено {dropped} записей',
    en: 'Sync queue cleared by the factory: {dropped} items dropped',
  },
  'system.provisioning': { ru: 'Регистрация устройства: {status} {error}', en: 'Device provisioning: {status} {error}' },
  'system.connection_mode': { ru: 'Режим связи изменён: {mode}', en: 'Connection mode changed: {mode}' },
  'system.factory_link': { ru: 'Связь с заводским сервером: {state} {reason}', en: 'Factory server link: {state} {reason}' },
  'system.actor_restarted': { ru: 'Компонент {actor} перезапущен (попытка {attempt}): {error}', en: 'Component {actor} restarted (attempt {attempt}): {error}' },
  'system.actor_failed': { ru: 'Компонент {actor} остановлен после ошибок: {error}', en: 'Component {actor} failed for good: {error}' },
  'system.command_received': { ru: 'Получена команда завода {command} ({commandId})', en: 'Factory command {command} received ({commandId})' },
  'system.command_succeeded': { ru: 'Команда завода {command} выполнена ({commandId})', en: 'Factory command {command} done ({commandId})' },
  'system.command_failed': { ru: 'Команда завода {command} не выполнена ({commandId}): {error}', en: 'Factory command {command} failed ({commandId}): {error}' },
};
