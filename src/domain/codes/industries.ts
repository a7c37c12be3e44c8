/** The product groups a line can be set up for; each has one code profile (see profiles.ts). */
export const INDUSTRIES = [
  'milk',
  'water',
  'beer',
  'tobacco_pack',
  'tobacco_block',
  'pharma',
  'shoes',
  'light_industry',
] as const;
export type Industry = (typeof INDUSTRIES)[number];

export function isIndustry(v: unknown): v is Industry {
  return typeof v === 'string' && (INDUSTRIES as readonly string[]).includes(v);
}
