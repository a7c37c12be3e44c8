import { mod10CheckDigit } from './codes/check-digit.js';

/**
 * SSCC (Serial Shipping Container Code, GS1 AI 00): 18 digits = extension digit (1) + GS1 company
 * prefix (7–10) + serial reference (the rest, 16 − prefix length) + mod-10 check digit. Every box
 * (batch) and pallet gets one when it is created, beside its `B-…`/`P-…` identifier.
 *
 * `lineRange`: digits at the head of the serial reference that belong to this edge. Several lines
 * (edges) of one company share its prefix; each must get its own range, or two of them would
 * number their boxes alike. Empty: this edge owns the whole serial reference space.
 */
export interface SsccSettings {
  /** The GS1 company prefix, 7 to 10 digits (from GS1 Russia). */
  companyPrefix: string;
  /** 0–9, chosen by the company (often the packaging level). */
  extensionDigit: number;
  lineRange: string;
}

/** How many sequence numbers an edge with these settings can allocate before its range is exhausted. */
export function ssccCapacity(settings: SsccSettings): number {
  return 10 ** (16 - settings.companyPrefix.length - settings.lineRange.length);
}

/** What is wrong with the settings, as sentences; empty when SSCCs can be built from them. */
export function ssccSettingsProblems(s: SsccSettings): string[] {
  const problems: string[] = [];
  if (!/^\d{7,10}$/.test(s.companyPrefix)) problems.push('companyPrefix must be 7 to 10 digits');
  if (!Number.isInteger(s.extensionDigit) || s.extensionDigit < 0 || s.extensionDigit > 9) problems.push('extensionDigit must be 0 to 9');
  if (!/^\d{0,8}$/.test(s.lineRange)) problems.push('lineRange must be up to 8 digits');
  else if (problems.length === 0 && 16 - s.companyPrefix.length - s.lineRange.length < 1) problems.push('companyPrefix and lineRange leave no digit for the sequence');
  return problems;
}

/** The sequence's key: a new prefix, extension digit or range starts its own count. */
export function ssccSequenceName(s: SsccSettings): string {
  return `sscc:${s.extensionDigit}${s.companyPrefix}:${s.lineRange}`;
}

/**
 * The SSCC for the n-th allocation (n ≥ 1) under these settings. Pure: the sequence that makes n
 * unique lives in the store. Throws RangeError when n does not fit the serial reference.
 */
export function buildSscc(settings: SsccSettings, n: number): string {
  const problems = ssccSettingsProblems(settings);
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  const digits = 16 - settings.companyPrefix.length - settings.lineRange.length;
  if (!Number.isInteger(n) || n < 0 || n >= 10 ** digits) throw new RangeError(`SSCC sequence ${n} does not fit ${digits} digits`);
  const body = `${settings.extensionDigit}${settings.companyPrefix}${settings.lineRange}${String(n).padStart(digits, '0')}`;
  return body + String(mod10CheckDigit(body));
}

/** The GS1 element string of an SSCC label: AI 00 and the 18 digits (what a GS1-128 carries after FNC1). */
export function ssccElementString(sscc: string): string {
  return `00${sscc}`;
}

/** Human-readable interpretation under the bar code: "(00) 046008400000000013". */
export function ssccText(sscc: string): string {
  return `(00) ${sscc}`;
}

/** What the aggregation actor needs beyond each request: read at each request (config can change at run time). */
export interface AggregationSettings {
  /** null: boxes and pallets get no SSCC (no company prefix configured). */
  sscc: SsccSettings | null;
  /** A box may hold more than one GTIN. */
  mixedCases: boolean;
}

/**
 * An aggregation executor built without settings (store tests, tools): no SSCC and no GTIN rule,
 * as before issue 14. The edge always passes its config (aggregation.mixedCases defaults to false).
 */
export const NO_AGGREGATION_SETTINGS: AggregationSettings = { sscc: null, mixedCases: true };

/** How a child is named in an aggregation payload upstream: a unit by GTIN + serial, a box by its SSCC (or its identifier without one). */
export type AggregationChild = { gtin: string; serial: string } | { sscc: string | null; identifier: string };
