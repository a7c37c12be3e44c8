import { expect } from 'chai';
import type { JournalRecordEvent } from '../../../src/domain/journal-record.js';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { openWs, type TestWsClient } from '../../support/ws-client.js';

const restartPath = (id: string) => `/api/v1/debug/actors/${encodeURIComponent(id)}/restart`;

describe('edge API: supervision you can see (FAILED in /health and /ws, POST /api/v1/debug/actors/{id}/restart)', () => {
  let t: TestEdge;
  let ws: TestWsClient | undefined;
  const journal: JournalRecordEvent[] = [];
  before(async () => {
    t = await startTestEdge();
    t.edge.system.bus.subscribe('journal.record', (event) => void journal.push(event));
  });
  after(async () => {
    await ws?.close();
    await t?.stop();
  });
  const restart = (id: string, token = t.tokens.admin) => t.request('POST', restartPath(id), { token });
  const childStatus = (id: string) =>
    (t.edge.system.root.getSnapshot() as { context: { children: Record<string, { status: string }> } }).context.children[id]?.status;

  describe('authentication and roles', () => {
    itRequiresAuth(() => t, [{ method: 'POST', path: restartPath('cloudCatalog'), role: 'ADMIN' }]);
  });

  it('restarts a running actor by hand: 200 with its state before and after, journaled with who asked, audited', async () => {
    const before = t.edge.system.cloudCatalog();
    const data = expectData(await restart('cloudCatalog'));
    expect(data).to.deep.equal({ id: 'cloudCatalog', previousStatus: 'RUNNING', status: 'RUNNING', lastError: null });
    expect(t.edge.system.cloudCatalog()).to.not.equal(before);
    expect(journal).to.deep.include({
      type: 'journal.record',
      severity: 'warning',
      category: 'system',
      source: 'cloudCatalog',
      messageKey: 'system.actor_restarted_by_hand',
      params: { actor: 'cloudCatalog' },
      user: 'admin',
    });
    const audit = expectData(await t.request('GET', '/api/v1/audit-log?limit=50', { token: t.tokens.manager })).items as Array<Record<string, unknown>>;
    expect(audit.find((e) => e.action === 'http.POST /api/v1/debug/actors/:id/restart')).to.include({ username: 'admin', entityId: 'cloudCatalog', outcome: 'success' });
  });

  it('an unknown id is 404 NOT_FOUND in the error envelope', async () => {
    const error = expectError(await restart('noSuchActor'), 404, 'NOT_FOUND');
    expect(error.message).to.match(/noSuchActor/);
  });

  it('a malformed or oversized id is 400 VALIDATION_ERROR', async () => {
    expectValidationError(await restart('a b'), 'id');
    expectValidationError(await restart('x'.repeat(201)), 'id');
  });

  it('a FAILED actor makes /health degraded and is announced on /ws; fixed and restarted by hand, it runs and health is ok again', async () => {
    ws = await openWs(`${t.url.replace(/^http/, 'ws')}/ws?token=${t.tokens.operator}`);
    // Two children want the same systemId: the second cannot start, and the supervisor marks it FAILED.
    t.edge.system.root.send({ type: 'supervisor.spawn', child: { id: 'spareCatalog', src: 'cloudCatalog', systemId: 'spareCatalogId' } });
    t.edge.system.root.send({ type: 'supervisor.spawn', child: { id: 'clashingCatalog', src: 'cloudCatalog', systemId: 'spareCatalogId' } });
    expect(childStatus('clashingCatalog')).to.equal('FAILED');

    const degraded = expectData(await t.request('GET', '/health'));
    expect(degraded.status).to.equal('degraded');
    expect(degraded.reasons).to.deep.equal([{ code: 'ACTOR_FAILED', level: 'degraded', message: 'clashingCatalog failed: systemId "spareCatalogId" already in use' }]);
    const failed = await ws.next((m) => m.type === 'actor' && m.data.id === 'clashingCatalog');
    expect(failed.data).to.deep.equal({ id: 'clashingCatalog', status: 'FAILED', error: 'systemId "spareCatalogId" already in use' });

    // Restarted while the cause remains: still FAILED, and the answer says so.
    expect(expectData(await restart('clashingCatalog'))).to.deep.include({ previousStatus: 'FAILED', status: 'FAILED' });

    // The cause goes away; a restart by hand brings it back.
    t.edge.system.root.send({ type: 'supervisor.remove', id: 'spareCatalog' });
    expect(expectData(await restart('clashingCatalog'))).to.deep.equal({
      id: 'clashingCatalog',
      previousStatus: 'FAILED',
      status: 'RUNNING',
      lastError: 'systemId "spareCatalogId" already in use',
    });
    const running = await ws.next((m) => m.type === 'actor' && m.data.id === 'clashingCatalog' && m.data.status === 'RUNNING');
    expect(running.data).to.include({ manual: true, attempt: 0 });
    expect(expectData(await t.request('GET', '/health')).status).to.equal('ok');
    t.edge.system.root.send({ type: 'supervisor.remove', id: 'clashingCatalog' });
  });

  it('is in the OpenAPI document, ADMIN only, with its path parameter', async () => {
    const document = (await (await fetch(`${t.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>> };
    const operation = document.paths['/api/v1/debug/actors/{id}/restart']?.post;
    expect(operation, 'documented').to.not.equal(undefined);
    expect(operation!.parameters?.map((p) => `${p.in}:${p.name}`)).to.include('path:id');
  });
});
