import type { Knex } from 'knex';
import { BottleStatus } from '../../src/domain/bottle-status.js';
import type { EpcisChild, EpcisPack, EpcisUnit } from '../../src/domain/epcis/epcis-events.js';
import { idTimePrefix } from '../../src/domain/ids.js';

/** Rows per read: the document streams page by page, never the whole range in memory. */
const PAGE = 500;
/**
 * Bottle ids are time-ordered (ULID) and made within milliseconds of created_at, so the range is
 * read on the primary key, widened by this margin (a clock step back keeps ids ahead of the
 * clock), and filtered exactly on created_at.
 */
const ID_MARGIN_MS = 3_600_000;

type Row = Record<string, unknown>;
const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

/**
 * A unit from its bottles row. Lot and dates come from the row's own columns when the schema has
 * them (production orders add them; `SELECT *` picks them up, and their absence is no error).
 */
function unitOf(row: Row): EpcisUnit {
  return {
    gtin: String(row.gtin),
    serial: String(row.serial),
    at: String(row.created_at),
    lineId: text(row.production_line_id),
    lot: text(row.lot) ?? text(row.lot_number) ?? text(row.party),
    productionDate: text(row.production_date),
    expiryDate: text(row.expiry_date) ?? text(row.expiration_date),
  };
}

/**
 * The edge's reads for GET /api/v1/epcis/events, on the reading connection: units created in
 * [from, to) (rejected and deleted ones were never produced), then boxes and pallets closed (or,
 * while open, created) in it with their contents. Boxes and pallets carry an SSCC when the schema
 * has an `sscc` column and it is set.
 */
export function createEdgeEpcisReads(reader: Knex) {
  async function* units(from: string, to: string): AsyncGenerator<EpcisUnit> {
    let after = idTimePrefix(Date.parse(from) - ID_MARGIN_MS);
    const before = idTimePrefix(Date.parse(to) + ID_MARGIN_MS);
    for (;;) {
      const rows: Row[] = await reader('bottles')
        .where('id', '>', after)
        .andWhere('id', '<', before)
        .andWhere('created_at', '>=', from)
        .andWhere('created_at', '<', to)
        .whereNotIn('status', [BottleStatus.REJECTED, BottleStatus.DELETED])
        .orderBy('id')
        .limit(PAGE)
        .select('*');
      for (const row of rows) yield unitOf(row);
      if (rows.length < PAGE) return;
      after = String(rows[rows.length - 1]!.id);
    }
  }

  /** Boxes or pallets whose time (closed, else created) is in [from, to), by id pages. */
  async function* containers(table: 'batches' | 'pallets', from: string, to: string): AsyncGenerator<Row> {
    let after = '';
    for (;;) {
      const rows: Row[] = await reader(table)
        .where('id', '>', after)
        .andWhereRaw('COALESCE(completed_at, created_at) >= ? AND COALESCE(completed_at, created_at) < ?', [from, to])
        .orderBy('id')
        .limit(PAGE)
        .select('*');
      for (const row of rows) yield row;
      if (rows.length < PAGE) return;
      after = String(rows[rows.length - 1]!.id);
    }
  }

  const packOf = (level: 'box' | 'pallet', row: Row, children: EpcisChild[]): EpcisPack => ({
    level,
    identifier: String(row.identifier),
    sscc: text(row.sscc),
    at: String(row.completed_at ?? row.created_at),
    lineId: text(row.production_line_id),
    children,
  });

  async function* packs(from: string, to: string): AsyncGenerator<EpcisPack> {
    for await (const box of containers('batches', from, to)) {
      const bottles: Row[] = await reader('bottles').where('batch_id', box.id as string).whereNotIn('status', [BottleStatus.REJECTED, BottleStatus.DELETED]).orderBy('id').select('gtin', 'serial');
      yield packOf('box', box, bottles.map((b) => ({ gtin: String(b.gtin), serial: String(b.serial) })));
    }
    for await (const pallet of containers('pallets', from, to)) {
      const boxes: Row[] = await reader('batches').where('pallet_id', pallet.id as string).orderBy('id').select('*');
      yield packOf('pallet', pallet, boxes.map((b): EpcisChild => (text(b.sscc) ? { sscc: String(b.sscc) } : { level: 'box', identifier: String(b.identifier) })));
    }
  }

  return { units, packs };
}

export type EdgeEpcisReads = ReturnType<typeof createEdgeEpcisReads>;
