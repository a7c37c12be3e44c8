import sqlite3 from 'sqlite3';

export interface EdgeBottleRow {
  id: string;
  identification_code: string;
  status: number;
}

/** What the edge left on disk, read straight from its SQLite file (read-only: the test must not repair it). */
export interface EdgeDiskState {
  bottles: EdgeBottleRow[];
  /** Identification codes held by more than one row (the unique index should make this impossible). */
  duplicateRows: Array<{ identification_code: string; n: number }>;
  /** `scans` rows with outcome `accepted`: exactly one per bottle. */
  acceptedScans: number;
  /** Outbox rows still queued or parked. */
  outboxLeft: number;
  parked: number;
  /** Outbox rows ever inserted (AUTOINCREMENT high-water mark). */
  outboxEverCreated: number;
  /** bottle_status_counts, which must agree with the rows. */
  statusCounts: Record<number, number>;
}

function all<T>(db: sqlite3.Database, sql: string): Promise<T[]> {
  return new Promise((resolve, reject) => db.all<T>(sql, (err, rows) => (err ? reject(err) : resolve(rows))));
}

export async function readEdgeDatabase(file: string): Promise<EdgeDiskState> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const handle = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => (err ? reject(err) : resolve(handle)));
  });
  try {
    const bottles = await all<EdgeBottleRow>(db, 'SELECT id, identification_code, status FROM bottles');
    const duplicateRows = await all<{ identification_code: string; n: number }>(
      db,
      'SELECT identification_code, COUNT(*) AS n FROM bottles GROUP BY identification_code HAVING COUNT(*) > 1',
    );
    const [accepted] = await all<{ n: number }>(db, "SELECT COUNT(*) AS n FROM scans WHERE outcome = 'accepted'");
    const [outbox] = await all<{ n: number; parked: number }>(db, 'SELECT COUNT(*) AS n, COUNT(parked_at) AS parked FROM outbox');
    const [sequence] = await all<{ seq: number }>(db, "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'");
    const counts = await all<{ status: number; count: number }>(db, 'SELECT status, count FROM bottle_status_counts');
    return {
      bottles,
      duplicateRows,
      acceptedScans: accepted!.n,
      outboxLeft: outbox!.n,
      parked: outbox!.parked,
      outboxEverCreated: sequence?.seq ?? 0,
      statusCounts: Object.fromEntries(counts.map((row) => [row.status, row.count])),
    };
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}
