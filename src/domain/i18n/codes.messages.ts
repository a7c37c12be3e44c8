import type { Locale } from './messages.js';

/**
 * The exact code rules (issue 14, src/domain/codes: symbology.ts, gs1-date.ts, ai-prefix.ts):
 * reasons for reads that are no marking code of this line, and the words for AIs the parser's table
 * does not carry. Keys follow the reasons group (`reason.<code>`, `reason.field.<title>`).
 */
export const CODE_RULE_MESSAGES: Record<string, Record<Locale, string>> = {
  'reason.not_gs1_datamatrix': {
    ru: 'Это не GS1 DataMatrix: считан символ {name} ({symbology})',
    en: 'Not a GS1 DataMatrix: the scanner read a {name} symbol ({symbology})',
  },
  'reason.not_pack_datamatrix': {
    ru: 'Код пачки — DataMatrix без FNC1 (]d1), а считан {name} ({symbology})',
    en: 'A pack code is a Data Matrix without FNC1 (]d1); the scanner read {name} ({symbology})',
  },
  'reason.product_barcode': {
    ru: 'Это штрихкод товара (EAN/UPC), а не код маркировки',
    en: 'A product barcode (EAN/UPC), not a marking code',
  },
  'reason.wrong_length_one_of': {
    ru: '{field}: нужно {lengths} символов для {profile}',
    en: '{field} must be {lengths} characters for {profile}',
  },
  'reason.not_sscc_label': {
    ru: 'Это не этикетка SSCC (AI 00): сканер коробов читает только SSCC, номер короба или код единицы',
    en: 'Not an SSCC label (AI 00): a box scanner reads an SSCC, a box identifier or a unit code',
  },
  'reason.sscc_check_digit': { ru: 'Неверная контрольная цифра SSCC {sscc}', en: 'SSCC {sscc} check digit mismatch' },
  'reason.unknown_sscc': { ru: 'Неизвестный SSCC {sscc}: такого короба на линии нет', en: 'Unknown SSCC {sscc}: no such box on this line' },
  'reason.mixed_gtin_in_box': {
    ru: 'В коробе {batch} уже другой товар (GTIN {gtin}); смешанные короба выключены',
    en: 'Box {batch} already holds another product (GTIN {gtin}); mixed cases are off',
  },

  'reason.field.due_date': { ru: 'дата платежа', en: 'due date' },
  'reason.field.packaging_date': { ru: 'дата упаковки', en: 'packaging date' },
  'reason.field.sell_by_date': { ru: 'продать до', en: 'sell by date' },
  'reason.field.variant': { ru: 'вариант продукта', en: 'variant' },
  'reason.field.consumer_product_variant': { ru: 'потребительский вариант', en: 'consumer product variant' },
  'reason.field.additional_product_identification': { ru: 'доп. идентификация продукта', en: 'additional product identification' },
  'reason.field.customer_part_number': { ru: 'артикул покупателя', en: 'customer part number' },
  'reason.field.secondary_serial': { ru: 'вторичный серийный номер', en: 'secondary serial' },
  'reason.field.variable_count': { ru: 'количество штук', en: 'variable count' },
  'reason.field.order_number': { ru: 'номер заказа', en: 'order number' },
  'reason.field.country_of_origin': { ru: 'страна происхождения', en: 'country of origin' },
  'reason.field.expiration_date_and_time': { ru: 'срок годности с временем', en: 'expiration date and time' },
  'reason.field.production_date_and_time': { ru: 'дата и время производства', en: 'production date and time' },
  'reason.field.unlisted_element': { ru: 'элемент вне списка', en: 'unlisted element' },
};
