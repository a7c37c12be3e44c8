import { expect } from 'chai';
import { createActor, setup } from 'xstate';
import { startRoot } from '../../src/runtime/root-observer.js';
import { captureLogger } from './log-capture.js';

const fail = () => {
  throw new Error('action bug');
};

type Flags = { crashOnEntry?: boolean; crashLater?: boolean };

const fragile = setup({
  types: { input: {} as Flags, context: {} as Flags },
  actions: { fail },
}).createMachine({
  context: ({ input }) => input,
  initial: 'idle',
  states: {
    idle: {
      always: [
        { guard: ({ context }) => context.crashOnEntry === true, target: 'crashing' },
        { guard: ({ context }) => context.crashLater === true, target: 'waiting' },
      ],
      on: { BOOM: { actions: 'fail' } },
    },
    crashing: { entry: 'fail' },
    waiting: { after: { 5: { actions: 'fail' } } },
  },
});

/** Lets XState's deferred rethrow (a setTimeout) happen, if it is going to. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('startRoot', () => {
  it('keeps the process alive and logs when the root throws in an action', async () => {
    const { logger, lines } = captureLogger();
    const root = startRoot(createActor(fragile, { input: {} }), logger);
    root.send({ type: 'BOOM' });
    await settle();
    expect(root.getSnapshot().status).to.equal('error');
    const failure = lines.find((l) => l.msg === 'root actor failed');
    expect(failure).to.not.equal(undefined);
    expect((failure!.err as { message: string }).message).to.equal('action bug');
  });

  it('catches a throw in the initial entry, inside start()', async () => {
    const { logger, lines } = captureLogger();
    const root = startRoot(createActor(fragile, { input: { crashOnEntry: true } }), logger);
    await settle();
    expect(root.getSnapshot().status).to.equal('error');
    expect(lines.some((l) => l.msg === 'root actor failed')).to.equal(true);
  });

  it('catches a throw from a delayed transition (a timer callback)', async () => {
    const { logger, lines } = captureLogger();
    const hooked: unknown[] = [];
    const root = startRoot(createActor(fragile, { input: { crashLater: true } }), logger, { onError: (e) => hooked.push(e) });
    await settle();
    await settle();
    expect(root.getSnapshot().status).to.equal('error');
    expect(lines.some((l) => l.msg === 'root actor failed')).to.equal(true);
    expect(hooked).to.have.length(1);
  });

  it('returns the started actor', () => {
    const { logger } = captureLogger();
    const root = startRoot(createActor(fragile, { input: {} }), logger);
    expect(root.getSnapshot().status).to.equal('active');
    root.stop();
  });
});
