import { expect } from 'chai';
import { createActor, setup } from 'xstate';
import { createDeadlineTimer } from '../../../adapters/timers/deadline-timer.js';
import type { DeadlineCheck } from '../../../machines/factory/device-session.machine.js';
import { waitFor } from '../../support/wait-for.js';

/** Runs the timer as a parent would (it sends back to its parent) and records what it sends. */
function startTimer(at: number, now: () => number) {
  const checks: DeadlineCheck[] = [];
  const parent = setup({ types: { events: {} as DeadlineCheck }, actors: { deadline: createDeadlineTimer(now) } }).createMachine({
    invoke: { id: 'deadline', src: 'deadline', input: { at } },
    on: { CHECK: { actions: ({ event }) => checks.push(event) } },
  });
  const actor = createActor(parent);
  actor.start();
  return { actor, checks };
}

describe('deadline timer', () => {
  it('answers a deadline already past once, and not while its parent is still starting', async () => {
    const t = startTimer(100, () => 500);
    try {
      expect(t.checks).to.deep.equal([]);
      await waitFor(() => t.checks.length === 1);
      expect(t.checks).to.deep.equal([{ type: 'CHECK', now: 500 }]);
    } finally {
      t.actor.stop();
    }
  });

  it('re-arms while the wall clock has not reached the deadline, then sends the time it saw', async () => {
    let wall = 0;
    let reads = 0;
    const t = startTimer(20, () => {
      reads++;
      return wall;
    });
    try {
      // Each firing reads the clock; several reads with no CHECK means it fired early and re-armed.
      await waitFor(() => reads >= 4, 5000, 'the timer to fire and re-check a few times');
      expect(t.checks).to.deep.equal([]);
      wall = 20;
      await waitFor(() => t.checks.length === 1);
      expect(t.checks).to.deep.equal([{ type: 'CHECK', now: 20 }]);
    } finally {
      t.actor.stop();
    }
  });

  it('sends nothing once stopped', async () => {
    let wall = 0;
    const t = startTimer(10, () => wall);
    t.actor.stop();
    wall = 1_000;
    // Node runs equal timeouts in the order they were set, so by the time this later timer has
    // answered, the stopped one would have answered too.
    const probe = startTimer(10, () => wall);
    await waitFor(() => probe.checks.length === 1);
    probe.actor.stop();
    expect(t.checks).to.deep.equal([]);
  });
});
