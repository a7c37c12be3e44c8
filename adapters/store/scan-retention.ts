import type { Knex } from 'knex';

/**
 * Retention of the `scans` rows that are not a bottle's record: duplicates, no-reads, invalid and
 * refused reads. Accepted scans (the bottle's own scan), bottles, batches and the outbox are never
 * touched — an unsynced item lives in the outbox until upstream acknowledged it, and the outbox
 * deletes its rows itself once acknowledged, so no synced outbox rows are kept to prune.
 *
 * Deletes run in small transactions on the writer, oldest first, so a scan commit never waits
 * behind more than one short batch; freed pages are reused by SQLite, so the file stops growing.
 */
export interface ScanRetentionPolicy {
  /** Rows older than this many days go; null = no age limit. */
  scansDays: number | null;
  /** At most this many such rows are kept (the newest); null = no count limit. */
  scansMax: number | null;
  /** Rows per delete transaction. */
  batchSize: number;
}

const PRUNABLE = "outcome <> 'accepted'";

export async function pruneScans(writer: Knex, reader: Knex, policy: ScanRetentionPolicy, now = Date.now()): Promise<{ byAge: number; byCount: number }> {
  let byAge = 0;
  let byCount = 0;
  if (policy.scansDays !== null) {
    const cutoff = new Date(now - policy.scansDays * 86_400_000).toISOString();
    for (;;) {
      const deleted = await deleteOldest(writer, policy.batchSize, cutoff);
      byAge += deleted;
      if (deleted < policy.batchSize) break;
    }
  }
  if (policy.scansMax !== null) {
    const [row] = (await reader('scans').whereRaw(PRUNABLE).count({ n: '*' })) as Array<{ n: number }>;
    let excess = Number(row!.n) - policy.scansMax;
    while (excess > 0) {
      const deleted = await deleteOldest(writer, Math.min(policy.batchSize, excess), null);
      if (deleted === 0) break;
      byCount += deleted;
      excess -= deleted;
    }
  }
  return { byAge, byCount };
}

/** Deletes up to `limit` of the oldest prunable rows (older than `before` when given). */
async function deleteOldest(writer: Knex, limit: number, before: string | null): Promise<number> {
  const bindings: Array<string | number> = before === null ? [limit] : [before, limit];
  // One transaction holds the one connection, so changes() is this DELETE's count, not a commit's in between.
  const changes = await writer.transaction(async (trx) => {
    await trx.raw(`DELETE FROM scans WHERE id IN (SELECT id FROM scans WHERE ${PRUNABLE}${before === null ? '' : ' AND received_at < ?'} ORDER BY id LIMIT ?)`, bindings);
    const [row] = (await trx.raw('SELECT changes() AS n')) as Array<{ n: number }>;
    return row!;
  });
  return Number(changes!.n);
}
