import { expect } from 'chai';
import { createActor, emit, setup, type AnyEventObject } from 'xstate';
import { bridgeEmitsToBus } from '../../src/runtime/emit-bridge.js';
import { createEventBus } from '../../src/runtime/event-bus.js';
import { startSupervisor, worker } from '../machines/shared/supervisor-fixtures.js';

describe('bridgeEmitsToBus', () => {
  function setupBridge() {
    const sut = startSupervisor([{ id: 'w', src: 'worker', systemId: 'w', input: { label: 'first' } }]);
    const bus = createEventBus<AnyEventObject>();
    const seen: AnyEventObject[] = [];
    bus.subscribe('*', (e) => seen.push(e));
    const stop = bridgeEmitsToBus(sut.actor, bus);
    return { ...sut, seen, stop };
  }

  it('publishes what the root and its children emit', () => {
    const { actor, child, seen, stop } = setupBridge();
    child('w')!.send({ type: 'PING' });
    actor.send({ type: 'supervisor.spawn', child: { id: 'x', src: 'unknown-src' } });
    expect(seen).to.deep.equal([
      { type: 'worker.pong', label: 'first' },
      { type: 'supervisor.childFailed', id: 'x', error: 'unknown actor src "unknown-src"' },
    ]);
    stop();
    actor.stop();
  });

  it('follows a child restarted under the same id, and drops the dead ref', () => {
    const { actor, clock, child, seen, stop } = setupBridge();
    const first = child('w')!;
    first.send({ type: 'FAIL' });
    clock.increment(1_000);
    const second = child('w')!;
    expect(second).to.not.equal(first);
    seen.length = 0;
    second.send({ type: 'PING' });
    expect(seen).to.deep.equal([{ type: 'worker.pong', label: 'first' }]);
    stop();
    actor.stop();
  });

  it('follows children spawned at runtime and forgets removed ones', () => {
    const { actor, child, seen, stop } = setupBridge();
    actor.send({ type: 'supervisor.spawn', child: { id: 'scanner-2', src: 'worker', input: { label: 's2' } } });
    const s2 = child('scanner-2')!;
    s2.send({ type: 'PING' });
    expect(seen).to.deep.include({ type: 'worker.pong', label: 's2' });
    actor.send({ type: 'supervisor.remove', id: 'scanner-2' });
    seen.length = 0;
    child('w')!.send({ type: 'PING' });
    expect(seen).to.deep.equal([{ type: 'worker.pong', label: 'first' }]);
    stop();
    actor.stop();
  });

  it('publishes nothing after unsubscribe', () => {
    const { actor, child, seen, stop } = setupBridge();
    stop();
    child('w')!.send({ type: 'PING' });
    actor.send({ type: 'supervisor.spawn', child: { id: 'x', src: 'unknown-src' } });
    expect(seen).to.deep.equal([]);
    actor.stop();
  });

  it('catches emits from initial entry actions when attached before start', () => {
    const chatty = setup({}).createMachine({ entry: emit({ type: 'child.hello' }) });
    const root = setup({ actors: { chatty, worker } }).createMachine({
      entry: emit({ type: 'root.hello' }),
      invoke: { src: 'chatty', id: 'chatty' },
    });
    const actor = createActor(root);
    const seen: string[] = [];
    const bus = createEventBus<AnyEventObject>();
    bus.subscribe('*', (e) => seen.push(e.type));
    const stop = bridgeEmitsToBus(actor, bus);
    actor.start();
    expect(seen).to.have.members(['root.hello', 'child.hello']);
    stop();
    actor.stop();
  });

  it('reports a throwing bus instead of letting XState rethrow it', () => {
    const { actor, child, stop: stopDefault } = setupBridge();
    stopDefault();
    const errors: unknown[] = [];
    const stop = bridgeEmitsToBus(
      actor,
      {
        publish: () => {
          throw new Error('bus down');
        },
      },
      { onError: (err) => errors.push(err) },
    );
    child('w')!.send({ type: 'PING' });
    expect(errors).to.have.length(1);
    stop();
    actor.stop();
  });

  it('applies the filter', () => {
    const sut = startSupervisor([{ id: 'w', src: 'worker' }]);
    const seen: string[] = [];
    const stop = bridgeEmitsToBus(sut.actor, { publish: (e: AnyEventObject) => seen.push(e.type) }, {
      filter: (e) => e.type.startsWith('supervisor.'),
    });
    sut.child('w')!.send({ type: 'PING' });
    sut.actor.send({ type: 'supervisor.restartChild', id: 'w' });
    expect(seen).to.deep.equal(['supervisor.childRestarted']);
    stop();
    sut.actor.stop();
  });
});
