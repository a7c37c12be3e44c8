import { expect } from 'chai';
import { createActor, fromCallback, setup } from 'xstate';
import { describeActors } from '../../src/runtime/actor-tree.js';
import { startSupervisor } from '../machines/shared/supervisor-fixtures.js';

describe('describeActors', () => {
  it('lists the root and every descendant with path, systemId, status and state', () => {
    const leaf = fromCallback(() => () => {});
    const device = setup({ actors: { leaf } }).createMachine({
      initial: 'connected',
      states: { connected: { invoke: { src: 'leaf', id: 'socket' } } },
    });
    const root = setup({ actors: { device } }).createMachine({
      initial: 'running',
      states: { running: { invoke: { src: 'device', id: 'scanner-1', systemId: 'scanner:1' } } },
    });
    const actor = createActor(root, { systemId: 'root' }).start();
    expect(describeActors(actor)).to.deep.equal([
      { id: actor.id, systemId: 'root', path: 'root', status: 'active', state: 'running' },
      { id: 'scanner-1', systemId: 'scanner:1', path: 'root/scanner-1', status: 'active', state: 'connected' },
      { id: 'socket', path: 'root/scanner-1/socket', status: 'active', state: null },
    ]);
    actor.stop();
  });

  it('follows the supervisor: a FAILED child is gone from the tree, a restarted one is back', () => {
    const { actor, clock, child } = startSupervisor([{ id: 'w', src: 'worker', systemId: 'w' }]);
    child('w')!.send({ type: 'FAIL' });
    expect(describeActors(actor).map((a) => a.path)).to.deep.equal([actor.id]);
    clock.increment(1_000);
    expect(describeActors(actor)).to.deep.include({ id: 'w', systemId: 'w', path: `${actor.id}/w`, status: 'active', state: 'working' });
    expect(JSON.parse(JSON.stringify(describeActors(actor)))).to.deep.equal(describeActors(actor));
    actor.stop();
  });
});
