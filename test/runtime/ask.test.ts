import { expect } from 'chai';
import { createActor, fromCallback, sendTo, setup, type AnyActorRef } from 'xstate';
import { ask, AskTargetStoppedError, AskTimeoutError } from '../../src/runtime/ask.js';

type Query = { type: 'GET'; replyTo: AnyActorRef } | { type: 'GET_LATER'; replyTo: AnyActorRef } | { type: 'IGNORED'; replyTo: AnyActorRef } | { type: 'GET_TWICE'; replyTo: AnyActorRef };

/** A machine in its own actor system that answers through `sendTo(event.replyTo)`, as machines do. */
const counter = setup({ types: { context: {} as { n: number }, events: {} as Query } }).createMachine({
  context: { n: 41 },
  on: {
    GET: { actions: sendTo(({ event }) => event.replyTo, ({ context }) => ({ type: 'VALUE', n: context.n + 1 })) },
    GET_LATER: { actions: sendTo(({ event }) => event.replyTo, { type: 'LATER' }, { delay: 5 }) },
    GET_TWICE: {
      actions: [
        sendTo(({ event }) => event.replyTo, { type: 'FIRST' }),
        sendTo(({ event }) => event.replyTo, { type: 'SECOND' }),
      ],
    },
  },
});

/**
 * Records the timers created while `fn` runs and which of them are still pending afterwards
 * (neither fired nor cleared): a settled ask must leave none behind.
 */
async function pendingTimersAfter(fn: () => Promise<unknown>): Promise<number> {
  const pending = new Set<unknown>();
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  globalThis.setTimeout = ((cb: () => void, ms?: number) => {
    const handle = realSet(() => {
      pending.delete(handle);
      cb();
    }, ms);
    pending.add(handle);
    return handle;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((handle?: NodeJS.Timeout) => {
    pending.delete(handle);
    realClear(handle);
  }) as typeof clearTimeout;
  try {
    await fn();
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  }
  return pending.size;
}

describe('ask', () => {
  const actors: AnyActorRef[] = [];
  const start = <T extends AnyActorRef>(a: T): T => {
    actors.push(a);
    a.start();
    return a;
  };
  afterEach(() => actors.splice(0).forEach((a) => a.stop()));

  it('gets the reply a machine in another actor system sends to event.replyTo', async () => {
    const target = start(createActor(counter));
    let reply: unknown;
    const leftover = await pendingTimersAfter(async () => {
      reply = await ask(target, (replyTo) => ({ type: 'GET', replyTo }));
    });
    expect(reply).to.deep.equal({ type: 'VALUE', n: 42 });
    expect(leftover).to.equal(0);
  });

  it('reaches a child deep in the target system, found by systemId', async () => {
    const parent = setup({ actors: { counter } }).createMachine({
      invoke: { src: 'counter', id: 'inner', systemId: 'counter' },
    });
    const root = start(createActor(parent));
    const inner = root.system.get('counter') as AnyActorRef;
    const reply = await ask<{ n: number }>(inner, (replyTo) => ({ type: 'GET', replyTo }));
    expect(reply.n).to.equal(42);
  });

  it('gets a delayed reply', async () => {
    const target = start(createActor(counter));
    expect(await ask(target, (replyTo) => ({ type: 'GET_LATER', replyTo }))).to.deep.equal({ type: 'LATER' });
  });

  it('gets a reply sent with replyTo.send from a callback actor', async () => {
    const echo = fromCallback<{ type: 'PING'; replyTo: AnyActorRef }>(({ receive }) => {
      receive((e) => setTimeout(() => e.replyTo.send({ type: 'PONG' }), 1));
    });
    const target = start(createActor(echo));
    expect(await ask(target, (replyTo) => ({ type: 'PING', replyTo }))).to.deep.equal({ type: 'PONG' });
  });

  it('keeps only the first reply', async () => {
    const target = start(createActor(counter));
    expect(await ask(target, (replyTo) => ({ type: 'GET_TWICE', replyTo }))).to.deep.equal({ type: 'FIRST' });
  });

  it('rejects with AskTimeoutError when nobody answers, and leaves no timer', async () => {
    const target = start(createActor(counter));
    let err: unknown;
    const leftover = await pendingTimersAfter(async () => {
      err = await ask(target, (replyTo) => ({ type: 'IGNORED', replyTo }), { timeoutMs: 10 }).then(
        () => expect.fail('should time out'),
        (e: unknown) => e,
      );
    });
    expect(err).to.be.instanceOf(AskTimeoutError);
    expect(err).to.include({ eventType: 'IGNORED', timeoutMs: 10, name: 'AskTimeoutError' });
    expect(leftover).to.equal(0);
  });

  it('rejects at once when the target is not running', async () => {
    const target = start(createActor(counter));
    target.stop();
    const err = await ask(target, (replyTo) => ({ type: 'GET', replyTo })).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AskTargetStoppedError);
    expect(err).to.include({ status: 'stopped' });
  });

  it('rejects when building the event throws', async () => {
    const target = start(createActor(counter));
    const err = await ask(target, () => {
      throw new Error('bad input');
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(Error).with.property('message', 'bad input');
  });

  it('serialises replyTo compactly in JSON (logs, inspection traces)', async () => {
    let seen = '';
    const target = start(createActor(counter));
    await ask(target, (replyTo) => {
      seen = JSON.stringify({ type: 'GET', replyTo });
      return { type: 'GET', replyTo };
    });
    expect(JSON.parse(seen).replyTo).to.have.keys(['id']);
  });
});
