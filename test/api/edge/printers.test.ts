import { expect } from 'chai';
import { startVideojetSimulator, type VideojetSimulator } from '../../../adapters/printers/videojet-simulator.js';
import { startZebraSimulator, type ZebraSimulator } from '../../../adapters/printers/zebra-simulator.js';
import { PRINTERS_OVERRIDE_KEY } from '../../../adapters/printers/printers-config.js';
import { printerSystemId } from '../../../src/edge/hardware/printers.extension.js';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { waitFor } from '../../support/wait-for.js';

const P = '/api/v1/printers';

describe('edge API: /api/v1/printers', () => {
  describe('with no printer configured', () => {
    let t: TestEdge;
    before(async () => {
      t = await startTestEdge();
    });
    after(async () => {
      await t?.stop();
    });

    it('answers 503 SERVICE_UNAVAILABLE for the list and every printer route', async () => {
      for (const [method, path, body] of [
        ['GET', P],
        ['GET', `${P}/0/status`],
        ['POST', `${P}/0/print`, { code: 'X' }],
        ['POST', `${P}/0/test`, {}],
        ['GET', `${P}/0/templates`],
        ['GET', `${P}/0/templates/a`],
      ] as const) {
        expectError(await t.request(method, path, { token: t.tokens.operator, ...(body ? { body } : {}) }), 503, 'SERVICE_UNAVAILABLE');
      }
    });

    it('serves the per-model parameter schema as JSON Schema', async () => {
      const data = expectData(await t.request('GET', `${P}/schema`, { token: t.tokens.operator }));
      expect(Object.keys(data.models).sort()).to.deep.equal(['GENERIC_TCP', 'VIDEOJET', 'ZEBRA_ZPL']);
      expect(data.models.ZEBRA_ZPL).to.include({ type: 'object', additionalProperties: false });
      expect(data.models.ZEBRA_ZPL.properties.confirmTimeoutMs).to.include({ type: 'integer', default: 10_000 });
      expect(data.models.VIDEOJET.properties).to.have.property('codeField');
      expect(data.models.GENERIC_TCP.properties).to.have.property('ackString');
    });
  });

  describe('with a Zebra and a Videojet', () => {
    let t: TestEdge;
    let zebra: ZebraSimulator;
    let videojet: VideojetSimulator;
    const printers = (): Array<Record<string, unknown> & { params: Record<string, unknown> }> => [
      { model: 'ZEBRA_ZPL', name: 'Label', host: '127.0.0.1', port: zebra.port, backoff: { baseMs: 20, maxMs: 100 }, params: { statusPollMs: 10, idleStatusMs: 50, confirmTimeoutMs: 2000 } },
      { id: 'cij', model: 'VIDEOJET', name: 'Inkjet', host: '127.0.0.1', port: videojet.port, backoff: { baseMs: 20, maxMs: 100 }, params: { idleStatusMs: 50 } },
    ];
    before(async () => {
      zebra = await startZebraSimulator();
      videojet = await startVideojetSimulator();
      t = await startTestEdge({ printers: printers() });
    });
    after(async () => {
      await t?.stop();
      await zebra?.stop();
      await videojet?.stop();
    });
    const op = (method: string, path: string, body?: unknown) => t.request(method, path, { token: t.tokens.operator, ...(body !== undefined ? { body } : {}) });
    const mgr = (method: string, path: string, body?: unknown) => t.request(method, path, { token: t.tokens.manager, ...(body !== undefined ? { body } : {}) });
    const adm = (method: string, path: string, body?: unknown) => t.request(method, path, { token: t.tokens.admin, ...(body !== undefined ? { body } : {}) });
    const state = async (index: number) => expectData(await op('GET', `${P}/${index}/status`)).state;
    const ready = (index: number) => waitFor(async () => (await state(index)) === 'ready', 5000, `printer ${index} ready`);

    describe('authentication', () => {
      itRequiresAuth(() => t, [
        { method: 'GET', path: P },
        { method: 'PUT', path: P, role: 'ADMIN', body: { printers: 'not a list' } },
        { method: 'GET', path: `${P}/schema` },
        { method: 'GET', path: `${P}/0/status` },
        { method: 'POST', path: `${P}/0/print`, body: { code: '' } },
        { method: 'POST', path: `${P}/0/test`, body: { label: 'no' } },
        { method: 'GET', path: `${P}/0/templates` },
        { method: 'POST', path: `${P}/0/templates`, role: 'MANAGER', body: {} },
        { method: 'GET', path: `${P}/0/templates/none` },
        { method: 'PUT', path: `${P}/0/templates/x`, role: 'MANAGER', body: {} },
        { method: 'DELETE', path: `${P}/0/templates/none`, role: 'MANAGER' },
      ]);
    });

    it('lists the printers with index, defaults filled in and state', async () => {
      await ready(0);
      const list = expectData(await op('GET', P));
      expect(list.map((p: { index: number; id: string; model: string }) => [p.index, p.id, p.model])).to.deep.equal([
        [0, 'printer-0', 'ZEBRA_ZPL'],
        [1, 'cij', 'VIDEOJET'],
      ]);
      expect(list[0]).to.include({ port: zebra.port, name: 'Label' });
      expect(list[0].params).to.include({ confirmTimeoutMs: 2000, statusPollMs: 10 });
    });

    it('reports a health snapshot', async () => {
      await ready(1);
      const status = expectData(await op('GET', `${P}/1/status`));
      expect(status).to.include({ index: 1, printerId: 'cij', model: 'VIDEOJET', state: 'ready', connected: true, fault: null });
      expect(status.lastStatus).to.deep.include({ fault: null });
    });

    it('prints: printed true only once the printer confirmed it', async () => {
      await ready(0);
      const data = expectData(await op('POST', `${P}/0/print`, { code: 'CODE-API-1' }));
      expect(data).to.include({ printed: true, code: 'CODE-API-1', printerId: 'printer-0' });
      expect(zebra.printed.at(-1)).to.deep.equal(['CODE-API-1', 'CODE-API-1']);
      const vj = expectData(await op('POST', `${P}/1/print`, { code: 'CODE-API-2', params: { lot: 7 } }));
      expect(vj.printed).to.equal(true);
      expect(videojet.printed.at(-1)).to.deep.equal({ CODE: 'CODE-API-2', lot: '7' });
    });

    it('validates input: body, index, unknown template', async () => {
      expectValidationError(await op('POST', `${P}/0/print`, {}), 'code');
      expectValidationError(await op('POST', `${P}/0/print`, { code: 'X', extra: 1 }), 'extra');
      expectValidationError(await op('POST', `${P}/0/print`, { code: 'X', params: { 'bad key': 'v' } }));
      expectValidationError(await op('GET', `${P}/abc/status`), 'index');
      expectError(await op('GET', `${P}/5/status`), 404, 'NOT_FOUND');
      expectError(await op('POST', `${P}/0/print`, { code: 'X', template: 'nope' }), 404, 'NOT_FOUND');
    });

    it('a jam is a 409 CONFLICT naming the fault; offline is a 503', async () => {
      await ready(0);
      zebra.jam();
      const error = expectError(await op('POST', `${P}/0/print`, { code: 'JAM-1' }), 409, 'CONFLICT');
      expect(error.details).to.include({ printed: false, reason: 'fault', fault: 'jam' });
      expect(expectData(await op('GET', `${P}/0/status`)).fault).to.deep.equal({ kind: 'jam', detail: 'head open' });
      zebra.clear();
      await ready(0);

      await videojet.sim.offline('refuse');
      await waitFor(async () => ['backoff', 'connecting'].includes(await state(1)));
      const offline = expectError(await op('POST', `${P}/1/print`, { code: 'OFF-1' }), 503, 'SERVICE_UNAVAILABLE');
      expect(offline.details).to.include({ printed: false, reason: 'offline' });
      // test on a disconnected printer reconnects it now
      expect(expectData(await op('POST', `${P}/1/test`, {}))).to.include({ reconnecting: true });
      await videojet.sim.online();
      await ready(1);
    });

    it('test: a status query, or a test label', async () => {
      await ready(0);
      const status = expectData(await op('POST', `${P}/0/test`, {}));
      expect(status).to.deep.include({ index: 0, state: 'ready' });
      expect(status.status).to.deep.include({ fault: null });
      const label = expectData(await op('POST', `${P}/0/test`, { label: true }));
      expect(label.label).to.include({ printed: true });
    });

    it('templates: create, conflict, list, read, replace, print with one, reject bad ZPL, delete', async () => {
      const body = '^XA^FO10,10^FH_^FD{{code}}/{{lot}}^FS^XZ';
      const created = expectData(await mgr('POST', `${P}/0/templates`, { name: 'box', body }), 201);
      expect(created).to.include({ name: 'box', body });
      expectError(await mgr('POST', `${P}/0/templates`, { name: 'box', body }), 409, 'CONFLICT');
      expectValidationError(await mgr('POST', `${P}/0/templates`, { name: 'bad', body: '^XA^FD{{code}}^FS^XZ' }), 'body');
      expectValidationError(await mgr('POST', `${P}/0/templates`, { name: 'bad name!', body }), 'name');
      expect(expectData(await op('GET', `${P}/0/templates`)).map((x: { name: string }) => x.name)).to.deep.equal(['box']);
      expect(expectData(await op('GET', `${P}/0/templates/box`))).to.include({ body });
      expectData(await mgr('PUT', `${P}/0/templates/box`, { body: body.replace('/', '-') }));
      await ready(0);
      expectError(await op('POST', `${P}/0/print`, { code: 'T1', template: 'box' }), 409, 'CONFLICT');
      const printed = expectData(await op('POST', `${P}/0/print`, { code: 'T1', template: 'box', params: { lot: 'L9' } }));
      expect(printed.printed).to.equal(true);
      expect(zebra.printed.at(-1)).to.deep.equal(['T1-L9']);
      expect(expectData(await op('GET', `${P}/1/templates`))).to.deep.equal([]);
      expectData(await mgr('DELETE', `${P}/0/templates/box`));
      expectError(await op('GET', `${P}/0/templates/box`), 404, 'NOT_FOUND');
      expectError(await mgr('DELETE', `${P}/0/templates/box`), 404, 'NOT_FOUND');
    });

    it('PUT validates: at most 10, known models, unique ids', async () => {
      const one = printers()[0]!;
      expectValidationError(await adm('PUT', P, Array.from({ length: 11 }, (_, i) => ({ ...one, id: `z${i}` }))));
      expectValidationError(await adm('PUT', P, [{ ...one, model: 'LASER' }]));
      expectValidationError(await adm('PUT', P, [{ ...one, id: 'a' }, { ...one, id: 'a' }]));
      expectValidationError(await adm('PUT', P, [{ ...one, params: { darkness: 99 } }]));
      expectError(await op('PUT', P, printers()), 403, 'FORBIDDEN');
    });

    it('PUT refuses a printer host outside hardware.allowedHosts (400 naming the field) and a MANAGER (403); nothing changes', async () => {
      const before = expectData(await op('GET', P));
      const list = printers();
      const refused = expectValidationError(await adm('PUT', P, [list[0], { ...list[1]!, host: '198.51.100.1' }]), '1.host');
      expect(refused.message).to.include('198.51.100.1');
      expectValidationError(await adm('PUT', P, { printers: [{ ...list[0]!, host: '2001:db8::1' }] }), '0.host');
      expectError(await mgr('PUT', P, list), 403, 'FORBIDDEN');
      expect(expectData(await op('GET', P)).map((p: any) => p.host)).to.deep.equal(before.map((p: any) => p.host));
    });

    it('PUT applies in place: unchanged printers keep their connection, changed ones restart, and it is persisted', async () => {
      await ready(0);
      await ready(1);
      const zebraActor = t.edge.system.root.system.get(printerSystemId('printer-0'));
      const videojetActor = t.edge.system.root.system.get(printerSystemId('cij'));
      const next = printers();
      next[1] = { ...next[1]!, name: 'Renamed inkjet' };
      next[0] = { ...next[0]!, params: { ...next[0]!.params, confirmTimeoutMs: 3000 } };
      const applied = expectData(await adm('PUT', P, { printers: next }));
      expect(applied).to.deep.include({ started: ['printer-0'], kept: ['cij'], removed: [] });
      expect(t.edge.system.root.system.get(printerSystemId('cij'))).to.equal(videojetActor);
      expect(t.edge.system.root.system.get(printerSystemId('printer-0'))).to.not.equal(zebraActor);
      expect(expectData(await op('GET', P))[1].name).to.equal('Renamed inkjet');
      const stored = await t.edge.system.settingsStore.get<Array<{ id: string }>>(PRINTERS_OVERRIDE_KEY);
      expect(stored!.value.map((p) => p.id)).to.deep.equal(['printer-0', 'cij']);
      await ready(0);
      expect(expectData(await op('POST', `${P}/0/print`, { code: 'AFTER-PUT' })).printed).to.equal(true);

      // Drop the Zebra: its actor stops; the override wins over the file after a restart.
      expect(expectData(await adm('PUT', P, [next[1]]))).to.deep.include({ started: [], kept: ['cij'], removed: ['printer-0'] });
      await waitFor(() => t.edge.system.root.system.get(printerSystemId('printer-0')) === undefined);
      await t.edge.restartService();
      const list = expectData(await op('GET', P));
      expect(list.map((p: { id: string }) => p.id)).to.deep.equal(['cij']);
      await ready(0);
    });
  });
});
