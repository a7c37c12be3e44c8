import { expect } from 'chai';
import { type DmccSimulator, startDmccSimulator } from '../../../adapters/scanners/dmcc-simulator.js';
import { edgeConfigSchema, type EdgeConfig } from '../../../src/edge/config.js';
import { startEdge } from '../../../src/edge/edge.js';
import { SCANNERS_OVERRIDE_KEY } from '../../../src/edge/hardware/scanners-feature.js';
import { silentLogger } from '../../../src/runtime/logger.js';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { codes } from '../../support/edge-fixtures.js';
import { demoTokens, jsonRequester } from '../../support/http-request.js';
import { tempDir } from '../../support/temp-dir.js';
import { waitFor } from '../../support/wait-for.js';

const SCANNERS = '/api/v1/scanners';

describe('edge API: /api/v1/scanners', () => {
  let t: TestEdge;
  let sim: DmccSimulator;
  const cognex = () => ({ id: 'cognex-1', transport: 'TCP', model: 'COGNEX_DATAMAN', host: '127.0.0.1', port: sim.port, backoff: { baseMs: 10, maxMs: 50 } });

  before(async () => {
    sim = await startDmccSimulator({ deviceName: 'DM262-TEST' });
    t = await startTestEdge({ scanners: [{ id: 'mock-1', transport: 'mock' }, cognex()] });
    await waitFor(() => sim.connections() === 1, 5000, 'the edge dialled the DataMan');
  });
  after(async () => {
    await t?.stop();
    await sim?.close();
  });

  const as = (role: 'operator' | 'manager' | 'admin') => ({ token: t.tokens[role] });
  const list = async () => expectData(await t.request('GET', SCANNERS, as('operator')));
  const put = (body: unknown, role: 'operator' | 'manager' | 'admin' = 'admin') => t.request('PUT', SCANNERS, { ...as(role), body });
  const status = async (index: number) => expectData(await t.request('GET', `${SCANNERS}/${index}/status`, as('operator')));

  describe('authentication', () => {
    itRequiresAuth(() => t, [
      { method: 'GET', path: SCANNERS },
      { method: 'GET', path: `${SCANNERS}/0/status` },
      { method: 'POST', path: `${SCANNERS}/0/test`, role: 'MANAGER', body: {} },
      // A body that fails validation: admitted roles get a 400 and nothing changes.
      { method: 'PUT', path: SCANNERS, role: 'ADMIN', body: [{ id: 'x', transport: 'NOPE' }] },
    ]);
  });

  describe('GET', () => {
    it('lists the configured scanners with their configuration and live state', async () => {
      await waitFor(async () => (await status(1)).connected, 5000, 'cognex-1 connected');
      const data = await list();
      expect(data.map((s: { index: number; config: { id: string } }) => [s.index, s.config.id])).to.deep.equal([
        [0, 'mock-1'],
        [1, 'cognex-1'],
      ]);
      expect(data[0].config).to.include({ transport: 'MOCK', model: 'GENERIC', role: 'ADD' });
      expect(data[1].config).to.include({ transport: 'TCP', model: 'COGNEX_DATAMAN', role: 'ADD', port: sim.port, trigger: '||>TRIGGER ON\r\n' });
      expect(data[1].status).to.include({ index: 1, id: 'cognex-1', state: 'active.connected', connected: true, lastError: null });
      expect(data[1].status.peer).to.match(/^127\.0\.0\.1:\d+$/);
    });

    it('/{index}/status: connection + role; 404 for an index with no scanner, 400 for one that is not a number', async () => {
      expect(await status(0)).to.include({ id: 'mock-1', role: 'ADD', state: 'active.connected', connected: true, peer: 'mock' });
      const missing = expectError(await t.request('GET', `${SCANNERS}/7/status`, as('operator')), 404, 'NOT_FOUND');
      expect(missing.details).to.deep.include({ index: 7 });
      expectValidationError(await t.request('GET', `${SCANNERS}/x/status`, as('operator')), 'index');
      expectValidationError(await t.request('GET', `${SCANNERS}/10/status`, as('operator')), 'index');
    });

    it('the legacy /api/v1/scanner/status still shows lower-case transports', async () => {
      const legacy = expectData(await t.request('GET', '/api/v1/scanner/status', as('operator')));
      expect(legacy.scanners.map((s: { transport: string }) => s.transport)).to.deep.equal(['mock', 'tcp']);
    });
  });

  describe('POST /{index}/test', () => {
    it('forces a reconnect and reports it, with the DataMan device name (DMCC GET DEVICE.NAME)', async () => {
      const before = sim.commands.length;
      const data = expectData(await t.request('POST', `${SCANNERS}/1/test`, { ...as('manager'), body: {} }));
      expect(data).to.include({ result: 'connected', healthCheck: true });
      expect(data.status).to.include({ connected: true, deviceName: 'DM262-TEST', tests: 1 });
      expect(sim.commands.slice(before)).to.deep.equal(['GET DEVICE.NAME']);
      await waitFor(() => sim.connections() === 1, 5000, 'the old connection closed'); // reconnected, not doubled
    });

    it('a scanner without a health check is tested by its reconnect alone; an unknown index is 404; bad bodies 400', async () => {
      const data = expectData(await t.request('POST', `${SCANNERS}/0/test`, as('manager')));
      expect(data).to.include({ result: 'connected', healthCheck: false });
      expect(data.status.deviceName).to.equal(null);
      expectError(await t.request('POST', `${SCANNERS}/5/test`, as('manager')), 404, 'NOT_FOUND');
      expectValidationError(await t.request('POST', `${SCANNERS}/0/test`, { ...as('manager'), body: { timeoutMs: 'soon' } }), 'timeoutMs');
    });

    it('reports failed for a reader that is not there', async () => {
      // index 2 exists only in this test: a TCP reader on a port nobody listens on.
      const current = (await list()).map((s: { config: unknown }) => s.config);
      expectData(await put([...current, { id: 'ghost', transport: 'TCP', host: '127.0.0.1', port: 1, backoff: { baseMs: 10_000, maxMs: 10_000 } }]));
      const data = expectData(await t.request('POST', `${SCANNERS}/2/test`, { ...as('manager'), body: { timeoutMs: 3000 } }));
      expect(data.result).to.equal('failed');
      expect(data.status.lastError).to.be.a('string').and.not.empty;
      expectData(await put(current));
    });
  });

  describe('PUT', () => {
    it('rejects bad input naming the field, and changes nothing', async () => {
      const before = await list();
      expectValidationError(await put({ not: 'a list' }));
      expectValidationError(await put([{ id: 'a', transport: 'CARRIER_PIGEON' }]), '0.transport');
      expectValidationError(await put([{ id: 'a', transport: 'TCP' }]), '0.port');
      expectValidationError(await put([{ id: 'a', transport: 'SERIAL' }]), '0.serial');
      expectValidationError(await put([{ id: 'a', transport: 'MOCK', role: 'JUGGLE' }]), '0.role');
      expectValidationError(await put([{ id: 'a', transport: 'MOCK' }, { id: 'a', transport: 'MOCK' }]));
      expectValidationError(await put(Array.from({ length: 11 }, (_, i) => ({ id: `s${i}`, transport: 'MOCK' }))));
      expectValidationError(await put({ scanners: [], extra: 1 }), 'extra');
      expect(await list()).to.deep.equal(before);
    });

    it('refuses a host outside hardware.allowedHosts (400 naming the field; public, unresolvable), and MANAGER (403); nothing changes or is dialled', async () => {
      const before = await list();
      const stored = await t.edge.system.settingsStore.get('l2.override.scanners');
      const refused = expectValidationError(await put([{ id: 'evil', transport: 'TCP', host: '203.0.113.9', port: 23 }]), '0.host');
      expect(refused.message).to.include('hardware.allowedHosts');
      expectValidationError(await put({ scanners: [{ id: 'm', transport: 'MOCK' }, { id: 'mb', transport: 'MODBUS', modbus: { host: '8.8.8.8', readyRegister: 0, codeRegister: 1 } }] }), '1.modbus.host');
      expectValidationError(await put([{ id: 'ip', transport: 'ETHERNET_IP', ethernetIp: { host: '::ffff:1.1.1.1', codeTag: 'Code' } }]), '0.ethernetIp.host');
      expectValidationError(await put([{ id: 'dns', transport: 'TCP', host: 'no-such-scanner.invalid', port: 23 }]), '0.host');
      expectError(await put([{ id: 'lan', transport: 'TCP', host: '10.1.2.3', port: 23 }], 'manager'), 403, 'FORBIDDEN');
      expect(await list()).to.deep.equal(before);
      expect(await t.edge.system.settingsStore.get('l2.override.scanners')).to.deep.equal(stored);
    });

    it('applies in place: the unchanged scanner keeps its actor and connection, a changed one restarts, a new one starts, a removed one stops', async () => {
      const cognexActor = t.edge.system.scanner('cognex-1');
      const mockActor = t.edge.system.scanner('mock-1');
      const peer = (await status(1)).peer;
      const connections = sim.connections();
      const data = expectData(
        await put({
          scanners: [
            cognex(), // as configured at start: unchanged
            { id: 'mock-1', transport: 'MOCK', role: 'REJECTION_FEEDBACK' },
            { id: 'mock-2', transport: 'MOCK', role: 'VERIFY_LOCAL_BUFFER' },
          ],
        }),
      );
      expect(data.applied).to.deep.equal({ started: ['mock-2'], restarted: ['mock-1'], kept: ['cognex-1'], stopped: [] });
      expect(t.edge.system.scanner('cognex-1')).to.equal(cognexActor);
      expect(t.edge.system.scanner('mock-1')).to.not.equal(mockActor);
      expect((await status(0)).peer).to.equal(peer);
      expect(sim.connections()).to.equal(connections);
      expect(await status(1)).to.include({ id: 'mock-1', role: 'REJECTION_FEEDBACK', connected: true });
      expect(await status(2)).to.include({ id: 'mock-2', role: 'VERIFY_LOCAL_BUFFER', connected: true });
      const actor = t.edge.system.scanner('mock-2')!.getSnapshot() as { context: { role: string } };
      expect(actor.context.role).to.equal('VERIFY_LOCAL_BUFFER');

      // The kept reader still feeds the line.
      const [code] = codes(1);
      sim.push(code!);
      await waitFor(async () => {
        const recent = expectData(await t.request('GET', '/api/v1/scanner/recent', as('operator')));
        return recent.some((r: { code?: string; identifier?: string; source?: string }) => JSON.stringify(r).includes('cognex-1'));
      }, 5000, 'a scan from cognex-1');

      const removed = expectData(await put([{ id: 'mock-1', transport: 'MOCK' }]));
      expect(removed.applied).to.deep.equal({ started: [], restarted: ['mock-1'], kept: [], stopped: ['cognex-1', 'mock-2'] });
      await waitFor(() => sim.connections() === 0, 5000, 'the DataMan connection closed');
      expect(t.edge.system.scanner('cognex-1')).to.equal(undefined);
      expect(t.edge.system.scanner('mock-2')).to.equal(undefined);
      expect((await list()).map((s: { config: { id: string } }) => s.config.id)).to.deep.equal(['mock-1']);
    });

    it('takes up to 10 scanners; an empty list is allowed', async () => {
      const ten = Array.from({ length: 10 }, (_, i) => ({ id: `m${i}`, transport: 'MOCK' }));
      expect((expectData(await put(ten))).scanners).to.have.length(10);
      await waitFor(async () => (await status(9)).connected, 5000, 'the tenth scanner');
      expect(expectData(await put([])).scanners).to.deep.equal([]);
      expectData(await put([{ id: 'mock-1', transport: 'MOCK' }]));
    });
  });
});

describe('edge API: /api/v1/scanners persistence', () => {
  it('a PUT is stored as l2.override.scanners and wins over the configuration file at the next start', async () => {
    const { dir, cleanup } = tempDir('okto-edge-scanners-');
    const config = (): EdgeConfig => ({
      ...edgeConfigSchema.parse({ server: { port: 0, host: '127.0.0.1' }, dataDir: dir, storage: { synchronous: 'NORMAL' }, auth: { scryptLogN: 10 }, scanners: [{ id: 'file-1', transport: 'mock' }] }),
      mockMode: true,
      configFile: null,
    });
    try {
      let edge = await startEdge(config(), silentLogger);
      let request = jsonRequester(`http://127.0.0.1:${edge.port}`);
      let tokens = await demoTokens(request);
      const body = [{ id: 'api-1', transport: 'MOCK', role: 'BOX' }, { id: 'api-2', transport: 'USB_HID', serial: { path: `${dir}/no-such-tty` } }];
      expectData(await request('PUT', SCANNERS, { token: tokens.admin, body }));
      const stored = await edge.system.settingsStore.get<Array<{ id: string }>>(SCANNERS_OVERRIDE_KEY);
      expect(stored!.value.map((s) => s.id)).to.deep.equal(['api-1', 'api-2']);
      await edge.stop();

      edge = await startEdge(config(), silentLogger);
      request = jsonRequester(`http://127.0.0.1:${edge.port}`);
      tokens = await demoTokens(request);
      const data = expectData(await request('GET', SCANNERS, { token: tokens.operator }));
      expect(data.map((s: { config: { id: string; role: string; transport: string } }) => [s.config.id, s.config.transport, s.config.role])).to.deep.equal([
        ['api-1', 'MOCK', 'BOX'],
        ['api-2', 'USB_HID', 'ADD'],
      ]);
      expect(data[0].status.connected).to.equal(true);
      // A USB-COM reader that is not plugged in: the actor runs and retries, the edge is fine.
      await waitFor(() => (edge.system.scanner('api-2')?.getSnapshot() as { context: { lastError: string | null } } | undefined)?.context.lastError, 5000, 'the missing tty reported');
      expect(edge.system.scanner('file-1')).to.equal(undefined);
      await edge.stop();
    } finally {
      cleanup();
    }
  });
  it('a stored override whose hosts the allowlist now refuses is not used at start: the configuration file applies', async () => {
    const { dir, cleanup } = tempDir('okto-edge-scanners-');
    const config = (allowedHosts?: string[]): EdgeConfig => ({
      ...edgeConfigSchema.parse({ server: { port: 0, host: '127.0.0.1' }, dataDir: dir, storage: { synchronous: 'NORMAL' }, auth: { scryptLogN: 10 }, scanners: [{ id: 'file-1', transport: 'mock' }], ...(allowedHosts ? { hardware: { allowedHosts } } : {}) }),
      mockMode: true,
      configFile: null,
    });
    try {
      // Stored while 192.168.0.0/16 was allowed (the default) …
      let edge = await startEdge(config(), silentLogger);
      let request = jsonRequester(`http://127.0.0.1:${edge.port}`);
      const body = [{ id: 'lan-1', transport: 'TCP', host: '192.168.77.1', port: 23, backoff: { baseMs: 10_000, maxMs: 10_000 } }];
      expectData(await request('PUT', SCANNERS, { token: (await demoTokens(request)).admin, body }));
      await edge.stop();
      // … then the site narrows the allowlist: the override is ignored, nothing dials 192.168.77.1.
      edge = await startEdge(config(['127.0.0.0/8']), silentLogger);
      request = jsonRequester(`http://127.0.0.1:${edge.port}`);
      const data = expectData(await request('GET', SCANNERS, { token: (await demoTokens(request)).operator }));
      expect(data.map((s: { config: { id: string } }) => s.config.id)).to.deep.equal(['file-1']);
      expect(edge.system.scanner('lan-1')).to.equal(undefined);
      await edge.stop();
    } finally {
      cleanup();
    }
  });
});
