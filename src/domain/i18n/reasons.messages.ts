import type { Locale } from './messages.js';

/**
 * Why a scan was not accepted: one key per reason code of src/domain/codes/reasons.ts
 * (`reason.<code in lower snake>`), and `reason.field.*` naming the fields those reasons mention.
 * The English texts are also the `message` the scanner API answers with.
 */
export const REASON_MESSAGES: Record<string, Record<Locale, string>> = {
  'reason.empty_code': { ru: 'Пустой код', en: 'Empty code' },
  'reason.not_a_string': { ru: 'Код должен быть строкой', en: 'Code must be a string' },
  'reason.unreadable': { ru: 'Код не читается', en: 'Unreadable code' },
  'reason.invalid_length': { ru: 'Неверная длина кода для этой товарной группы', en: 'Invalid code length for industry' },
  'reason.unknown_industry': { ru: 'Неизвестная товарная группа {industry}', en: 'Unknown industry {industry}' },
  'reason.unknown_ai': {
    ru: 'Неизвестный идентификатор применения: код содержит «{found}» на позиции {position}',
    en: 'Unknown AI: the code has “{found}” at position {position}',
  },
  'reason.unexpected_gs': { ru: 'Лишний разделитель GS на позиции {position}', en: 'Unexpected GS separator at position {position}' },
  'reason.unexpected_ai': {
    ru: 'AI {ai} ({field}) не входит в код товарной группы {profile}',
    en: 'AI {ai} ({field}) is not part of a {profile} code',
  },
  'reason.missing_ai': { ru: 'В коде нет AI {ai} ({field}), нужного для {profile}', en: 'Missing AI {ai} ({field}) for {profile}' },
  'reason.duplicate_ai': { ru: 'AI {ai} встречается в коде дважды', en: 'Duplicate AI {ai}' },
  'reason.missing_gs': { ru: 'Нет разделителя GS перед AI {ai}', en: 'Missing GS separator before AI {ai}' },
  'reason.missing_gs_after': { ru: 'Нет разделителя GS после AI {ai}', en: 'Missing GS separator after AI {ai}' },
  'reason.wrong_length': { ru: '{field}: нужно {length} символов для {profile}', en: '{field} must be {length} characters for {profile}' },
  'reason.too_long': { ru: '{field}: больше {max} символов', en: '{field} longer than {max} characters' },
  'reason.empty_element': { ru: 'Пустое поле: {field}', en: 'Empty {field}' },
  'reason.invalid_character': { ru: 'Недопустимый символ в поле: {field}', en: 'Invalid character in {field}' },
  'reason.check_digit': { ru: 'Неверная контрольная цифра в поле {field}', en: '{field} check digit mismatch' },
  'reason.invalid_date': { ru: 'Неверная дата: {field}', en: 'Invalid {field}' },
  'reason.truncated': { ru: 'Код обрывается внутри AI', en: 'Code ends inside an AI' },
  'reason.truncated_ai': { ru: 'Код обрывается внутри AI {ai}', en: 'Code ends inside AI {ai}' },
  'reason.gtin_mismatch': { ru: 'GTIN не совпадает с кодом', en: 'GTIN does not match the code' },
  'reason.duplicate': { ru: 'Повтор кода', en: 'Duplicate code' },
  'reason.no_read': { ru: 'Код не прочитан', en: 'No read' },
  'reason.line_paused': { ru: 'Линия на паузе: {reason}', en: 'Line paused: {reason}' },
  'reason.line_disabled': { ru: 'Устройство отключено заводом: {reason}', en: 'device disabled by the factory: {reason}' },
  'reason.line_stopping': { ru: 'Линия останавливается', en: 'Line stopping' },
  'reason.line_stopped': { ru: 'Линия остановлена', en: 'Line stopped' },
  'reason.storage_unavailable': { ru: 'Хранилище недоступно: {error}', en: 'Storage unavailable: {error}' },
  'reason.role_not_available': { ru: 'Роль сканера {role} на этой линии недоступна', en: 'Scanner role {role} is not available on this line' },
  'reason.refused': { ru: 'Скан отклонён', en: 'Scan refused' },
  'reason.storage_error': { ru: 'Ошибка записи', en: 'Storage error' },

  'reason.field.sscc': { ru: 'SSCC', en: 'SSCC' },
  'reason.field.gtin': { ru: 'GTIN', en: 'GTIN' },
  'reason.field.gtin_of_contained_items': { ru: 'GTIN вложений', en: 'GTIN of contained items' },
  'reason.field.batch': { ru: 'партия', en: 'batch' },
  'reason.field.production_date': { ru: 'дата производства', en: 'production date' },
  'reason.field.best_before_date': { ru: 'годен до', en: 'best before date' },
  'reason.field.expiry_date': { ru: 'срок годности', en: 'expiry date' },
  'reason.field.serial': { ru: 'серийный номер', en: 'serial' },
  'reason.field.count': { ru: 'количество', en: 'count' },
  'reason.field.net_weight': { ru: 'вес нетто', en: 'net weight' },
  'reason.field.price': { ru: 'цена', en: 'price' },
  'reason.field.mutually_agreed_data': { ru: 'согласованные данные', en: 'mutually agreed data' },
  'reason.field.verification_key': { ru: 'ключ проверки', en: 'verification key' },
  'reason.field.verification_code': { ru: 'код проверки', en: 'verification code' },
  'reason.field.crypto_tail': { ru: 'криптохвост', en: 'crypto tail' },
  'reason.field.company_internal_data': { ru: 'внутренние данные компании', en: 'company internal data' },
  'reason.field.check_code': { ru: 'проверочный код', en: 'check code' },
};
