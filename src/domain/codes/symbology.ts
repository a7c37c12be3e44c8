/**
 * AIM symbology identifiers (ISO/IEC 15424) a scanner may put before the data: `]` + a symbology
 * letter + a modifier digit. They say what kind of symbol was read, which the data alone cannot:
 * a QR code or a GS1-128 label can carry the very same characters as a GS1 DataMatrix, but only a
 * GS1 DataMatrix is a Chestny ZNAK marking code.
 *
 * - `]d2`: Data Matrix ECC 200 with FNC1 in the first position — GS1 DataMatrix. The only one a GS1
 *   layout accepts.
 * - `]d1`: Data Matrix ECC 200 without FNC1 — the tobacco pack code (no AIs, no separators).
 * - `]E0`/`]E4`: EAN-13/UPC-A and EAN-8 — a product barcode read by mistake.
 * - anything else (`]Q3` QR, `]C1` GS1-128, `]e0` GS1 DataBar, `]d0`, `]d4`–`]d6` ECI forms …): refused.
 * A code without an identifier is accepted as before (many scanners are set not to send one).
 */
export const GS1_DATAMATRIX_ID = ']d2';
export const PLAIN_DATAMATRIX_ID = ']d1';

/** Leading noise normaliseScan also strips (C0 controls, space, DEL, BOM), so `\x02]d2…` is seen as `]d2`. */
function isNoise(c: number): boolean {
  return c <= 0x20 || c === 0x7f || c === 0xfeff;
}

/** The symbology identifier at the start of raw scanner output (after framing noise), or null. */
export function symbologyIdentifier(raw: string): string | null {
  let i = 0;
  while (i < raw.length && isNoise(raw.charCodeAt(i))) i++;
  if (raw.charCodeAt(i) !== 93 /* ] */ || raw.length < i + 3) return null;
  return raw.substring(i, i + 3);
}

/** `]E0` (EAN-13, UPC-A) and `]E4` (EAN-8): the retail product barcodes of ISO/IEC 15420. */
export function isProductBarcodeId(id: string): boolean {
  return id.charCodeAt(1) === 69 /* E */;
}

/** Names a symbology for the reason shown to operators (`]Q3` → "QR Code"); unknown letters read as the identifier itself. */
export function symbologyName(id: string): string {
  switch (id.charAt(1)) {
    case 'd':
      return id === ']d2' ? 'GS1 DataMatrix' : 'Data Matrix';
    case 'Q':
      return 'QR Code';
    case 'C':
      return id === ']C1' ? 'GS1-128' : 'Code 128';
    case 'e':
      return 'GS1 DataBar';
    case 'E':
      return 'EAN/UPC';
    case 'A':
      return 'Code 39';
    case 'I':
      return 'Interleaved 2 of 5';
    case 'L':
      return 'PDF417';
    case 'z':
      return 'Aztec';
    default:
      return id;
  }
}
