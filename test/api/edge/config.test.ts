import { expect } from 'chai';
import { MESSAGES } from '../../../src/domain/i18n/messages.js';
import type { JournalRecordEvent } from '../../../src/domain/journal-record.js';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';

const CONFIG = '/api/v1/config';
const RELOAD = '/api/v1/config/reload';
const STATUS = '/api/v1/self-service/status';

/** A printer nobody listens for: its actor backs off, which is all these tests need of it. */
const printer = (over: Record<string, unknown> = {}) => ({ id: 'zebra-1', model: 'ZEBRA_ZPL', host: '127.0.0.1', port: 1, backoff: { baseMs: 1000, maxMs: 5000 }, ...over });

describe('edge API: /api/v1/config (self-service overrides)', function () {
  this.timeout(20_000);
  let t: TestEdge;
  const journal: JournalRecordEvent[] = [];
  let unsubscribe: () => void;

  before(async () => {
    t = await startTestEdge({ scanners: [{ id: 'mock-1', transport: 'mock' }], line: { batchSize: 50 } });
    unsubscribe = t.edge.system.bus.subscribe('journal.record', (event) => {
      journal.push(event as JournalRecordEvent);
    });
  });
  after(async () => {
    unsubscribe?.();
    await t?.stop();
  });
  afterEach(async () => {
    // Whatever was journaled reads in both languages.
    for (const entry of journal) expect(MESSAGES, entry.messageKey).to.have.property(entry.messageKey);
    // Every test starts from no overrides.
    expectData(await t.request('DELETE', CONFIG, { token: t.tokens.admin }));
    journal.length = 0;
  });

  const admin = () => ({ token: t.tokens.admin });
  const get = async () => expectData(await t.request('GET', CONFIG, { token: t.tokens.manager }));
  const put = (body: unknown) => t.request('PUT', CONFIG, { ...admin(), body });
  const config = () => t.edge.system.config;

  describe('authentication: reads MANAGER, writes ADMIN', () => {
    itRequiresAuth(() => t, [
      { method: 'GET', path: CONFIG, role: 'MANAGER' },
      { method: 'PUT', path: CONFIG, role: 'ADMIN', body: { set: { 'l2.override.line.party': 'P-AUTH' } } },
      { method: 'DELETE', path: CONFIG, role: 'ADMIN' },
      { method: 'POST', path: RELOAD, role: 'ADMIN', body: {} },
      { method: 'GET', path: STATUS, role: 'MANAGER' },
    ]);
  });

  describe('GET /api/v1/config', () => {
    it('lists no overrides on a fresh edge, and the keys that can be overridden', async () => {
      const data = await get();
      expect(data.overrides).to.deep.equal({});
      expect(data.invalid).to.deep.equal([]);
      const keys = data.keys.map((k: { key: string }) => k.key);
      expect(keys).to.include.members(['l2.override.scanners', 'l2.override.printers', 'l2.override.plcs', 'l2.override.plcBindings', 'l2.override.line.batchSize', 'l2.override.sync.batchSize']);
    });

    it('400 for an unknown query parameter', async () => {
      expectValidationError(await t.request('GET', `${CONFIG}?page=2`, { token: t.tokens.manager }), 'page');
    });
  });

  describe('PUT /api/v1/config', () => {
    it('sets runtime values: stored, in force at once, journaled with the user and the actor', async () => {
      const data = expectData(await put({ set: { 'l2.override.line.batchSize': 120, 'l2.override.line.productId': 'GTIN-7', 'l2.override.sync.batchSize': 300 }, actor: 'ticket-42' }));
      expect(data.ok).to.equal(true);
      expect(data.trigger).to.equal('put');
      expect(data.by).to.equal('admin');
      expect(data.report.runtime).to.include.members(['line.batchSize', 'line.productId', 'sync.batchSize']);
      expect(data.overrides).to.deep.equal({ 'l2.override.line.batchSize': 120, 'l2.override.line.productId': 'GTIN-7', 'l2.override.sync.batchSize': 300 });
      expect(config().line.batchSize).to.equal(120);
      expect(t.edge.system.outbox.batchSize()).to.equal(300);
      expect(t.edge.system.scanLine().getSnapshot().context.settings.productId).to.equal('GTIN-7');
      expect((await get()).overrides['l2.override.line.batchSize']).to.equal(120);
      const entry = journal.find((e) => e.messageKey === 'config.changed');
      expect(entry, JSON.stringify(journal)).to.not.equal(undefined);
      expect(entry).to.deep.include({ category: 'system', source: 'config', severity: 'info', user: 'admin' });
      expect(entry!.params!.actor).to.equal('ticket-42');
      expect(entry!.params!.set).to.contain('l2.override.line.batchSize');
    });

    it('unset returns a key to the file value', async () => {
      expectData(await put({ set: { 'l2.override.line.batchSize': 7 } }));
      expect(config().line.batchSize).to.equal(7);
      const data = expectData(await put({ unset: ['l2.override.line.batchSize'] }));
      expect(data.overrides).to.deep.equal({});
      expect(config().line.batchSize).to.equal(50);
    });

    it('accepts a device list as the structure or JSON-encoded, and applies it in place', async () => {
      const scanners = [
        { id: 'mock-1', transport: 'MOCK' },
        { id: 'mock-2', transport: 'MOCK', role: 'REJECTION' },
      ];
      const data = expectData(await put({ set: { 'l2.override.scanners': JSON.stringify(scanners) } }));
      expect(data.report.scanners).to.deep.include({ started: ['mock-2'], kept: ['mock-1'] });
      const listed = expectData(await t.request('GET', '/api/v1/scanners', { token: t.tokens.operator }));
      expect(listed.map((s: { config: { id: string } }) => s.config.id)).to.deep.equal(['mock-1', 'mock-2']);
      const stored = (await get()).overrides['l2.override.scanners'];
      expect(stored.map((s: { id: string; role: string }) => [s.id, s.role])).to.deep.equal([
        ['mock-1', 'ADD'],
        ['mock-2', 'REJECTION'],
      ]);

      const printers = expectData(await put({ set: { 'l2.override.printers': [printer()] } }));
      expect(printers.report.printers.started).to.deep.equal(['zebra-1']);
      expect(t.edge.system.root.system.get('printer.zebra-1')).to.not.equal(undefined);
    });

    it('400 naming the key for an unknown key, and nothing changes', async () => {
      const res = await put({ set: { 'l2.override.line.batchSize': 99, 'l2.override.nope': 1 } });
      const error = expectValidationError(res, 'l2.override.nope');
      expect(error.details.reason).to.match(/Unknown setting/);
      expect((await get()).overrides).to.deep.equal({});
      expect(config().line.batchSize).to.equal(50);
      expectValidationError(await put({ unset: ['line.batchSize'] }), 'line.batchSize');
    });

    it('400 naming the key and the field for a bad scanner array; the valid keys next to it are not stored either', async () => {
      const res = await put({ set: { 'l2.override.line.party': 'P-1', 'l2.override.scanners': [{ id: 'x', transport: 'CARRIER_PIGEON' }] } });
      expectValidationError(res, 'l2.override.scanners.0.transport');
      const dup = await put({ set: { 'l2.override.scanners': [{ id: 'a', transport: 'MOCK' }, { id: 'a', transport: 'MOCK' }] } });
      expectValidationError(dup, 'l2.override.scanners');
      const unknownField = await put({ set: { 'l2.override.scanners': [{ id: 'a', transport: 'MOCK', colour: 'red' }] } });
      expectValidationError(unknownField, 'l2.override.scanners.0.colour');
      const notJson = await put({ set: { 'l2.override.scanners': '[{"id":' } });
      expect(expectValidationError(notJson, 'l2.override.scanners').details.reason).to.match(/not valid JSON/);
      const tooMany = await put({ set: { 'l2.override.scanners': Array.from({ length: 11 }, (_, i) => ({ id: `m${i}`, transport: 'MOCK' })) } });
      expectValidationError(tooMany, 'l2.override.scanners');
      expect((await get()).overrides).to.deep.equal({});
      expect(config().line.party).to.equal(null);
      expect(config().scanners.map((s) => s.id)).to.deep.equal(['mock-1']);
    });

    it('400 for wrong types of values, naming the key', async () => {
      expectValidationError(await put({ set: { 'l2.override.line.batchSize': '100' } }), 'l2.override.line.batchSize');
      expectValidationError(await put({ set: { 'l2.override.line.batchSize': 0 } }), 'l2.override.line.batchSize');
      expectValidationError(await put({ set: { 'l2.override.sync.batchSize': null } }), 'l2.override.sync.batchSize');
      expectValidationError(await put({ set: { 'l2.override.printers': { id: 'p' } } }), 'l2.override.printers');
      expectValidationError(await put({ set: { 'l2.override.printers': [printer({ model: 'LASER_9000' })] } }), 'l2.override.printers.0.model');
      expect((await get()).overrides).to.deep.equal({});
    });

    it('400 for a malformed body: bad JSON, wrong shapes, unknown fields, nothing to change, a key both set and unset', async () => {
      expectError(await t.request('PUT', CONFIG, { ...admin(), rawBody: '{"set": {' }), 400, 'VALIDATION_ERROR');
      expectValidationError(await put([]), '(root)');
      expectValidationError(await put({ set: [] }), 'set');
      expectValidationError(await put({ set: 'l2.override.line.batchSize=5' }), 'set');
      expectValidationError(await put({ unset: 'l2.override.line.batchSize' }), 'unset');
      expectValidationError(await put({ actor: 42, set: { 'l2.override.line.party': 'x' } }), 'actor');
      expectValidationError(await put({ sett: { 'l2.override.line.party': 'x' } }), 'sett');
      expectValidationError(await put({}), 'set');
      expectValidationError(await put({ set: { 'l2.override.line.party': 'x' }, unset: ['l2.override.line.party'] }), 'l2.override.line.party');
      expect((await get()).overrides).to.deep.equal({});
    });

    it('413 for an oversized body', async () => {
      const huge = 'x'.repeat(600 * 1024);
      expectError(await put({ set: { 'l2.override.line.party': huge } }), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('400 when PLC bindings would name a PLC that does not exist', async () => {
      const res = await put({ set: { 'l2.override.plcBindings': { eject: { plcId: 'ghost', address: 'coil:0' } } } });
      expectValidationError(res, 'l2.override.plcBindings.eject.plcId');
      const plcs = [{ id: 'plc-1', protocol: 'MODBUS_TCP', host: '127.0.0.1', port: 1, backoff: { baseMs: 1000, maxMs: 5000 } }];
      expectData(await put({ set: { 'l2.override.plcs': plcs, 'l2.override.plcBindings': { eject: { plcId: 'plc-1', address: 'coil:0' } } } }));
      // Dropping the PLCs while the bindings still use one is refused.
      expectValidationError(await put({ unset: ['l2.override.plcs'] }), 'l2.override.plcBindings.eject.plcId');
    });
  });

  describe('policies other features register (services.overrideChecks)', () => {
    it('a change that breaks a registered policy is a 400 naming the key, and nothing changes', async () => {
      const onlyLab = (values: Record<string, unknown>) =>
        ((values['l2.override.printers'] as Array<{ host: string }> | undefined) ?? [])
          .map((p, index) => ({ p, index }))
          .filter(({ p }) => !p.host.startsWith('127.'))
          .map(({ index }) => ({ field: `l2.override.printers.${index}.host`, reason: 'host not allowed' }));
      const services = t.edge.system.services as Record<string, unknown>;
      const registered = services.overrideChecks;
      services.overrideChecks = [onlyLab];
      try {
        expectValidationError(await put({ set: { 'l2.override.printers': [printer({ host: '10.9.9.9' })] } }), 'l2.override.printers.0.host');
        expect((await get()).overrides).to.deep.equal({});
        expectData(await put({ set: { 'l2.override.printers': [printer()] } }));
        // Stored behind the API: the reload refuses it too.
        await t.edge.system.settingsStore.set('l2.override.printers', [{ ...printer({ host: '10.9.9.9' }), name: 'zebra-1', params: {} }]);
        expectError(await t.request('POST', RELOAD, { ...admin(), body: {} }), 409, 'CONFLICT');
      } finally {
        services.overrideChecks = registered;
      }
    });

    it('the hardware host allowlist holds for device lists set as overrides: a public printer host is a 400 naming it', async () => {
      expectValidationError(await put({ set: { 'l2.override.printers': [printer({ host: '203.0.113.7' })] } }), 'l2.override.printers.0.host');
      expect((await get()).overrides).to.deep.equal({});
    });
  });

  describe('DELETE /api/v1/config', () => {
    it('drops every override; the file values are in force again, in place', async () => {
      expectData(await put({ set: { 'l2.override.line.palletSize': 12, 'l2.override.scanners': [{ id: 'mock-9', transport: 'MOCK' }] } }));
      expect(config().line.palletSize).to.equal(12);
      const data = expectData(await t.request('DELETE', `${CONFIG}?actor=shift-lead`, admin()));
      expect(data.dropped).to.have.members(['l2.override.line.palletSize', 'l2.override.scanners']);
      expect(data.report.scanners).to.deep.include({ started: ['mock-1'], stopped: ['mock-9'] });
      expect(config().line.palletSize).to.equal(40);
      expect((await get()).overrides).to.deep.equal({});
      const entry = journal.find((e) => e.messageKey === 'config.cleared');
      expect(entry?.params?.actor).to.equal('shift-lead');
    });

    it('400 for an unknown query parameter', async () => {
      expectValidationError(await t.request('DELETE', `${CONFIG}?all=yes`, admin()), 'all');
    });
  });

  describe('POST /api/v1/config/reload', () => {
    it('re-reads overrides written to the database behind the API and applies them', async () => {
      await t.edge.system.settingsStore.set('l2.override.line.batchSize', 333);
      expect(config().line.batchSize).to.equal(50);
      const data = expectData(await t.request('POST', RELOAD, { ...admin(), body: { actor: 'script' } }));
      expect(data.trigger).to.equal('reload');
      expect(data.ok).to.equal(true);
      expect(data.report.runtime).to.deep.equal(['line.batchSize']);
      expect(data.report.scanners.kept).to.deep.equal(['mock-1']);
      expect(config().line.batchSize).to.equal(333);
      const entry = journal.find((e) => e.messageKey === 'config.reloaded');
      expect(entry?.params?.actor).to.equal('script');
      const status = expectData(await t.request('GET', STATUS, { token: t.tokens.manager }));
      expect(status.lastReload).to.deep.include({ trigger: 'reload', ok: true, by: 'admin', actor: 'script' });
    });

    it('409 naming the key when a stored value is invalid; nothing is applied', async () => {
      await t.edge.system.settingsStore.set('l2.override.line.batchSize', 444);
      await t.edge.system.settingsStore.set('l2.override.scanners', [{ id: 'bad', transport: 'WIRELESS' }]);
      const res = await t.request('POST', RELOAD, { ...admin(), body: {} });
      const error = expectError(res, 409, 'CONFLICT');
      expect(error.details.field).to.equal('l2.override.scanners.0.transport');
      expect(config().line.batchSize).to.equal(50);
      const status = expectData(await t.request('GET', STATUS, { token: t.tokens.manager }));
      expect(status.ok).to.equal(false);
      expect(status.lastReload.ok).to.equal(false);
      expect(status.lastReload.errors[0].field).to.equal('l2.override.scanners.0.transport');
      expect(status.overrides.invalid[0].field).to.equal('l2.override.scanners.0.transport');
      expect(journal.some((e) => e.messageKey === 'config.reload_refused')).to.equal(true);
    });

    it('starts again a device whose actor is not running (unchanged settings, e.g. after it FAILED)', async () => {
      t.edge.system.root.send({ type: 'supervisor.remove', id: 'scanner.mock-1' } as never);
      expect(t.edge.system.scanner('mock-1')).to.equal(undefined);
      const data = expectData(await t.request('POST', RELOAD, { ...admin(), body: {} }));
      expect(data.report.scanners.restarted).to.deep.equal(['mock-1']);
      expect(t.edge.system.scanner('mock-1')).to.not.equal(undefined);
    });

    it('400 for a bad body', async () => {
      expectValidationError(await t.request('POST', RELOAD, { ...admin(), body: { force: true } }), 'force');
      expectError(await t.request('POST', RELOAD, { ...admin(), rawBody: 'nope' }), 400, 'VALIDATION_ERROR');
      expectValidationError(await t.request('POST', RELOAD, { ...admin(), body: { actor: '' } }), 'actor');
    });
  });

  describe('PUT /api/v1/scanners writes the override', () => {
    it('a scanner list put through its own endpoint shows up as l2.override.scanners', async () => {
      expectData(await t.request('PUT', '/api/v1/scanners', { token: t.tokens.admin, body: [{ id: 'mock-1', transport: 'MOCK' }, { id: 'mock-3', transport: 'MOCK' }] }));
      const stored = (await get()).overrides['l2.override.scanners'];
      expect(stored.map((s: { id: string }) => s.id)).to.deep.equal(['mock-1', 'mock-3']);
      const status = expectData(await t.request('GET', STATUS, { token: t.tokens.manager }));
      expect(status.settings.scanners.source).to.equal('override');
      const entry = journal.find((e) => e.messageKey === 'config.devices_replaced');
      expect(entry?.params).to.deep.include({ key: 'l2.override.scanners', changed: 'mock-3', kept: 'mock-1' });
    });
  });

  describe('GET /api/v1/self-service/status', () => {
    it('says where each setting comes from, the drivers in force and the last reload', async () => {
      expectData(await put({ set: { 'l2.override.line.batchSize': 64, 'l2.override.printers': [printer()] } }));
      // (A reload refused earlier in this file would still show as the last reload.)
      expectData(await t.request('POST', RELOAD, { ...admin(), body: {} }));
      const status = expectData(await t.request('GET', STATUS, { token: t.tokens.manager }));
      expect(status.ok).to.equal(true);
      expect(status.settings['line.batchSize']).to.deep.equal({ source: 'override', value: 64 });
      expect(status.settings['line.palletSize']).to.deep.equal({ source: 'default', value: 40 });
      expect(status.settings['server.port'].source).to.equal('embedded');
      expect(status.settings['printers'].source).to.equal('override');
      expect(status.settings['auth.tokenTtlSeconds'].source).to.equal('default');
      expect(status.overrides.keys).to.have.members(['l2.override.line.batchSize', 'l2.override.printers']);
      expect(status.drivers.scanners).to.deep.equal([{ id: 'mock-1', transport: 'MOCK', model: 'GENERIC', role: 'ADD', state: status.drivers.scanners[0].state, connected: status.drivers.scanners[0].connected }]);
      expect(status.drivers.printers.map((p: { id: string }) => p.id)).to.deep.equal(['zebra-1']);
      expect(status.drivers.printers[0].connected).to.equal(false);
      expect(status.lastChange).to.deep.include({ trigger: 'put', ok: true, by: 'admin' });
      expect(status.startup).to.deep.equal({ applied: [], errors: [] });
    });

    it('masks secrets', async () => {
      const status = expectData(await t.request('GET', STATUS, { token: t.tokens.manager }));
      const text = JSON.stringify(status);
      expect(text).to.not.match(/operator123|admin123/);
      for (const [key, origin] of Object.entries(status.settings) as Array<[string, { value: unknown }]>) {
        if (/secret|password|token$/i.test(key) && origin.value !== undefined) expect(origin.value, key).to.equal('[redacted]');
      }
    });

    it('400 for an unknown query parameter', async () => {
      expectValidationError(await t.request('GET', `${STATUS}?verbose=1`, { token: t.tokens.manager }), 'verbose');
    });
  });
});
