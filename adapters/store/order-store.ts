import type { Knex } from 'knex';
import { BottleStatus } from '../../src/domain/bottle-status.js';
import { DomainError } from '../../src/domain/domain-error.js';
import { nextId } from '../../src/domain/ids.js';
import { orderTransition, summarise, type Order, type OrderAction, type OrderDraft, type OrderStatus, type OrderSummary } from '../../src/domain/orders.js';

interface OrderRow {
  id: string;
  number: string;
  line_id: string;
  status: string;
  product_id: string | null;
  product_name: string | null;
  gtins: string;
  lot: string;
  production_date: string;
  expiry_date: string;
  planned_quantity: number;
  fields: string;
  created_by: string | null;
  created_at: string;
  started_at: string | null;
  stopped_at: string | null;
  closed_at: string | null;
}

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    number: row.number,
    lineId: row.line_id,
    status: row.status as OrderStatus,
    productId: row.product_id,
    productName: row.product_name,
    gtins: JSON.parse(row.gtins) as string[],
    lot: row.lot,
    productionDate: row.production_date,
    expiryDate: row.expiry_date,
    plannedQuantity: row.planned_quantity,
    fields: JSON.parse(row.fields) as Record<string, string>,
    createdBy: row.created_by,
    createdAt: row.created_at,
    startedAt: row.started_at,
    stoppedAt: row.stopped_at,
    closedAt: row.closed_at,
  };
}

export interface OrderFilter {
  status?: OrderStatus | undefined;
  gtin?: string | undefined;
  lot?: string | undefined;
  limit: number;
  /** Keyset paging: orders older than this id. */
  beforeId?: string | undefined;
}

const STAMP: Record<OrderAction, 'started_at' | 'stopped_at' | 'closed_at'> = { start: 'started_at', stop: 'stopped_at', close: 'closed_at' };

/**
 * Production orders on the edge's SQLite (migration 0006). Writes go through the writer
 * connection; each transition is one transaction that re-reads the order and the line's active
 * one, so two concurrent starts cannot both win (the partial unique index backs that up).
 */
export function createOrderStore(db: Knex, reader: Knex = db) {
  async function get(id: string, q: Knex = reader): Promise<Order | null> {
    const row: OrderRow | undefined = await q('orders').where({ id }).first();
    return row ? toOrder(row) : null;
  }

  return {
    get,

    async create(lineId: string, draft: OrderDraft, createdBy: string | null, at: string = new Date().toISOString()): Promise<Order> {
      return db.transaction(async (trx) => {
        const existing = await trx('orders').where({ number: draft.number }).first('id');
        if (existing) throw new DomainError('CONFLICT', `An order numbered ${draft.number} exists`, { id: (existing as { id: string }).id });
        const row: OrderRow = {
          id: nextId('ord-'),
          number: draft.number,
          line_id: lineId,
          status: 'planned',
          product_id: draft.productId,
          product_name: draft.productName,
          gtins: JSON.stringify(draft.gtins),
          lot: draft.lot,
          production_date: draft.productionDate,
          expiry_date: draft.expiryDate,
          planned_quantity: draft.plannedQuantity,
          fields: JSON.stringify(draft.fields),
          created_by: createdBy,
          created_at: at,
          started_at: null,
          stopped_at: null,
          closed_at: null,
        };
        await trx('orders').insert(row);
        return toOrder(row);
      });
    },

    /** Newest first, with the total of matching orders. */
    async list(filter: OrderFilter): Promise<{ orders: Order[]; total: number }> {
      const where = (q: Knex.QueryBuilder) => {
        if (filter.status !== undefined) q.where('status', filter.status);
        if (filter.lot !== undefined) q.where('lot', filter.lot);
        if (filter.gtin !== undefined) q.whereRaw('EXISTS (SELECT 1 FROM json_each(orders.gtins) g WHERE g.value = ?)', [filter.gtin]);
        return q;
      };
      const page = where(reader('orders').orderBy('id', 'desc').limit(filter.limit));
      if (filter.beforeId !== undefined) page.where('id', '<', filter.beforeId);
      const rows: OrderRow[] = await page;
      const [{ total }] = (await where(reader('orders').count({ total: '*' }))) as Array<{ total: number }>;
      return { orders: rows.map(toOrder), total: Number(total) };
    },

    /** The line's active order, if any (read on the writer: a start just committed must be seen). */
    async active(lineId: string): Promise<Order | null> {
      const row: OrderRow | undefined = await db('orders').where({ line_id: lineId, status: 'active' }).first();
      return row ? toOrder(row) : null;
    },

    /**
     * start / stop / close by the domain's rules. NOT_FOUND for an unknown id, CONFLICT for an
     * illegal move (another order active, a closed order, …). Answers the order after the move.
     */
    async transition(id: string, action: OrderAction, at: string = new Date().toISOString()): Promise<Order> {
      return db.transaction(async (trx) => {
        const order = await get(id, trx);
        if (!order) throw new DomainError('NOT_FOUND', `Order ${id} not found`);
        const active = (await trx('orders').where({ line_id: order.lineId, status: 'active' }).first('id')) as { id: string } | undefined;
        const verdict = orderTransition(order.status, action, order.id, active?.id ?? null);
        if (!verdict.ok) throw new DomainError('CONFLICT', `Order ${order.number}: ${verdict.why}`, { status: order.status, activeOrderId: active?.id ?? null });
        await trx('orders').where({ id }).update({ status: verdict.to, [STAMP[action]]: at });
        return { ...order, status: verdict.to, [action === 'start' ? 'startedAt' : action === 'stop' ? 'stoppedAt' : 'closedAt']: at };
      });
    },

    /**
     * Planned / produced / rejected by reason. Produced: the order's bottles that are not Rejected
     * or Deleted. Rejected: the order's scans that were not accepted, by reason code (the outcome
     * when a row has none), plus its units rejected after they were accepted (REJECTED_AFTER_ACCEPT).
     */
    async summary(order: Pick<Order, 'id' | 'plannedQuantity'>): Promise<OrderSummary> {
      const bottles: Array<{ status: number; n: number }> = await reader('bottles').where({ order_id: order.id }).groupBy('status').select('status', reader.raw('count(*) AS n'));
      const scans: Array<{ reason: string; n: number }> = await reader('scans')
        .where({ order_id: order.id })
        .whereNot({ outcome: 'accepted' })
        .groupBy('reason')
        .select(reader.raw("coalesce(reason_code, upper(outcome)) AS reason"), reader.raw('count(*) AS n'));
      const byReason: Record<string, number> = {};
      for (const s of scans) byReason[s.reason] = Number(s.n);
      let produced = 0;
      let rejectedAfterAccept = 0;
      for (const b of bottles) {
        if (b.status === BottleStatus.REJECTED) rejectedAfterAccept += Number(b.n);
        else if (b.status !== BottleStatus.DELETED) produced += Number(b.n);
      }
      // Units stored as Rejected by the safe state are counted by their scan (REJECTED_BY_SAFE_STATE).
      rejectedAfterAccept -= byReason.REJECTED_BY_SAFE_STATE ?? 0;
      if (rejectedAfterAccept > 0) byReason.REJECTED_AFTER_ACCEPT = rejectedAfterAccept;
      return summarise(order.plannedQuantity, produced, byReason);
    },
  };
}

export type OrderStore = ReturnType<typeof createOrderStore>;
