import { expect } from 'chai';
import { checkCode, generateCode, GS, type Industry } from '../../src/domain/codes/index.js';
import type { TestEdge } from './edge-harness.js';

/** The spec's own example code: its GTIN check digit is wrong, so it is invalid for every industry. */
export const SPEC_EXAMPLE_CODE = '010460000000001721ABC123KRIPTO1234';

/** Fresh valid codes for the industry (the generator's serials are random: collisions are negligible). */
export const codes = (n: number, industry: Industry = 'milk'): string[] => Array.from({ length: n }, () => generateCode(industry));

/** The GTIN of a valid code (throws for an invalid one: a fixture bug, not a finding). */
export function gtinOf(code: string, industry: Industry = 'milk'): string {
  const check = checkCode(code, industry);
  if (!check.valid) throw new Error(`fixture code is invalid: ${check.reason}`);
  return check.code.gtin;
}

/** A code as a UI shows it: GS as the printable `<GS>` substitute. */
export const printable = (code: string): string => code.split(GS).join('<GS>');

/** Creates `n` bottles through POST /api/v1/bottles; returns their ids and identifiers. */
export async function createBottles(t: TestEdge, n: number, extra: Record<string, unknown> = {}): Promise<Array<{ id: string; identifier: string }>> {
  const res = await t.request('POST', '/api/v1/bottles', { token: t.tokens.operator, body: { bottles: codes(n).map((identifier) => ({ identifier, ...extra })) } });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  expect(res.body.data.created).to.equal(n);
  return res.body.data.bottles;
}

/** Creates a batch through POST /api/v1/batches; returns the response data ({batch, bottleCount}). */
export async function createBatch(t: TestEdge, bottles: string[] = [], batch: Record<string, unknown> = {}): Promise<any> {
  const res = await t.request('POST', '/api/v1/batches', { token: t.tokens.operator, body: { batch: { name: 'Test batch', ...batch }, bottles } });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body.data;
}

/** GET /api/v1/bottles/count's data. */
export async function bottleCounts(t: TestEdge): Promise<{ count: number; byStatus: Record<string, number> }> {
  const res = await t.request('GET', '/api/v1/bottles/count', { token: t.tokens.operator });
  expect(res.status).to.equal(200);
  return res.body.data;
}
