import type { Knex } from 'knex';

/** A `bottle.created` item as the factory stored it. */
export interface FactoryBottleItem {
  id: string;
  deviceId: string;
  identificationCode: string | null;
  identifier: string | null;
}

/** What a factory holds, read straight from its tables (SQLite or PostgreSQL alike). */
export interface FactoryStoreState {
  bottleItems: FactoryBottleItem[];
  /** Stored items per kind. */
  itemsByKind: Record<string, number>;
  /** Forward outbox rows still queued (parked ones included) and parked. */
  outboxLeft: number;
  parked: number;
  /** daily_counts for bottle.created, summed over every day. */
  countedBottles: number;
}

export async function readFactoryStore(db: Knex): Promise<FactoryStoreState> {
  const rows: Array<{ id: string; device_id: string; payload: string }> = await db('sync_items').where({ kind: 'bottle.created' }).select('id', 'device_id', 'payload');
  const bottleItems = rows.map((row) => {
    const payload = JSON.parse(row.payload) as { identificationCode?: unknown; identifier?: unknown };
    return {
      id: row.id,
      deviceId: row.device_id,
      identificationCode: typeof payload.identificationCode === 'string' ? payload.identificationCode : null,
      identifier: typeof payload.identifier === 'string' ? payload.identifier : null,
    };
  });
  const kinds: Array<{ kind: string; n: number | string }> = await db('sync_items').groupBy('kind').select('kind').count({ n: '*' });
  const [outbox] = (await db('outbox').count({ n: '*' })) as Array<{ n: number | string }>;
  const [parked] = (await db('outbox').whereNotNull('parked_at').count({ n: '*' })) as Array<{ n: number | string }>;
  const [counted] = (await db('daily_counts').where({ kind: 'bottle.created' }).sum({ n: 'count' })) as Array<{ n: number | string | null }>;
  return {
    bottleItems,
    itemsByKind: Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)])),
    outboxLeft: Number(outbox!.n),
    parked: Number(parked!.n),
    countedBottles: Number(counted!.n ?? 0),
  };
}

/**
 * Every way the factory's bottles can disagree with the edge's: one line per broken promise,
 * empty when each edge bottle is held exactly once under its own item id (`bottle.created:<id>`)
 * and nothing else is, and the forward outbox is empty.
 */
export function factoryDisagreements(state: FactoryStoreState, edgeBottles: ReadonlyArray<{ id: string; identification_code: string }>, deviceId: string): string[] {
  const problems: string[] = [];
  const list = (name: string, items: unknown[]) => {
    if (items.length > 0) problems.push(`${name}: ${items.length} — ${JSON.stringify(items.slice(0, 10))}${items.length > 10 ? ' …' : ''}`);
  };
  const byId = new Map(state.bottleItems.map((item) => [item.id, item]));
  const edgeIds = new Set(edgeBottles.map((bottle) => `bottle.created:${bottle.id}`));
  const perCode = new Map<string, number>();
  for (const item of state.bottleItems) if (item.identificationCode) perCode.set(item.identificationCode, (perCode.get(item.identificationCode) ?? 0) + 1);

  list(
    'at the edge, not at the factory',
    edgeBottles.filter((bottle) => !byId.has(`bottle.created:${bottle.id}`)).map((bottle) => bottle.identification_code),
  );
  list(
    'held by the factory under another code than the edge',
    edgeBottles
      .map((bottle) => ({ edge: bottle.identification_code, factory: byId.get(`bottle.created:${bottle.id}`)?.identificationCode }))
      .filter((pair) => pair.factory !== undefined && pair.factory !== pair.edge),
  );
  list('at the factory, not at the edge', state.bottleItems.filter((item) => !edgeIds.has(item.id)).map((item) => item.id));
  list('one code held by several factory items', [...perCode].filter(([, n]) => n > 1));
  list('from another device', state.bottleItems.filter((item) => item.deviceId !== deviceId).map((item) => `${item.id} from ${item.deviceId}`));
  if (state.countedBottles !== state.bottleItems.length) problems.push(`daily_counts say ${state.countedBottles} bottles, sync_items hold ${state.bottleItems.length}`);
  if (state.outboxLeft !== 0) problems.push(`${state.outboxLeft} forward outbox rows left (${state.parked} parked)`);
  return problems;
}
