import { expect } from 'chai';
import type { SyncItem } from '../../../adapters/cloud/cloud-types.js';
import { generateCode } from '../../../src/domain/codes/index.js';
import { seededRng } from '../../../src/line-sim/frame-source.js';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { waitFor } from '../../support/wait-for.js';

const GTIN = '04607001234562';
const OTHER_GTIN = '10614141000415';
const codeOf = (gtin: string, seed: number) => generateCode('milk', { gtin, rng: seededRng(seed) });
const body = (over: Record<string, unknown> = {}) => ({
  number: `PO-${Math.random().toString(36).slice(2, 10)}`,
  gtins: [GTIN],
  lot: 'L-2026-12-07',
  productionDate: '2026-12-07',
  expiryDate: '2026-12-21',
  plannedQuantity: 100,
  fields: { vetCertificate: 'VET-0001' },
  ...over,
});

describe('edge API: production orders /api/v1/orders', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge();
  });
  after(async () => {
    await t?.stop();
  });
  afterEach(async () => {
    // Leave no order active between tests.
    const active = expectData(await t.request('GET', '/api/v1/orders?status=active', { token: t.tokens.operator })).orders as Array<{ id: string }>;
    for (const order of active) await t.request('POST', `/api/v1/orders/${order.id}/close`, { token: t.tokens.operator, body: {} });
  });

  const create = async (over: Record<string, unknown> = {}) => expectData(await t.request('POST', '/api/v1/orders', { token: t.tokens.operator, body: body(over) }), 201);
  const act = (id: string, action: string) => t.request('POST', `/api/v1/orders/${id}/${action}`, { token: t.tokens.operator, body: {} });
  const scan = async (code: string) => expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } }));

  it('creates an order (planned), reads it back with its summary, lists it by status, GTIN and lot', async () => {
    const order = await create({ productName: 'Молоко 1 л', lot: 'L-list' });
    expect(order).to.deep.include({ status: 'planned', gtins: [GTIN], lot: 'L-list', plannedQuantity: 100, createdBy: 'operator', fields: { vetCertificate: 'VET-0001' } });
    const read = expectData(await t.request('GET', `/api/v1/orders/${order.id}`, { token: t.tokens.operator }));
    expect(read.summary).to.deep.equal({ planned: 100, produced: 0, remaining: 100, rejected: { total: 0, byReason: {} } });
    const byLot = expectData(await t.request('GET', '/api/v1/orders?lot=L-list&status=planned', { token: t.tokens.operator }));
    expect(byLot.orders.map((o: { id: string }) => o.id)).to.deep.equal([order.id]);
    const byGtin = expectData(await t.request('GET', `/api/v1/orders?gtin=${OTHER_GTIN}`, { token: t.tokens.operator }));
    expect(byGtin.orders.map((o: { id: string }) => o.id)).to.not.include(order.id);
    const paged = expectData(await t.request('GET', '/api/v1/orders?limit=1', { token: t.tokens.operator }));
    expect(paged.orders).to.have.length(1);
    expect(paged.nextCursor === null || typeof paged.nextCursor === 'string').to.equal(true);
  });

  it('start → the GTIN lock: the order\'s code is accepted (and counted), another product is refused WRONG_PRODUCT; stop lifts the lock', async () => {
    const order = await create();
    expect(expectData(await act(order.id, 'start')).status).to.equal('active');
    const good = await scan(codeOf(GTIN, 1));
    expect(good.outcome).to.equal('accepted');
    const wrong = await scan(codeOf(OTHER_GTIN, 2));
    expect(wrong).to.deep.include({ outcome: 'refused', reasonCode: 'WRONG_PRODUCT' });
    expect(wrong.reasonParams).to.deep.equal({ gtin: OTHER_GTIN });
    const bottle = await t.edge.system.db.reader('bottles').where({ id: good.bottleId }).first();
    expect(bottle.order_id).to.equal(order.id);
    const read = expectData(await t.request('GET', `/api/v1/orders/${order.id}`, { token: t.tokens.operator }));
    expect(read.summary).to.deep.include({ produced: 1, remaining: 99 });
    expect(read.summary.rejected).to.deep.equal({ total: 1, byReason: { WRONG_PRODUCT: 1 } });
    // Journaled: the start and the wrong product.
    await t.edge.system.journal.flush();
    const events = expectData(await t.request('GET', '/api/v1/events?limit=50', { token: t.tokens.operator })).events as Array<{ messageKey: string }>;
    expect(events.map((e) => e.messageKey)).to.include.members(['orders.started', 'orders.wrong_product']);

    // Audited like every mutation: who started it.
    const audit = expectData(await t.request('GET', '/api/v1/audit-log?limit=500', { token: t.tokens.manager })).items as Array<{ action: string; username: string | null; outcome: string }>;
    expect(audit.find((e) => e.action === `http.POST /api/v1/orders/${order.id}/start`) ?? audit.find((e) => e.action.startsWith('http.POST /api/v1/orders/'))).to.include({ username: 'operator', outcome: 'success' });

    expect(expectData(await act(order.id, 'stop')).status).to.equal('stopped');
    expect((await scan(codeOf(OTHER_GTIN, 3))).outcome).to.equal('accepted'); // line.withoutOrder: accept (the default)
  });

  it('the bottle.created payload upstream carries the order\'s lot, production and expiry dates', async () => {
    const order = await create({ lot: 'L-payload' });
    await act(order.id, 'start');
    const good = await scan(codeOf(GTIN, 4));
    const row = await t.edge.system.db.reader('outbox').where({ kind: 'bottle.created', ref_id: good.bottleId }).first();
    expect(row, 'outbox row').to.not.equal(undefined);
    const sent: Array<{ kind: string; payload: Record<string, unknown> }> = [];
    const { createOutboxDrain } = await import('../../../adapters/store/outbox-drain.js');
    const drain = createOutboxDrain({
      db: t.edge.system.db.writer,
      reader: t.edge.system.db.reader,
      target: () => ({ name: 'test', send: async (items: SyncItem[]) => (sent.push(...items), items.map((i) => ({ id: i.id, status: 'created' as const }))) }) as never,
      batchSize: 1000,
      logger: t.edge.system.logger,
    });
    const { createActor, toPromise } = await import('xstate');
    await toPromise(createActor(drain.drain).start());
    const item = sent.find((i) => i.kind === 'bottle.created' && i.payload.bottleId === good.bottleId);
    expect(item?.payload).to.deep.include({ orderId: order.id, orderNumber: order.number, lot: 'L-payload', productionDate: '2026-12-07', expiryDate: '2026-12-21' });
  });

  it('one active order per line: a second start is 409; closed orders cannot start; unknown ids are 404', async () => {
    const a = await create();
    const b = await create();
    expectData(await act(a.id, 'start'));
    expectError(await act(b.id, 'start'), 409, 'CONFLICT');
    expectError(await act(b.id, 'stop'), 409, 'CONFLICT');
    expectData(await act(a.id, 'close'));
    expectError(await act(a.id, 'start'), 409, 'CONFLICT');
    expectData(await act(b.id, 'start'));
    expectError(await act('ord-unknown', 'start'), 404, 'NOT_FOUND');
    expectError(await t.request('GET', '/api/v1/orders/ord-unknown', { token: t.tokens.operator }), 404, 'NOT_FOUND');
    const number = `PO-dup-${Date.now()}`;
    await create({ number });
    expectError(await t.request('POST', '/api/v1/orders', { token: t.tokens.operator, body: body({ number }) }), 409, 'CONFLICT');
  });

  it('refuses bad input with 400 naming the field: check digit, dates, quantity, types, unknown fields, malformed JSON', async () => {
    const post = (b: unknown) => t.request('POST', '/api/v1/orders', { token: t.tokens.operator, body: b });
    expectValidationError(await post(body({ gtins: ['04607001234568'] })), 'gtins.0');
    expectValidationError(await post(body({ gtins: ['4607001234562'] })), 'gtins.0');
    expectValidationError(await post(body({ gtins: [] })), 'gtins');
    expectValidationError(await post(body({ expiryDate: '2026-12-06' })), 'expiryDate');
    expectValidationError(await post(body({ productionDate: '2026-02-31' })), 'productionDate');
    expectValidationError(await post(body({ plannedQuantity: 0 })), 'plannedQuantity');
    expectValidationError(await post(body({ plannedQuantity: '10' })), 'plannedQuantity');
    expectValidationError(await post(body({ colour: 'red' })), 'colour');
    const { lot: _lot, ...noLot } = body();
    expectValidationError(await post(noLot), 'lot');
    expectValidationError(await t.request('POST', '/api/v1/orders', { token: t.tokens.operator, rawBody: '{"number":' }));
    expectValidationError(await t.request('GET', '/api/v1/orders?status=running', { token: t.tokens.operator }), 'status');
    expectValidationError(await t.request('GET', '/api/v1/orders?limit=0', { token: t.tokens.operator }), 'limit');
    const order = await create();
    expectValidationError(await t.request('POST', `/api/v1/orders/${order.id}/start`, { token: t.tokens.operator, body: { force: true } }), 'force');
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const res = await post(body({ productName: huge }));
    expect(res.status).to.be.oneOf([400, 413]);
    expect(res.body.success).to.equal(false);
  });

  describe('authentication', () => {
    itRequiresAuth(() => t, [
      { method: 'GET', path: '/api/v1/orders' },
      { method: 'POST', path: '/api/v1/orders', body: body({ number: 'PO-auth' }) },
      { method: 'GET', path: '/api/v1/orders/ord-x' },
      { method: 'POST', path: '/api/v1/orders/ord-x/start', body: {} },
      { method: 'POST', path: '/api/v1/orders/ord-x/stop', body: {} },
      { method: 'POST', path: '/api/v1/orders/ord-x/close', body: {} },
    ]);
  });
});

describe('edge API: orders with line.withoutOrder = refuse', () => {
  let t: TestEdge;
  /** The edge before a restart: stopped in the test, its temp dir removed here. */
  let earlier: TestEdge | null = null;
  before(async () => {
    t = await startTestEdge({ line: { withoutOrder: 'refuse' } });
  });
  after(async () => {
    await t?.stop();
    await earlier?.stop().catch(() => undefined);
  });

  it('with no order active every code is refused NO_ACTIVE_ORDER; with one started the order\'s codes are accepted', async () => {
    const refused = expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code: codeOf(GTIN, 10) } }));
    expect(refused).to.deep.include({ outcome: 'refused', reasonCode: 'NO_ACTIVE_ORDER' });
    const order = expectData(await t.request('POST', '/api/v1/orders', { token: t.tokens.operator, body: body() }), 201);
    expectData(await t.request('POST', `/api/v1/orders/${order.id}/start`, { token: t.tokens.operator, body: {} }));
    const accepted = expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code: codeOf(GTIN, 10) } }));
    expect(accepted.outcome).to.equal('accepted');
  });

  it('a scan line restarted by the supervisor gets the lock again', async () => {
    const before = t.edge.system.scanLine();
    t.edge.system.root.send({ type: 'supervisor.restartChild', id: 'scanLine' });
    await waitFor(() => t.edge.system.scanLine() !== before && t.edge.system.scanLine().getSnapshot().context.order?.gtins.has(GTIN) === true, 5000, 'the lock on the new scan line');
  });

  it('the active order survives a restart of the edge: the lock is loaded again at start', async () => {
    const dir = t.edge.system.config.dataDir;
    earlier = t;
    await earlier.edge.stop();
    t = await startTestEdge({ dataDir: dir, line: { withoutOrder: 'refuse' } });
    expect(t.edge.system.scanLine().getSnapshot().context.order?.gtins.has(GTIN)).to.equal(true);
    const wrong = expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code: codeOf(OTHER_GTIN, 11) } }));
    expect(wrong.reasonCode).to.equal('WRONG_PRODUCT');
  });
});
