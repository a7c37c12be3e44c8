import type { Knex } from 'knex';
import { buildSscc, ssccSequenceName, type SsccSettings } from '../../src/domain/sscc.js';

/**
 * The next SSCC under these settings, from `sscc_sequences` (migration 0007), advanced inside the
 * caller's transaction — the one that inserts the box or pallet the SSCC names. Either both commit
 * or neither does, so no SSCC stored with a box is ever handed out again (kill -9 included).
 * null without settings.
 */
export async function allocateSscc(trx: Knex.Transaction, settings: SsccSettings | null): Promise<string | null> {
  if (settings === null) return null;
  const name = ssccSequenceName(settings);
  const rows: Array<{ value: number }> = await trx.raw('UPDATE sscc_sequences SET value = value + 1 WHERE name = ? RETURNING value', [name]);
  let n = rows[0]?.value;
  if (n === undefined) {
    await trx('sscc_sequences').insert({ name, value: 1 });
    n = 1;
  }
  return buildSscc(settings, Number(n));
}
