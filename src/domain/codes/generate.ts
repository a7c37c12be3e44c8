import { aiDefinition, type AiCharset } from './ai-table.js';
import { gtinCheckDigit, isValidGtin, mod10CheckDigit } from './check-digit.js';
import { CSET82_CHARACTERS } from './cset82.js';
import { GS } from './gs.js';
import { isIndustry, type Industry } from './industries.js';
import { normaliseScan } from './normalise.js';
import { PROFILES, type IndustryProfile } from './profiles.js';

export interface GenerateOptions {
  /** Uniform in [0, 1); defaults to Math.random. The same sequence gives the same code. */
  rng?: () => number;
  /** A valid GTIN-14 to put in the code instead of a random Russian (046…) one. */
  gtin?: string;
}

const DIGITS = '0123456789';
/** Enough for any sane rng: a retry happens only when a serial spells a GS stand-in like "<GS>". */
const MAX_ATTEMPTS = 100;

function pick(rng: () => number, alphabet: string): string {
  const x = rng();
  const i = x >= 0 && x < 1 ? Math.floor(x * alphabet.length) : 0;
  return alphabet[i]!;
}

function randomString(rng: () => number, alphabet: string, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += pick(rng, alphabet);
  return s;
}

function alphabetFor(charset: AiCharset): string {
  return charset === 'numeric' ? DIGITS : CSET82_CHARACTERS;
}

/** A random valid GTIN-14 under the Russian GS1 prefix 460. */
export function generateGtin(rng: () => number = Math.random): string {
  const first13 = '0460' + randomString(rng, DIGITS, 9);
  return first13 + gtinCheckDigit(first13);
}

function randomDate(rng: () => number): string {
  const yy = randomString(rng, DIGITS, 2);
  const mm = 1 + Math.floor(Math.min(rng(), 0.999) * 12);
  const dd = 1 + Math.floor(Math.min(rng(), 0.999) * 28);
  return yy + String(mm).padStart(2, '0') + String(dd).padStart(2, '0');
}

function elementValue(ai: string, length: number, gtin: string, rng: () => number): string {
  if (ai === '01') return gtin;
  const def = aiDefinition(ai);
  if (def === undefined) throw new RangeError(`Profile uses unknown AI ${ai}`);
  if (def.date) return randomDate(rng);
  if (def.checkDigit) {
    const body = randomString(rng, DIGITS, length - 1);
    return body + mod10CheckDigit(body);
  }
  return randomString(rng, alphabetFor(def.charset), length);
}

function buildCode(profile: IndustryProfile, gtin: string, rng: () => number): string {
  if (profile.format === 'raw') {
    let code = '';
    for (const s of profile.segments) {
      code += s.role === 'gtin' ? gtin : randomString(rng, alphabetFor(s.charset), s.length);
    }
    return code;
  }
  const required = profile.elements.filter((e) => !e.optional);
  let code = '';
  required.forEach((e, i) => {
    const ai = e.ai.replace('n', '3'); // a measure AI is generated with 3 decimals (kg to the gram)
    code += ai + elementValue(e.ai, e.length, gtin, rng);
    // GS ends every element but the last, except where GS1 predefines the length (01, 310n).
    if (!aiDefinition(e.ai)!.predefined && i < required.length - 1) code += GS;
  });
  return code;
}

/** A fresh valid code for a profile, GS bytes included. */
export function generateCodeForProfile(profile: IndustryProfile, options: GenerateOptions = {}): string {
  const rng = options.rng ?? Math.random;
  if (options.gtin !== undefined && !isValidGtin(options.gtin)) {
    throw new RangeError(`Not a valid GTIN-14: ${options.gtin}`);
  }
  const gtin = options.gtin ?? generateGtin(rng);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const code = buildCode(profile, gtin, rng);
    // A scanner-side normaliser would turn a serial containing "<GS>" into a separator: never
    // hand out a code that does not survive normalisation unchanged.
    if (normaliseScan(code) === code) return code;
  }
  throw new Error('Could not generate a code that survives normalisation (is the rng constant?)');
}

/** A fresh valid code for the industry, GS bytes included. Same rng sequence → same code. */
export function generateCode(industry: Industry, options: GenerateOptions = {}): string {
  if (!isIndustry(industry)) throw new RangeError(`Unknown industry ${String(industry)}`);
  return generateCodeForProfile(PROFILES[industry], options);
}
