import type { Knex } from 'knex';
import type { EpcisChild, EpcisPack, EpcisUnit } from '../../../src/domain/epcis/epcis-events.js';
import { idTimePrefix } from '../../../src/domain/ids.js';
import { unitIdentityOf } from '../../../src/domain/unit-identity.js';

const PAGE = 500;
/** Edges' ids are ULIDs made within moments of the item's time; the key range is widened by this (clock steps). */
const ID_MARGIN_MS = 3_600_000;
/** How far before a box's (pallet's) closing its contents are looked for: a box filled over longer loses its earliest children. */
const FILL_LOOKBACK_MS = 24 * 3_600_000;

type Payload = Record<string, unknown>;
interface Item {
  id: string;
  lineId: string | null;
  payload: Payload;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
const within = (at: string | null, from: string, to: string) => at !== null && at >= from && at < to;
const iso = (value: unknown): string | null => {
  const s = text(value);
  if (s === null) return null;
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
};

/**
 * Children named by identity in an aggregation payload (what SSCC aggregation sends upstream:
 * `children: [{ gtin, serial } | { sscc }]`), or null when the payload names internal ids only.
 */
function childrenByIdentity(payload: Payload): EpcisChild[] | null {
  if (!Array.isArray(payload.children)) return null;
  const children: EpcisChild[] = [];
  for (const child of payload.children as unknown[]) {
    if (typeof child !== 'object' || child === null) continue;
    const c = child as Payload;
    if (typeof c.sscc === 'string') children.push({ sscc: c.sscc });
    else if (typeof c.gtin === 'string' && typeof c.serial === 'string') children.push({ gtin: c.gtin, serial: c.serial });
  }
  return children;
}

/**
 * The factory's reads for GET /api/v1/epcis/events, from the sync items the edges sent. Item ids
 * are `<kind>:<edge ULID>` and the ULIDs are time-ordered, so a time range is a primary-key range
 * per kind (sync_items has no time index, and none is added: the ingest pays for every index),
 * filtered exactly on the payload's own time.
 */
export function createFactoryEpcisReads(db: Knex) {
  /** The items of one kind whose ids fall in [fromMs, toMs) (widened), page by page. */
  async function* scan(kind: string, fromMs: number, toMs: number): AsyncGenerator<Item> {
    let after = `${kind}:${idTimePrefix(fromMs - ID_MARGIN_MS)}`;
    const before = `${kind}:${idTimePrefix(toMs + ID_MARGIN_MS)}`;
    for (;;) {
      const rows: Array<{ id: string; line_id: string | null; payload: string }> = await db('sync_items')
        .where('id', '>', after)
        .andWhere('id', '<', before)
        .orderBy('id')
        .limit(PAGE)
        .select('id', 'line_id', 'payload');
      for (const row of rows) {
        let payload: Payload;
        try {
          payload = JSON.parse(row.payload) as Payload;
        } catch {
          continue;
        }
        yield { id: row.id, lineId: row.line_id, payload };
      }
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  /** A unit from a bottle.created payload; lot and dates from the production order's fields when the edge sends them. */
  function unitOf(item: Item): EpcisUnit | null {
    const identity = unitIdentityOf(item.payload);
    const at = iso(item.payload.createdAt);
    if (!identity || !at) return null;
    const order = (typeof item.payload.order === 'object' && item.payload.order !== null ? item.payload.order : {}) as Payload;
    return {
      gtin: identity.gtin,
      serial: identity.serial,
      at,
      lineId: text(item.payload.productionLineId) ?? item.lineId,
      lot: text(item.payload.lot) ?? text(order.lot) ?? text(item.payload.party),
      productionDate: text(item.payload.productionDate) ?? text(order.productionDate),
      expiryDate: text(item.payload.expiryDate) ?? text(order.expiryDate),
    };
  }

  async function* units(from: string, to: string): AsyncGenerator<EpcisUnit> {
    for await (const item of scan('bottle.created', Date.parse(from), Date.parse(to))) {
      const unit = unitOf(item);
      if (unit && within(unit.at, from, to)) yield unit;
    }
  }

  /** The items of `kind` naming `key` = `id` in the FILL_LOOKBACK_MS before `closedAt`. */
  async function collect(kind: string, key: string, id: string, closedAt: string): Promise<Payload[]> {
    const closed = Date.parse(closedAt);
    const found: Payload[] = [];
    for await (const item of scan(kind, closed - FILL_LOOKBACK_MS, closed)) if (item.payload[key] === id) found.push(item.payload);
    return found;
  }

  async function boxChildren(batchId: string, closedAt: string, closing: Payload): Promise<{ children: EpcisChild[]; sscc: string | null }> {
    const added = await collect('batch.bottles_added', 'batchId', batchId, closedAt);
    let sscc = text(closing.sscc);
    const children: EpcisChild[] = [];
    const bottleIds: string[] = [];
    for (const payload of added) {
      sscc ??= text(payload.sscc);
      const named = childrenByIdentity(payload);
      if (named) children.push(...named);
      else if (Array.isArray(payload.bottleIds)) for (const id of payload.bottleIds) if (typeof id === 'string') bottleIds.push(id);
    }
    for (let i = 0; i < bottleIds.length; i += PAGE) {
      const rows: Array<{ payload: string }> = await db('sync_items')
        .whereIn(
          'id',
          bottleIds.slice(i, i + PAGE).map((id) => `bottle.created:${id}`),
        )
        .select('payload');
      for (const row of rows) {
        const identity = unitIdentityOf(JSON.parse(row.payload) as Payload);
        if (identity) children.push({ gtin: identity.gtin, serial: identity.serial });
      }
    }
    return { children, sscc };
  }

  async function palletChildren(palletId: string, closedAt: string): Promise<EpcisChild[]> {
    const added = await collect('pallet.batches_added', 'palletId', palletId, closedAt);
    const children: EpcisChild[] = [];
    const batchIds = new Set<string>();
    for (const payload of added) {
      const named = childrenByIdentity(payload);
      if (named) children.push(...named);
      else if (Array.isArray(payload.batchIds)) for (const id of payload.batchIds) if (typeof id === 'string') batchIds.add(id);
    }
    if (batchIds.size > 0) {
      // A box is closed as it goes on the pallet: its batch.completed names its identifier (and SSCC).
      const closed = Date.parse(closedAt);
      for await (const item of scan('batch.completed', closed - FILL_LOOKBACK_MS, closed)) {
        const id = text(item.payload.batchId);
        if (id === null || !batchIds.has(id)) continue;
        batchIds.delete(id);
        const sscc = text(item.payload.sscc);
        children.push(sscc ? { sscc } : { level: 'box', identifier: String(item.payload.identifier ?? id) });
      }
    }
    return children;
  }

  async function* packs(from: string, to: string): AsyncGenerator<EpcisPack> {
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    for await (const item of scan('batch.completed', fromMs, toMs)) {
      const at = iso(item.payload.completedAt);
      const batchId = text(item.payload.batchId);
      if (!batchId || !within(at, from, to)) continue;
      const { children, sscc } = await boxChildren(batchId, at!, item.payload);
      yield { level: 'box', identifier: String(item.payload.identifier ?? batchId), sscc, at: at!, lineId: item.lineId, children };
    }
    for await (const item of scan('pallet.completed', fromMs, toMs)) {
      const at = iso(item.payload.completedAt);
      const palletId = text(item.payload.palletId);
      if (!palletId || !within(at, from, to)) continue;
      const children = await palletChildren(palletId, at!);
      yield { level: 'pallet', identifier: String(item.payload.identifier ?? palletId), sscc: text(item.payload.sscc), at: at!, lineId: item.lineId, children };
    }
  }

  return { units, packs };
}
