/**
 * ASCII Group Separator (0x1D). In a GS1 DataMatrix it is how FNC1 reaches the host: it ends a
 * variable-length element string, so codes are stored and compared with the real byte in place.
 */
export const GS = '\u001d';
export const GS_CHAR_CODE = 0x1d;
