/** Deterministic rng for generateCode in tests (mulberry32): a seed names a code. */
export function seededRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const GS = '\u001d';
/** Valid GTIN-14: 0460084074937 has check digit 2 (from the reference milk example). */
export const GTIN = '04600840749372';
/** 4006381333931 is a well-known valid EAN-13 (weights 1,3,… sum 89 → check 1). */
export const GTIN_EAN13 = '04006381333931';
