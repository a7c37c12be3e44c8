import { expect } from 'chai';
import { codes } from '../../support/edge-fixtures.js';
import { scan, useCommandEdge } from '../../support/command-edge.js';
import { waitFor } from '../../support/wait-for.js';

/** restart_service: the actor system stops and starts in the same process; HTTP keeps serving. */
describe('edge commands: restart_service', function () {
  this.timeout(30_000);
  const fx = useCommandEdge();

  it('restarts the actors in place: HTTP answers throughout, the actors come back, the result follows on the new channel', async () => {
    const edge = await fx.start();
    const { t } = edge;
    const before = t.edge.system.root;
    const scanLineBefore = t.edge.system.scanLine();
    const code = codes(1)[0]!;
    expect((await scan(t, code)).outcome).to.equal('accepted');
    const hellos = fx.factory.messages().filter((m) => m.type === 'hello').length;

    const id = fx.factory.sendCommand('restart_service');
    // Health is polled while the restart goes on: every answer is a 200.
    const statuses: number[] = [];
    let done = false;
    const polling = (async () => {
      while (!done) statuses.push((await t.request('GET', '/health')).status);
    })();
    const result = await fx.factory.result(id);
    done = true;
    await polling;

    expect(result.ok).to.equal(true);
    const { restartedAt, restarts } = result.result as { restartedAt: string; restarts: number };
    expect(Date.parse(restartedAt)).to.be.a('number').and.not.NaN;
    expect(restarts).to.equal(1);
    expect(statuses.length).to.be.greaterThan(0);
    expect(statuses.every((s) => s === 200)).to.equal(true);

    // New actors, same process, same storage: the duplicate is still known, a new code is accepted.
    expect(t.edge.system.root).to.not.equal(before);
    expect(t.edge.system.scanLine()).to.not.equal(scanLineBefore);
    expect(before.getSnapshot().status).to.equal('stopped');
    expect((await scan(t, code)).outcome).to.equal('duplicate');
    expect((await scan(t, codes(1)[0]!)).outcome).to.equal('accepted');
    expect((await t.request('GET', '/health')).body.data).to.deep.include({ line: 'running' });

    // The device channel came back with the new tree (a second hello) and carried the result.
    await waitFor(() => fx.factory.messages().filter((m) => m.type === 'hello').length > hellos, 5_000, 'a hello from the new link');
    const resultChannel = fx.factory.channels.findIndex((c) => c.messages.some((m) => m.type === 'command.result'));
    expect(resultChannel).to.be.greaterThan(0);
    // And it still takes commands.
    expect((await fx.factory.result(fx.factory.sendCommand('force_sync'))).ok).to.equal(true);
  });

  it('keeps a disabled device disabled across the in-place restart', async () => {
    const edge = await fx.start();
    await fx.factory.result(fx.factory.sendCommand('disable_device', { reason: 'hold' }));
    expect((await fx.factory.result(fx.factory.sendCommand('restart_service'))).ok).to.equal(true);
    expect(await scan(edge.t, codes(1)[0]!)).to.deep.include({ outcome: 'refused', message: 'device disabled by the factory: hold' });
  });
});
