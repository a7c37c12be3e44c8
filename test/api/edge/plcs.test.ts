import { expect } from 'chai';
import { type ModbusSimulator, startModbusSimulator } from '../../../adapters/plcs/modbus-simulator.js';
import type { PlcService } from '../../../src/edge/hardware/plc-service.js';
import { PLC_BINDINGS_OVERRIDE_KEY, PLCS_OVERRIDE_KEY } from '../../../src/edge/hardware/plcs.extension.js';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { tempDir } from '../../support/temp-dir.js';
import { waitFor } from '../../support/wait-for.js';

const PLC = 'line-plc';
const plcConfig = (sim: ModbusSimulator, extra: Record<string, unknown> = {}) => ({
  id: PLC,
  protocol: 'MODBUS_TCP',
  host: sim.host,
  port: sim.port,
  timeoutMs: 300,
  pollIntervalMs: 20,
  backoff: { baseMs: 20, maxMs: 100 },
  ...extra,
});
const BINDINGS = {
  eject: { plcId: PLC, address: 'coil:11', kind: 'coil', pulseMs: 30 },
  stopLineRequest: { plcId: PLC, address: 'di:4', kind: 'coil' },
  currentGtin: { plcId: PLC, address: 'hr:100/str14', kind: 'string' },
};

describe('PLC API and service (Modbus TCP simulator)', () => {
  let sim: ModbusSimulator;
  let t: TestEdge;
  const service = () => t.edge.system.services.plc as PlcService;
  const plcActor = () => t.edge.system.root.system.get(`plc.${PLC}`);
  const health = async () => expectData(await t.request('GET', `/api/v1/plcs/${PLC}/health`, { token: t.tokens.operator }));

  before(async () => {
    sim = await startModbusSimulator();
    t = await startTestEdge({ plcs: [plcConfig(sim)], plcBindings: BINDINGS });
    await waitFor(async () => (await health()).connected, 5000, 'the PLC to connect');
  });
  after(async () => {
    await t?.stop();
    await sim?.close();
  });

  it('GET /plcs lists the configured PLCs, defaults filled in', async () => {
    const plcs = expectData(await t.request('GET', '/api/v1/plcs', { token: t.tokens.operator }));
    expect(plcs).to.have.length(1);
    expect(plcs[0]).to.deep.include({ id: PLC, protocol: 'MODBUS_TCP', unitId: 1, safeState: 'stop' });
  });

  it('GET /plcs/{id}/health shows the link; an unknown id is 404', async () => {
    expect(await health()).to.deep.include({ plcId: PLC, protocol: 'MODBUS_TCP', state: 'connected', connected: true, lastError: null });
    expectError(await t.request('GET', '/api/v1/plcs/nope/health', { token: t.tokens.operator }), 404, 'NOT_FOUND');
    expectValidationError(await t.request('GET', '/api/v1/plcs/bad%20id/health', { token: t.tokens.operator }), 'id');
  });

  it('POST /plcs/{id}/test reconnects and reads a bound tag', async () => {
    sim.coils.set(11, false);
    const before = sim.writes.length;
    const result = expectData(await t.request('POST', `/api/v1/plcs/${PLC}/test`, { token: t.tokens.manager }));
    expect(result).to.deep.include({ ok: true, connected: true, state: 'connected' });
    expect(result.read).to.deep.equal({ signal: 'eject', address: 'coil:11', value: false });
    expect(sim.writes.length, 'a test writes nothing').to.equal(before);
  });

  it('GET /plcs/{id}/tags: Modbus cannot browse, so the bindings stand in', async () => {
    const tags = expectData(await t.request('GET', `/api/v1/plcs/${PLC}/tags`, { token: t.tokens.operator }));
    expect(tags.source).to.equal('bindings');
    expect(tags.tags).to.deep.include.members([
      { address: 'coil:11', name: 'eject', dataType: 'bool', writable: true },
      { address: 'di:4', name: 'stopLineRequest', dataType: 'bool', writable: false },
      { address: 'hr:100/str14', name: 'currentGtin', dataType: 'string', writable: true },
    ]);
  });

  it('services.plc: pulse sets the eject coil and clears it after pulseMs; write coerces to the binding kind', async () => {
    sim.writes.length = 0;
    await service().pulse('eject');
    expect(sim.coils.get(11)).to.equal(true);
    await waitFor(() => sim.coils.get(11) === false, 2000, 'the pulse to end');
    expect(sim.writes.map((w) => [w.table, w.address, w.value])).to.deep.equal([
      ['coil', 11, true],
      ['coil', 11, false],
    ]);
    await service().write('currentGtin', '04601234567890');
    expect(sim.text(100, 14)).to.equal('04601234567890');
    expect(await service().read('currentGtin')).to.equal('04601234567890');
    expect(service().connected()).to.equal(true);
    expect(service().connected('eject')).to.equal(true);
    expect(service().rejectAll()).to.equal(false);
  });

  it('services.plc: pulses in quick succession make one longer pulse (retriggered), ending cleared', async () => {
    sim.writes.length = 0;
    await service().pulse('eject', 60);
    await service().pulse('eject', 60);
    await service().pulse('eject', 60);
    await waitFor(() => sim.coils.get(11) === false, 2000, 'the pulse to end');
    const values = sim.writes.map((w) => w.value);
    expect(values.filter((v) => v === false)).to.have.length(1);
    expect(values.at(-1)).to.equal(false);
  });

  it('services.plc: an unbound signal fails with UNBOUND', async () => {
    const error = await service().write('alarm', true).then(
      () => null,
      (e: { code: string }) => e,
    );
    expect(error?.code).to.equal('UNBOUND');
  });

  it('services.plc: onSignal reports changes of a polled input (stop-line request)', async () => {
    const seen: Array<[unknown, unknown]> = [];
    const off = service().onSignal('stopLineRequest', (value, previous) => seen.push([value, previous]));
    try {
      await waitFor(() => seen.length === 1, 3000, 'the first poll');
      expect(seen[0]).to.deep.equal([false, null]);
      sim.discreteInputs.set(4, true);
      await waitFor(() => seen.length === 2, 3000, 'the change');
      expect(seen[1]).to.deep.equal([true, false]);
    } finally {
      off();
      sim.discreteInputs.set(4, false);
    }
  });

  it('GET /plc/bindings; PUT validates PLC ids, addresses and signal names, then applies and persists', async () => {
    expect(expectData(await t.request('GET', '/api/v1/plc/bindings', { token: t.tokens.operator }))).to.deep.equal(BINDINGS);
    const put = (body: unknown) => t.request('PUT', '/api/v1/plc/bindings', { token: t.tokens.manager, body });
    expectValidationError(await put({ eject: { plcId: 'ghost', address: 'coil:1' } }), 'eject.plcId');
    expectValidationError(await put({ eject: { plcId: PLC, address: 'coil:banana' } }), 'eject.address');
    expectValidationError(await put({ launchMissiles: { plcId: PLC, address: 'coil:1' } }));
    expectValidationError(await put({ eject: { plcId: PLC, address: 'coil:1', kind: 'float' } }), 'eject.kind');
    const next = { ...BINDINGS, eject: { plcId: PLC, address: 'coil:12', kind: 'coil', pulseMs: 30 } };
    expect(expectData(await put(next))).to.deep.equal(next);
    expect((await t.edge.system.settingsStore.get(PLC_BINDINGS_OVERRIDE_KEY))?.value).to.deep.equal(next);
    await service().write('eject', true);
    expect(sim.coils.get(12)).to.equal(true);
    expectData(await put(BINDINGS));
  });

  it('PUT /plcs validates per protocol and refuses to drop a PLC that bindings use', async () => {
    const put = (body: unknown) => t.request('PUT', '/api/v1/plcs', { token: t.tokens.admin, body });
    expectValidationError(await put([{ id: PLC, protocol: 'MODBUS_TCP' }]), '0.host');
    expectValidationError(await put([{ id: 'x', protocol: 'OPC_UA' }]), '0.endpointUrl');
    expectValidationError(await put([{ id: 'x', protocol: 'MODBUS_RTU' }]), '0.serial');
    expectValidationError(await put([{ id: 'x', protocol: 'TCP_SOCKET', host: 'h' }]), '0.port');
    expectValidationError(await put([{ id: 'x', protocol: 'S7', host: 'h' }]), '0.protocol');
    expectValidationError(await put([plcConfig(sim), plcConfig(sim)]));
    expectValidationError(await put({ plcs: [] }));
    expectValidationError(await put([]), 'eject.plcId');
  });

  it('PUT /plcs refuses a host or OPC UA endpoint outside hardware.allowedHosts (400 naming the field), and a MANAGER (403)', async () => {
    const put = (body: unknown, token = t.tokens.admin) => t.request('PUT', '/api/v1/plcs', { token, body });
    const before = expectData(await t.request('GET', '/api/v1/plcs', { token: t.tokens.operator }));
    expectValidationError(await put([plcConfig(sim), { id: 'far', protocol: 'TCP_SOCKET', host: '8.8.8.8', port: 9000, safeState: 'reject_all' }]), '1.host');
    expectValidationError(await put([plcConfig(sim), { id: 'ua', protocol: 'OPC_UA', endpointUrl: 'opc.tcp://1.1.1.1:4840', safeState: 'reject_all' }]), '1.endpointUrl');
    expectError(await put([plcConfig(sim)], t.tokens.manager), 403, 'FORBIDDEN');
    expect(expectData(await t.request('GET', '/api/v1/plcs', { token: t.tokens.operator }))).to.deep.equal(before);
  });

  it('PUT /plcs applies in place: an unchanged PLC keeps its link, a new one starts, a changed one restarts', async () => {
    const before = plcActor();
    const connections = sim.connections();
    const second = { id: 'aux', protocol: 'TCP_SOCKET', host: '127.0.0.1', port: 1, timeoutMs: 100, safeState: 'reject_all', backoff: { baseMs: 20, maxMs: 50 } };
    const result = expectData(await t.request('PUT', '/api/v1/plcs', { token: t.tokens.admin, body: [plcConfig(sim), second] }));
    expect(result.applied).to.deep.equal({ added: ['aux'], changed: [], removed: [], unchanged: [PLC] });
    expect(plcActor()).to.equal(before);
    expect(sim.connections()).to.equal(connections);
    expect((await t.edge.system.settingsStore.get<unknown[]>(PLCS_OVERRIDE_KEY))?.value).to.have.length(2);
    // The aux PLC cannot connect: its safe state is reject_all, so the flag goes up but the line runs.
    await waitFor(() => service().rejectAll(), 3000, 'reject-all from the aux PLC');
    expect(t.edge.system.scanLine().getSnapshot().value).to.not.equal('paused');
    expect(expectData(await t.request('GET', '/api/v1/plcs/aux/health', { token: t.tokens.operator }))).to.deep.include({ connected: false, outage: true });

    const changed = expectData(await t.request('PUT', '/api/v1/plcs', { token: t.tokens.admin, body: [plcConfig(sim, { timeoutMs: 400 })] }));
    expect(changed.applied).to.deep.equal({ added: [], changed: [PLC], removed: ['aux'], unchanged: [] });
    await waitFor(() => plcActor() !== before && (service().health(PLC)?.connected ?? false), 5000, 'the changed PLC to reconnect');
    expect(service().rejectAll()).to.equal(false);
    expect(t.edge.system.root.system.get('plc.aux')).to.equal(undefined);
  });

  it('a lost PLC with safe state stop pauses the line, journals it, and is reconnected', async () => {
    const alarms: unknown[] = [];
    const off = t.edge.system.bus.subscribe('line.alarm', (event) => alarms.push(event));
    try {
      sim.refusing = true;
      sim.dropConnections();
      await waitFor(() => t.edge.system.scanLine().getSnapshot().value === 'paused', 5000, 'the line to pause');
      expect(alarms).to.have.length(1);
      expect(alarms[0]).to.deep.include({ type: 'line.alarm', code: 'PLC_DISCONNECTED', source: 'plc', plcId: PLC, safeState: 'stop' });
      expect(service().connected()).to.equal(false);
      const refused = await service().pulse('eject').then(
        () => null,
        (e: { code: string }) => e,
      );
      expect(refused?.code).to.equal('NOT_CONNECTED');
      sim.refusing = false;
      await waitFor(async () => (await health()).connected, 5000, 'the PLC to reconnect');
      expect(alarms).to.have.length(1);
    } finally {
      off();
      sim.refusing = false;
      t.edge.system.scanLine().send({ type: 'RESUME' });
    }
  });

  itRequiresAuth(() => t, [
    { method: 'GET', path: '/api/v1/plcs' },
    { method: 'PUT', path: '/api/v1/plcs', role: 'ADMIN', body: { plcs: 'not-an-array' } },
    { method: 'GET', path: `/api/v1/plcs/${PLC}/health` },
    { method: 'POST', path: `/api/v1/plcs/${PLC}/test`, role: 'MANAGER' },
    { method: 'GET', path: `/api/v1/plcs/${PLC}/tags` },
    { method: 'GET', path: '/api/v1/plc/bindings' },
    { method: 'PUT', path: '/api/v1/plc/bindings', role: 'MANAGER', body: { eject: { plcId: 'ghost', address: 'coil:1' } } },
  ]);
});

describe('PLC API on an edge without PLCs', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge();
  });
  after(async () => {
    await t?.stop();
  });

  it('answers 503 SERVICE_UNAVAILABLE, except PUT /plcs, which configures one', async () => {
    for (const [method, path, token] of [
      ['GET', '/api/v1/plcs', t.tokens.operator],
      ['GET', '/api/v1/plcs/p1/health', t.tokens.operator],
      ['POST', '/api/v1/plcs/p1/test', t.tokens.manager],
      ['GET', '/api/v1/plcs/p1/tags', t.tokens.operator],
      ['GET', '/api/v1/plc/bindings', t.tokens.operator],
      ['PUT', '/api/v1/plc/bindings', t.tokens.manager],
    ] as const) {
      expectError(await t.request(method, path, { token, ...(method === 'GET' ? {} : { body: {} }) }), 503, 'SERVICE_UNAVAILABLE');
    }
    expect((t.edge.system.services.plc as PlcService).connected()).to.equal(false);
    const sim = await startModbusSimulator();
    try {
      const body = [{ id: 'p1', protocol: 'MODBUS_TCP', host: sim.host, port: sim.port, safeState: 'reject_all' }];
      expect(expectData(await t.request('PUT', '/api/v1/plcs', { token: t.tokens.admin, body })).applied.added).to.deep.equal(['p1']);
      await waitFor(async () => expectData(await t.request('GET', '/api/v1/plcs/p1/health', { token: t.tokens.operator })).connected, 5000, 'the new PLC');
      expect(expectData(await t.request('GET', '/api/v1/plc/bindings', { token: t.tokens.operator }))).to.deep.equal({});
    } finally {
      await t.request('PUT', '/api/v1/plcs', { token: t.tokens.admin, body: [] });
      await sim.close();
    }
  });
});

describe('PLC overrides', () => {
  it('what a PUT stored wins over the configuration file at the next start', async () => {
    const { dir, cleanup } = tempDir('okto-plc-override-');
    const sim = await startModbusSimulator();
    try {
      const fromFile = { plcs: [{ id: 'file-plc', protocol: 'MODBUS_TCP', host: sim.host, port: sim.port }], plcBindings: { eject: { plcId: 'file-plc', address: 'coil:1' } } };
      const first = await startTestEdge({ dataDir: dir, ...fromFile });
      const put = [{ id: 'api-plc', protocol: 'MODBUS_TCP', host: sim.host, port: sim.port }];
      expectData(await first.request('PUT', '/api/v1/plc/bindings', { token: first.tokens.manager, body: {} }));
      expectData(await first.request('PUT', '/api/v1/plcs', { token: first.tokens.admin, body: put }));
      await first.stop();

      const second = await startTestEdge({ dataDir: dir, ...fromFile });
      try {
        const plcs = expectData(await second.request('GET', '/api/v1/plcs', { token: second.tokens.operator }));
        expect(plcs.map((p: { id: string }) => p.id)).to.deep.equal(['api-plc']);
        expect(expectData(await second.request('GET', '/api/v1/plc/bindings', { token: second.tokens.operator }))).to.deep.equal({});
        await waitFor(() => second.edge.system.root.system.get('plc.api-plc') !== undefined, 2000, 'the overridden PLC actor');
        expect(second.edge.system.root.system.get('plc.file-plc')).to.equal(undefined);
      } finally {
        await second.stop();
      }
    } finally {
      await sim.close();
      cleanup();
    }
  });
});
