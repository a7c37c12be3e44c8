/**
 * A unit's identity across the site: `01` GTIN `21` serial, the same de-duplication key the edge
 * keeps in bottles.identification_code (no crypto tail: the same unit printed twice carries
 * different tails). Read from a `bottle.created` sync payload.
 */
export interface UnitIdentity {
  key: string;
  gtin: string;
  serial: string;
}

const GTIN = /^\d{14}$/;
/** An identity key no longer than the index column (unit_identities.identity_key, 200). */
const MAX_KEY_LENGTH = 200;

/**
 * The identity a `bottle.created` payload names, or null when it names none the factory can trust
 * (such items are stored as before, only not indexed). `identificationCode` first (what the edge
 * sends); else `gtin` + `serial` when a sender gives them separately.
 */
export function unitIdentityOf(payload: Record<string, unknown>): UnitIdentity | null {
  const code = payload.identificationCode;
  if (typeof code === 'string' && code.length > 18 && code.length <= MAX_KEY_LENGTH && code.startsWith('01') && GTIN.test(code.slice(2, 16)) && code.slice(16, 18) === '21') {
    return { key: code, gtin: code.slice(2, 16), serial: code.slice(18) };
  }
  const { gtin, serial } = payload;
  if (typeof gtin === 'string' && GTIN.test(gtin) && typeof serial === 'string' && serial.length > 0) {
    const key = `01${gtin}21${serial}`;
    if (key.length <= MAX_KEY_LENGTH) return { key, gtin, serial };
  }
  return null;
}
