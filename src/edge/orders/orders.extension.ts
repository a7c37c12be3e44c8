import { createOrderStore, type OrderStore } from '../../../adapters/store/order-store.js';
import { orderRoutes, type OrdersApi } from '../../../api/edge/orders.routes.js';
import type { ScanLineEvent } from '../../../machines/edge/scan-line.machine.js';
import type { JournalRecordEvent } from '../../domain/journal-record.js';
import { changeoverCheck, gtinFromPlcValue, lockOf, type ActiveOrderLock, type Order, type OrderAction, type OrderDraft, type OrderLineAlarm } from '../../domain/orders.js';
import type { EdgeContext, EdgeExtension } from '../extension.js';
import type { PlcService } from '../hardware/plc-service.js';

/** The scan line's systemId (src/edge/system.ts SCAN_LINE; not imported: system.ts imports the extensions). */
const SCAN_LINE = 'scanLine';
/** A burst of wrong-product codes is one journal entry per this long (the scans themselves are all recorded). */
const REFUSAL_JOURNAL_QUIET_MS = 30_000;

const JOURNAL_KEYS: Record<OrderAction, string> = { start: 'orders.started', stop: 'orders.stopped', close: 'orders.closed' };

/** What the orders feature offers the rest of the edge (`context.services.orders`): the set_order command uses it. */
export interface OrdersService extends OrdersApi {
  /** The order active on this line now, as the scan line holds it. */
  activeLock(): ActiveOrderLock | null;
  /** Creates (or, by number, finds) an order the factory sent, and starts it when asked. Idempotent by number. */
  receive(draft: OrderDraft, start: boolean, user: string | null): Promise<{ order: Order; created: boolean }>;
}

export const ORDERS_SERVICE = 'orders';


/**
 * Production orders as an edge feature (issue 14; docs/EDGE.md "Production orders"): the order
 * store, /api/v1/orders, and the GTIN lock's in-memory state. The active order's GTIN set is
 * loaded once at start and given to the scan line (ORDER.SET) whenever it changes and whenever the
 * actor tree (re)starts, so a scan never queries for it. Start/stop/close are journaled; so are
 * wrong-product refusals (at most one entry per 30 s, with the count). The PLC's `currentGtin`,
 * when bound, is checked against the active order at every change (a changeover): a GTIN outside
 * the order pauses the line with an alarm; with no order active it is only journaled.
 */
export async function createOrdersExtension(context: EdgeContext): Promise<EdgeExtension & { service: OrdersService; store: OrderStore }> {
  const { config, bus } = context;
  const lineId = config.line.id;
  const logger = context.logger.child({ feature: 'orders' });
  const store = createOrderStore(context.db.writer, context.db.reader);
  let active: Order | null = await store.active(lineId);
  let lock: ActiveOrderLock | null = active ? lockOf(active) : null;

  const journal = (record: Omit<JournalRecordEvent, 'type' | 'category' | 'source'>) => bus.publish({ type: 'journal.record', category: 'line', source: 'orders', ...record });
  const toLine = (event: ScanLineEvent) => context.actor(SCAN_LINE)?.send(event);
  const announce = () => toLine({ type: 'ORDER.SET', order: lock, withoutOrder: config.line.withoutOrder });

  // Serialised: a start and a stop racing each other must reach the scan line in the order they committed.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  async function transition(id: string, action: OrderAction, user: string | null): Promise<Order> {
    return serially(async () => {
      const order = await store.transition(id, action);
      if (order.status === 'active') active = order;
      else if (active?.id === order.id) active = null;
      lock = active ? lockOf(active) : null;
      announce();
      journal({ severity: 'info', messageKey: JOURNAL_KEYS[action], params: { order: order.number, lot: order.lot }, user });
      logger.info({ order: order.id, number: order.number, action, user }, 'order');
      return order;
    });
  }

  const service: OrdersService = {
    list: (filter) => store.list(filter),
    async get(id) {
      const order = await store.get(id);
      return order ? { order, summary: await store.summary(order) } : null;
    },
    async create(draft, user) {
      const order = await store.create(lineId, draft, user);
      journal({ severity: 'info', messageKey: 'orders.created', params: { order: order.number, lot: order.lot, planned: order.plannedQuantity }, user });
      return order;
    },
    transition,
    activeLock: () => lock,
    async receive(draft, start, user) {
      const existing = await findByNumber(draft.number);
      let order = existing ?? (await service.create(draft, user));
      if (!existing) journal({ severity: 'info', messageKey: 'orders.received_from_factory', params: { order: order.number }, user });
      if (start && order.status !== 'active') order = await transition(order.id, 'start', user);
      return { order, created: !existing };
    },
  };

  async function findByNumber(number: string): Promise<Order | null> {
    const row = (await context.db.reader('orders').where({ number }).first('id')) as { id: string } | undefined;
    return row ? store.get(row.id) : null;
  }

  // Wrong-product and no-order refusals: journaled in bursts, not one entry per code.
  const refusals = new Map<string, { at: number; count: number }>();
  const offScans = bus.subscribe('scan.decided', (event) => {
    const code = event.decision.reasonCode;
    if (code !== 'WRONG_PRODUCT' && code !== 'NO_ACTIVE_ORDER') return;
    const key = `${code}:${event.decision.gtin ?? ''}`;
    const now = Date.now();
    const seen = refusals.get(key);
    if (seen && now - seen.at < REFUSAL_JOURNAL_QUIET_MS) {
      seen.count++;
      return;
    }
    const count = (seen?.count ?? 0) + 1;
    refusals.set(key, { at: now, count: 0 });
    if (code === 'WRONG_PRODUCT') {
      journal({ severity: 'warning', messageKey: 'orders.wrong_product', params: { gtin: event.decision.gtin ?? '—', order: active?.number ?? '—', count } });
    } else journal({ severity: 'warning', messageKey: 'orders.no_active_order', params: { count } });
  });

  // A scan line restarted by the supervisor after a crash starts from its input, without the lock: give it again.
  const offRestart = bus.subscribe('supervisor.childRestarted', (event) => {
    if (event.id === SCAN_LINE) setImmediate(announce);
  });

  // The PLC's currentGtin (a changeover): checked against the active order at every change.
  const plc = context.services.plc as PlcService | undefined;
  let offGtin: (() => void) | null = null;
  const watchChangeover = () => {
    if (offGtin || !plc?.bound('currentGtin')) return;
    offGtin = plc.onSignal('currentGtin', (value) => {
      const gtin = gtinFromPlcValue(value);
      if (gtin === null) {
        logger.warn({ value }, 'currentGtin is not a GTIN: ignored');
        return;
      }
      const verdict = changeoverCheck(lock, gtin);
      if (verdict === 'not_in_order') {
        const order = active?.number ?? '—';
        journal({ severity: 'alarm', messageKey: 'orders.changeover_mismatch', params: { gtin, order } });
        const alarm: OrderLineAlarm = { type: 'line.alarm', code: 'PRODUCT_NOT_IN_ORDER', message: `PLC reports GTIN ${gtin}, not in order ${order}`, at: new Date().toISOString(), source: 'orders', gtin };
        bus.publish(alarm);
        toLine({ type: 'PAUSE', reason: `PLC product ${gtin} is not in order ${order}` });
      } else if (verdict === 'no_order') {
        journal({ severity: 'warning', messageKey: 'orders.changeover_no_order', params: { gtin } });
      }
    });
  };

  context.services[ORDERS_SERVICE] = service;
  return {
    name: 'orders',
    service,
    store,
    routes: [orderRoutes(service, context.tokens)],
    started() {
      announce();
      watchChangeover();
    },
    async stop() {
      offScans();
      offRestart();
      offGtin?.();
      await queue;
    },
  };
}

/** For src/edge/extensions.ts. */
export const ordersExtension = (context: EdgeContext) => createOrdersExtension(context);
