/**
 * EPC pure-identity URIs (GS1 EPC Tag Data Standard, TDS 2.x) for what the line identifies:
 * SGTIN (a unit: GTIN + serial) and SSCC (a box or pallet).
 *
 * The GS1 company prefix length problem: an EPC URI splits the GTIN (and the SSCC) at the end of
 * the company prefix, which is 6 to 12 digits long, and nothing in the number itself says where
 * that is. Only GS1's register (the "GCP length" table, per prefix range) knows; a wrong length
 * still gives a well-formed URI, but a different one from what the brand owner's partners compute.
 * So the length is configuration: a default for the site (7, the most common length of company
 * prefixes GS1 Russia issues to manufacturers; check yours) and a list of known company prefixes,
 * the longest match winning, for sites that pack several brand owners' products.
 */
export interface CompanyPrefixRule {
  /** Used when no known prefix matches. */
  defaultLength: number;
  /** Known GS1 company prefixes (6-12 digits); the longest one a number starts with wins. */
  knownPrefixes?: readonly string[];
}

export const MIN_COMPANY_PREFIX_LENGTH = 6;
export const MAX_COMPANY_PREFIX_LENGTH = 12;

/** The company prefix length for the digits that follow the indicator or extension digit. */
export function companyPrefixLengthOf(digits: string, rule: CompanyPrefixRule): number {
  let best = 0;
  for (const prefix of rule.knownPrefixes ?? []) if (prefix.length > best && digits.startsWith(prefix)) best = prefix.length;
  const length = best || rule.defaultLength;
  if (!Number.isInteger(length) || length < MIN_COMPANY_PREFIX_LENGTH || length > MAX_COMPANY_PREFIX_LENGTH) {
    throw new RangeError(`a GS1 company prefix has ${MIN_COMPANY_PREFIX_LENGTH}-${MAX_COMPANY_PREFIX_LENGTH} digits, not ${length}`);
  }
  return length;
}

/**
 * Characters of GS1 AI 21 (CSET 82) that TDS requires escaped in an EPC URI serial: `"` `%` `&`
 * `/` `<` `>` `?`. The rest of CSET 82 (letters, digits, ! ' ( ) * + , - . : ; = _) stays as is.
 */
const ESCAPED = new Set(['"', '%', '&', '/', '<', '>', '?']);
const PLAIN = /^[A-Za-z0-9!'()*+,\-.:;=_]$/;

/**
 * A serial as TDS writes it in an EPC URI: the seven reserved characters percent-encoded. A
 * character outside CSET 82 cannot be in a valid AI 21 at all; should one reach here it is
 * percent-encoded as UTF-8 bytes, so the URI stays well-formed (and visibly odd).
 */
export function encodeEpcSerial(serial: string): string {
  let out = '';
  for (const ch of serial) {
    if (PLAIN.test(ch)) out += ch;
    else if (ESCAPED.has(ch)) out += `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
    else for (const byte of UTF8.encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const UTF8 = new TextEncoder();
const GTIN14 = /^\d{14}$/;
const SSCC18 = /^\d{18}$/;

/** `urn:epc:id:sgtin:CompanyPrefix.IndicatorItemRef.Serial` of a GTIN-14 and a serial. */
export function sgtinUri(gtin: string, serial: string, rule: CompanyPrefixRule): string {
  if (!GTIN14.test(gtin)) throw new RangeError(`a GTIN-14 has 14 digits: ${gtin}`);
  if (serial.length === 0) throw new RangeError('an SGTIN needs a serial');
  const indicator = gtin[0]!;
  const body = gtin.slice(1, 13); // company prefix + item reference, without the check digit
  const length = companyPrefixLengthOf(body, rule);
  return `urn:epc:id:sgtin:${body.slice(0, length)}.${indicator}${body.slice(length)}.${encodeEpcSerial(serial)}`;
}

/** `urn:epc:id:sscc:CompanyPrefix.ExtensionSerialRef` of an 18-digit SSCC. */
export function ssccUri(sscc: string, rule: CompanyPrefixRule): string {
  if (!SSCC18.test(sscc)) throw new RangeError(`an SSCC has 18 digits: ${sscc}`);
  const extension = sscc[0]!;
  const body = sscc.slice(1, 17); // company prefix + serial reference, without the check digit
  const length = companyPrefixLengthOf(body, rule);
  return `urn:epc:id:sscc:${body.slice(0, length)}.${extension}${body.slice(length)}`;
}
