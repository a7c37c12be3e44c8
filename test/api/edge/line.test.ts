import { expect } from 'chai';
import { type ModbusSimulator, startModbusSimulator } from '../../../adapters/plcs/modbus-simulator.js';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { codes } from '../../support/edge-fixtures.js';
import { invalidCode } from '../../support/scan-fixtures.js';
import { waitFor } from '../../support/wait-for.js';

const journalOf = async (t: TestEdge, query: string) => {
  await t.edge.system.journal.flush();
  return expectData(await t.request('GET', `/api/v1/events?${query}`, { token: t.tokens.operator })).events as Array<Record<string, any>>;
};

describe('edge API: line operations /api/v1/line', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge();
  });
  after(async () => {
    await t?.stop();
  });

  const scan = (code: string) => t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } });
  const status = async () => expectData(await t.request('GET', '/api/v1/line/status', { token: t.tokens.operator }));

  it('GET /line/status: state, shift and today counters (accepted, rejected by reason, duplicates) and rate per minute', async () => {
    const [a, b] = codes(2);
    for (const code of [a!, b!, a!, invalidCode(3)]) await scan(code);
    const s = await status();
    expect(s).to.include({ state: 'running', reason: null, by: null });
    expect(s.causes).to.deep.equal([]);
    expect(s.shift.name).to.be.oneOf(['A', 'B']);
    expect(Date.parse(s.shift.startedAt)).to.be.at.most(Date.now());
    for (const counters of [s.shift.counters, s.today.counters]) {
      expect(counters).to.deep.include({ accepted: 2, duplicates: 1, noReads: 0 });
      expect(counters.rejected.total).to.equal(1);
      expect(counters.rejected.byReason).to.deep.equal({ CHECK_DIGIT: 1 }); // by stable reason code, which the HMI translates
    }
    expect(s.ratePerMinute).to.deep.equal({ accepted: 2, scanned: 4 });
  });

  it('the counters survive a restart of the edge mid-shift (seeded from the stored scans)', async () => {
    const dir = t.edge.system.config.dataDir;
    const second = await startTestEdge({ dataDir: dir });
    try {
      // Two edges on one data dir would never run; this one only reads what the first stored.
      const s = expectData(await second.request('GET', '/api/v1/line/status', { token: second.tokens.operator }));
      expect(s.today.counters).to.deep.include({ accepted: 2, duplicates: 1 });
      expect(s.today.counters.rejected.total).to.equal(1);
      expect(s.today.counters.rejected.byReason).to.deep.equal({ CHECK_DIGIT: 1 }); // the same keys as the live counters
    } finally {
      await second.edge.stop();
    }
  });

  it('POST /line/pause and /line/resume: who and why, journaled; scans are refused while paused', async () => {
    const paused = expectData(await t.request('POST', '/api/v1/line/pause', { token: t.tokens.operator, body: { reason: 'замена этикетки' } }));
    expect(paused).to.include({ state: 'paused', reason: 'замена этикетки', by: 'operator' });
    const refused = expectData(await scan(codes(1)[0]!));
    expect(refused.outcome).to.equal('refused');
    const resumed = expectData(await t.request('POST', '/api/v1/line/resume', { token: t.tokens.manager, body: { reason: 'этикетка заменена' } }));
    expect(resumed).to.include({ state: 'running', by: 'manager' });
    const entries = await journalOf(t, 'category=line&limit=2');
    expect(entries.map((e) => [e.messageKey, e.user])).to.deep.equal([
      ['line.resumed_by', 'manager'],
      ['line.paused_by', 'operator'],
    ]);
    expect(entries[1]!.message).to.equal('Линия остановлена оператором operator: замена этикетки');
    // Resuming a running line changes nothing.
    expect(expectData(await t.request('POST', '/api/v1/line/resume', { token: t.tokens.operator, body: {} })).state).to.equal('running');
  });

  it('a disabled device is not resumed by a person: 409 naming why', async () => {
    t.edge.system.scanLine().send({ type: 'DISABLE', reason: 'quality hold' });
    try {
      const error = expectError(await t.request('POST', '/api/v1/line/resume', { token: t.tokens.admin, body: {} }), 409, 'CONFLICT');
      expect(error.details.causes).to.deep.equal(['device disabled by the factory: quality hold']);
      expectError(await t.request('POST', '/api/v1/line/pause', { token: t.tokens.admin, body: { reason: 'x' } }), 409, 'CONFLICT');
    } finally {
      t.edge.system.scanLine().send({ type: 'ENABLE' });
    }
    expect((await status()).state).to.equal('running');
  });

  it('refuses a missing or empty reason, wrong types, unknown fields, malformed JSON and unknown query parameters with 400', async () => {
    for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 5 }, { reason: 'x', by: 'me' }, { reason: 'x'.repeat(501) }]) {
      expectValidationError(await t.request('POST', '/api/v1/line/pause', { token: t.tokens.operator, body }));
    }
    expectValidationError(await t.request('POST', '/api/v1/line/resume', { token: t.tokens.operator, body: { reason: 7 } }));
    expectValidationError(await t.request('POST', '/api/v1/line/resume', { token: t.tokens.operator, body: { force: true } }));
    expectError(await t.request('POST', '/api/v1/line/pause', { token: t.tokens.operator, rawBody: '{"reason"' }), 400, 'VALIDATION_ERROR');
    expectValidationError(await t.request('GET', '/api/v1/line/status?shift=A', { token: t.tokens.operator }));
    expect((await status()).state).to.equal('running');
  });

  describe('auth', () => {
    itRequiresAuth(
      () => t,
      [
        { method: 'GET', path: '/api/v1/line/status' },
        { method: 'POST', path: '/api/v1/line/pause', body: { reason: 'auth matrix' } },
        { method: 'POST', path: '/api/v1/line/resume', body: {} },
      ],
    );
  });
});

describe('edge API: a line paused by the system (PLC lost, safe state stop)', () => {
  let sim: ModbusSimulator;
  let t: TestEdge;
  before(async () => {
    sim = await startModbusSimulator();
    t = await startTestEdge({
      plcs: [{ id: 'plc-1', protocol: 'MODBUS_TCP', host: sim.host, port: sim.port, timeoutMs: 300, pollIntervalMs: 20, backoff: { baseMs: 20, maxMs: 100 } }],
    });
    await waitFor(async () => expectData(await t.request('GET', '/api/v1/plcs/plc-1/health', { token: t.tokens.operator })).connected, 5000, 'the PLC to connect');
  });
  after(async () => {
    await t?.stop();
    await sim?.close();
  });

  it('is journaled (alarm, no person), cannot be resumed while the PLC is away (409 naming it), and can once it is back', async () => {
    sim.refusing = true;
    sim.dropConnections();
    await waitFor(() => t.edge.system.scanLine().getSnapshot().value === 'paused', 5000, 'the line to pause');
    const s = expectData(await t.request('GET', '/api/v1/line/status', { token: t.tokens.operator }));
    expect(s).to.include({ state: 'paused', by: null });
    expect(s.reason).to.match(/^PLC plc-1 disconnected/);
    expect(s.causes).to.have.length(1);

    const entries = await journalOf(t, 'ack=false');
    const keys = entries.map((e) => e.messageKey);
    expect(keys).to.include.members(['plc.safe_state', 'line.paused']);
    const pausedEntry = entries.find((e) => e.messageKey === 'line.paused')!;
    expect(pausedEntry).to.include({ severity: 'alarm', category: 'line', user: null, acknowledged: false });

    const error = expectError(await t.request('POST', '/api/v1/line/resume', { token: t.tokens.operator, body: { reason: 'try' } }), 409, 'CONFLICT');
    expect(error.message).to.include('PLC plc-1 is disconnected');
    expect(error.details.causes[0]).to.match(/^PLC plc-1 is disconnected/);

    sim.refusing = false;
    await waitFor(async () => expectData(await t.request('GET', '/api/v1/plcs/plc-1/health', { token: t.tokens.operator })).connected, 5000, 'the PLC to reconnect');
    const resumed = expectData(await t.request('POST', '/api/v1/line/resume', { token: t.tokens.operator, body: { reason: 'ПЛК проверен' } }));
    expect(resumed).to.include({ state: 'running', by: 'operator' });
    const after = await journalOf(t, 'limit=5');
    expect(after.map((e) => e.messageKey)).to.include.members(['plc.recovered', 'line.resumed_by']);
  });
});
