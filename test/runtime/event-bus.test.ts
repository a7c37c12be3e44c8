import { expect } from 'chai';
import { createEventBus } from '../../src/runtime/event-bus.js';

type Events = { type: 'code.accepted'; code: string } | { type: 'code.rejected'; reason: string };

describe('createEventBus', () => {
  it('delivers by type and to * subscribers, in publication order', () => {
    const bus = createEventBus<Events>();
    const accepted: string[] = [];
    const all: string[] = [];
    bus.subscribe('code.accepted', (e) => accepted.push(e.code));
    bus.subscribe('*', (e) => all.push(e.type));
    bus.publish({ type: 'code.accepted', code: 'A' });
    bus.publish({ type: 'code.rejected', reason: 'dup' });
    bus.publish({ type: 'code.accepted', code: 'B' });
    expect(accepted).to.deep.equal(['A', 'B']);
    expect(all).to.deep.equal(['code.accepted', 'code.rejected', 'code.accepted']);
  });

  it('stops delivering after unsubscribe, and unsubscribing twice is harmless', () => {
    const bus = createEventBus<Events>();
    const seen: string[] = [];
    const off = bus.subscribe('code.accepted', (e) => seen.push(e.code));
    bus.publish({ type: 'code.accepted', code: 'A' });
    off();
    off();
    bus.publish({ type: 'code.accepted', code: 'B' });
    expect(seen).to.deep.equal(['A']);
  });

  it('treats the same handler subscribed twice as two subscriptions', () => {
    const bus = createEventBus<Events>();
    let n = 0;
    const handler = () => void n++;
    const off1 = bus.subscribe('*', handler);
    bus.subscribe('*', handler);
    off1();
    bus.publish({ type: 'code.rejected', reason: 'x' });
    expect(n).to.equal(1);
  });

  it('a throwing subscriber neither breaks publish nor the other subscribers, and is reported', () => {
    const errors: Array<[unknown, string]> = [];
    const bus = createEventBus<Events>({ onError: (err, e) => errors.push([err, e.type]) });
    const seen: string[] = [];
    bus.subscribe('code.accepted', () => {
      throw new Error('subscriber bug');
    });
    bus.subscribe('code.accepted', (e) => seen.push(e.code));
    bus.subscribe('*', (e) => seen.push(`*${e.type}`));
    expect(() => bus.publish({ type: 'code.accepted', code: 'A' })).to.not.throw();
    expect(seen).to.deep.equal(['A', '*code.accepted']);
    expect(errors).to.have.length(1);
    expect((errors[0]![0] as Error).message).to.equal('subscriber bug');
    expect(errors[0]![1]).to.equal('code.accepted');
  });

  it('survives a throwing subscriber without onError, and an onError that throws', () => {
    const quiet = createEventBus<Events>();
    quiet.subscribe('*', () => {
      throw new Error('x');
    });
    expect(() => quiet.publish({ type: 'code.rejected', reason: 'r' })).to.not.throw();

    const loud = createEventBus<Events>({
      onError: () => {
        throw new Error('reporter bug');
      },
    });
    let delivered = false;
    loud.subscribe('*', () => {
      throw new Error('x');
    });
    loud.subscribe('*', () => void (delivered = true));
    expect(() => loud.publish({ type: 'code.rejected', reason: 'r' })).to.not.throw();
    expect(delivered).to.equal(true);
  });

  it('a subscription added during publish does not receive the event being published', () => {
    const bus = createEventBus<Events>();
    const late: string[] = [];
    bus.subscribe('*', () => {
      bus.subscribe('*', (e) => late.push(e.type));
    });
    bus.publish({ type: 'code.rejected', reason: 'r' });
    expect(late).to.deep.equal([]);
  });
});
