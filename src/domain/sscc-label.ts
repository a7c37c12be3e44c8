import { isValidSscc } from './codes/check-digit.js';
import { normaliseScan } from './codes/normalise.js';
import { parseElementString } from './codes/gs1-parser.js';
import { reasons, type ScanReason } from './codes/reasons.js';

/**
 * Reads a box or pallet label as a BOX scanner sees it: a GS1-128 (`]C1`) or GS1 DataMatrix whose
 * element string starts with AI 00, optionally followed by the other logistic AIs (02, 37, 10 …).
 * Returns null when the scan does not start with AI 00 (then it is no SSCC label at all: a batch
 * identifier or a unit code, handled by the caller), else the SSCC or why it is refused.
 */
export function ssccOfLabel(raw: string): { ok: true; sscc: string } | { ok: false; reason: ScanReason } | null {
  const data = normaliseScan(raw);
  if (!data.startsWith('00') || data.length < 20 || !/^\d{18}$/.test(data.substring(2, 20))) return null;
  const sscc = data.substring(2, 20);
  if (!isValidSscc(sscc)) return { ok: false, reason: reasons.ssccCheckDigit(sscc) };
  const parsed = parseElementString(data);
  if (!parsed.ok) return { ok: false, reason: reasons.notSsccLabel() };
  return { ok: true, sscc };
}
