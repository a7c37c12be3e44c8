import { expect } from 'chai';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestFactory, type TestFactory } from '../../support/factory-harness.js';

describe('factory API: POST /api/v1/debug/actors/{id}/restart and FAILED actors in /health', () => {
  let t: TestFactory;
  before(async () => {
    t = await startTestFactory('sqlite');
  });
  after(async () => {
    await t?.stop();
  });
  const restart = (id: string) => t.request('POST', `/api/v1/debug/actors/${encodeURIComponent(id)}/restart`, { token: t.tokens.admin });

  describe('authentication and roles', () => {
    itRequiresAuth(() => t, [{ method: 'POST', path: '/api/v1/debug/actors/forwarder/restart', role: 'ADMIN' }]);
  });

  it('restarts a supervised actor by hand; unknown ids are 404, malformed ones 400', async () => {
    expect(expectData(await restart('forwarder'))).to.deep.equal({ id: 'forwarder', previousStatus: 'RUNNING', status: 'RUNNING', lastError: null });
    expectError(await restart('nothingHere'), 404, 'NOT_FOUND');
    expectValidationError(await restart('no spaces'), 'id');
  });

  it('a FAILED actor makes /health degraded with ACTOR_FAILED', async () => {
    t.factory.system.root.send({ type: 'supervisor.spawn', child: { id: 'clash', src: 'devices', systemId: 'devices' } });
    const health = expectData(await t.request('GET', '/health'));
    expect(health.status).to.equal('degraded');
    expect(health.reasons).to.deep.include({ code: 'ACTOR_FAILED', level: 'degraded', message: 'clash failed: systemId "devices" already in use' });
    t.factory.system.root.send({ type: 'supervisor.remove', id: 'clash' });
    expect(expectData(await t.request('GET', '/health')).status).to.equal('ok');
  });
});
