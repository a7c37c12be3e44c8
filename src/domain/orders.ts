import { mod10CheckDigit } from './codes/check-digit.js';
import { reasons, type ScanReason } from './codes/reasons.js';

/**
 * A production order: the job a line runs (issue 14). It names the product (one or more GTINs:
 * a product may be packed under several trade items), the lot, the production and expiry dates,
 * how many units are planned, and optional industry fields (a veterinary certificate number for
 * dairy, …). One order at a time is active on a line; while it is, the scan line accepts only
 * its GTINs (the GTIN lock). Pure rules here; storage in adapters/store/order-store.ts.
 */
export const ORDER_STATUSES = ['planned', 'active', 'stopped', 'closed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderDraft {
  /** The factory's (or ERP's) own number for the order; unique on the edge. */
  number: string;
  productId: string | null;
  productName: string | null;
  gtins: string[];
  lot: string;
  /** YYYY-MM-DD. */
  productionDate: string;
  expiryDate: string;
  plannedQuantity: number;
  /** Industry-specific fields (e.g. `vetCertificate`), carried upstream as they are. */
  fields: Record<string, string>;
}

export interface Order extends OrderDraft {
  id: string;
  lineId: string;
  status: OrderStatus;
  createdAt: string;
  startedAt: string | null;
  stoppedAt: string | null;
  closedAt: string | null;
  createdBy: string | null;
}

/** What the scan line needs of the active order, held in memory: one Set lookup per scan. */
export interface ActiveOrderLock {
  orderId: string;
  gtins: ReadonlySet<string>;
}

/** What the line does with a code while no order is active: accept as before orders existed, or refuse. */
export type WithoutOrderPolicy = 'accept' | 'refuse';
export const WITHOUT_ORDER_POLICIES = ['accept', 'refuse'] as const;

export type OrderAction = 'start' | 'stop' | 'close';

/** The order's life: planned → active ⇄ stopped → closed; a planned order may also be closed (cancelled). */
const NEXT: Record<OrderAction, { from: readonly OrderStatus[]; to: OrderStatus }> = {
  start: { from: ['planned', 'stopped'], to: 'active' },
  stop: { from: ['active'], to: 'stopped' },
  close: { from: ['planned', 'active', 'stopped'], to: 'closed' },
};

export type TransitionVerdict = { ok: true; to: OrderStatus } | { ok: false; why: string };

/**
 * Whether `action` may be applied to an order in `status`, given the order active on the line now
 * (its id, or null). Start is refused while another order is active: one active order per line.
 */
export function orderTransition(status: OrderStatus, action: OrderAction, orderId: string, activeOrderId: string | null): TransitionVerdict {
  const rule = NEXT[action];
  if (!rule.from.includes(status)) return { ok: false, why: `an order that is ${status} cannot be ${action === 'stop' ? 'stopped' : action === 'close' ? 'closed' : 'started'}` };
  if (action === 'start' && activeOrderId !== null && activeOrderId !== orderId) return { ok: false, why: `order ${activeOrderId} is active on this line: stop it first` };
  return { ok: true, to: rule.to };
}

/** A GTIN-14 with a valid GS1 mod-10 check digit. */
export function isValidGtin14(gtin: string): boolean {
  return /^\d{14}$/.test(gtin) && mod10CheckDigit(gtin, 0, 13) === gtin.charCodeAt(13) - 48;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A real calendar date written YYYY-MM-DD (no 31 February). */
export function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export interface OrderProblem {
  field: string;
  reason: string;
}

/** The rules a draft must meet beyond its shape (the route's zod schema checks the shape). Empty: valid. */
export function orderProblems(draft: OrderDraft): OrderProblem[] {
  const problems: OrderProblem[] = [];
  if (draft.gtins.length === 0) problems.push({ field: 'gtins', reason: 'at least one GTIN' });
  draft.gtins.forEach((gtin, i) => {
    if (!isValidGtin14(gtin)) problems.push({ field: `gtins.${i}`, reason: `${gtin} is not a GTIN-14 with a valid check digit` });
  });
  if (new Set(draft.gtins).size !== draft.gtins.length) problems.push({ field: 'gtins', reason: 'a GTIN is listed twice' });
  if (!isCalendarDate(draft.productionDate)) problems.push({ field: 'productionDate', reason: 'not a calendar date (YYYY-MM-DD)' });
  if (!isCalendarDate(draft.expiryDate)) problems.push({ field: 'expiryDate', reason: 'not a calendar date (YYYY-MM-DD)' });
  else if (isCalendarDate(draft.productionDate) && draft.expiryDate <= draft.productionDate) {
    problems.push({ field: 'expiryDate', reason: 'must be after the production date' });
  }
  if (!Number.isInteger(draft.plannedQuantity) || draft.plannedQuantity < 1) problems.push({ field: 'plannedQuantity', reason: 'a whole number of at least 1' });
  return problems;
}

export function lockOf(order: Pick<Order, 'id' | 'gtins'>): ActiveOrderLock {
  return { orderId: order.id, gtins: new Set(order.gtins) };
}

/** The GTIN lock's verdict on one code: accepted (for an order, or none) or refused with a reason. */
export type LockVerdict = { ok: true; orderId: string | null } | { ok: false; reason: ScanReason };

const ACCEPT_WITHOUT_ORDER: LockVerdict = { ok: true, orderId: null };

/**
 * The GTIN lock (on the scan path: one Set lookup). With an order active, a code of another GTIN
 * is refused "wrong product"; with none, `withoutOrder` decides.
 */
export function gtinLock(lock: ActiveOrderLock | null, gtin: string, withoutOrder: WithoutOrderPolicy): LockVerdict {
  if (lock === null) return withoutOrder === 'accept' ? ACCEPT_WITHOUT_ORDER : { ok: false, reason: reasons.noActiveOrder() };
  if (lock.gtins.has(gtin)) return { ok: true, orderId: lock.orderId };
  return { ok: false, reason: reasons.wrongProduct(gtin) };
}

/** What the PLC's `currentGtin` says at a changeover, against the active order. */
export type ChangeoverVerdict = 'matches' | 'not_in_order' | 'no_order' | 'none';

export function changeoverCheck(lock: ActiveOrderLock | null, plcGtin: string): ChangeoverVerdict {
  if (plcGtin === '' || /^0+$/.test(plcGtin)) return 'none';
  if (lock === null) return 'no_order';
  return lock.gtins.has(plcGtin) ? 'matches' : 'not_in_order';
}

/**
 * A PLC register holds a number, not a string: a GTIN read as a number (or a string) is written
 * back as 14 digits with leading zeros. Null when the value cannot be a GTIN.
 */
export function gtinFromPlcValue(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value).padStart(14, '0');
  if (typeof value === 'bigint' && value >= 0n) return value.toString().padStart(14, '0');
  if (typeof value === 'string' && /^\d{1,14}$/.test(value.trim())) return value.trim().padStart(14, '0');
  return null;
}

/** The changeover alarm on the edge's bus (the GPIO alarm lamp lights for every line.alarm); journaled as orders.changeover_mismatch. */
export interface OrderLineAlarm {
  type: 'line.alarm';
  code: 'PRODUCT_NOT_IN_ORDER';
  message: string;
  at: string;
  source: 'orders';
  gtin: string;
}

/** The order's summary: planned, produced (accepted units not rejected), rejected by reason code. */
export interface OrderSummary {
  planned: number;
  produced: number;
  rejected: { total: number; byReason: Record<string, number> };
  remaining: number;
}

export function summarise(planned: number, produced: number, byReason: Record<string, number>): OrderSummary {
  const total = Object.values(byReason).reduce((a, b) => a + b, 0);
  return { planned, produced, rejected: { total, byReason }, remaining: Math.max(planned - produced, 0) };
}
