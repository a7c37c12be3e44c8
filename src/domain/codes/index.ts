/** Marking codes: normalise scanner output, parse GS1 element strings, validate per industry, generate. */
export { GS } from './gs.js';
export { INDUSTRIES, isIndustry, type Industry } from './industries.js';
export { normaliseScan } from './normalise.js';
export { gtinCheckDigit, isValidGtin, isValidSscc } from './check-digit.js';
export { CSET82_CHARACTERS } from './cset82.js';
export { AI_TABLE, aiDefinition, type AiCharset, type AiDefinition } from './ai-table.js';
export {
  parseElementString,
  type Gs1Parse,
  type Gs1ParseError,
  type Gs1ErrorKind,
  type LengthHint,
} from './gs1-parser.js';
export {
  PROFILES,
  type IndustryProfile,
  type Gs1Profile,
  type RawProfile,
  type ProfileElement,
  type RawSegment,
} from './profiles.js';
export { profileProblems } from './profile-check.js';
export { checkCode, checkCodeWithProfile, type CodeCheck, type ParsedCode } from './validate.js';
export { generateCode, generateCodeForProfile, generateGtin, type GenerateOptions } from './generate.js';
