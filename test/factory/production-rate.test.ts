import { expect } from 'chai';
import type { FactoryEvent } from '../../src/factory/factory-events.js';
import { createProductionRate } from '../../src/factory/production-rate.js';
import { createEventBus } from '../../src/runtime/event-bus.js';

describe('production rate', () => {
  const ingested = (bottles: number, other = 0): FactoryEvent => ({
    type: 'sync.ingested',
    deviceId: 'edge-001',
    lineId: null,
    accepted: bottles + other,
    duplicates: 0,
    rejected: 0,
    newByKind: { 'bottle.created': bottles, 'batch.created': other },
  });

  it('counts bottles received in the last 60 s, forgetting older seconds', () => {
    let clock = 1_000_000;
    const bus = createEventBus<FactoryEvent>();
    const rate = createProductionRate(bus, () => clock);
    bus.publish(ingested(100, 5));
    clock += 30_000;
    bus.publish(ingested(50));
    expect(rate.bottlesPerMinute()).to.equal(150);
    clock += 31_000; // the first 100 are now 61 s old
    expect(rate.bottlesPerMinute()).to.equal(50);
    clock += 10 * 60_000; // long idle: everything has aged out
    expect(rate.bottlesPerMinute()).to.equal(0);
    rate.dispose();
    bus.publish(ingested(1));
    expect(rate.bottlesPerMinute()).to.equal(0);
  });
});
