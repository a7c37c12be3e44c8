import { expect } from 'chai';
import { FaultController, FaultSpecError, type FaultMode } from '../../src/cloud-sim/faults.js';

describe('FaultController', () => {
  let faults: FaultController;
  beforeEach(() => (faults = new FaultController()));
  afterEach(() => faults.dispose());

  it('applies nothing by default', () => {
    expect(faults.take('/device/sync')).to.equal(null);
    expect(faults.state.mode).to.equal('none');
  });

  it('counts `remaining` down per matching request, then goes back to none', () => {
    faults.set({ mode: 'error503', remaining: 2, paths: ['/device/sync'] });
    expect(faults.take('/device/lines')).to.equal(null); // not matching: not counted
    expect(faults.take('/device/sync')).to.deep.equal({ mode: 'error503', delayMs: 0 });
    expect(faults.state.remaining).to.equal(1);
    expect(faults.take('/device/sync')?.mode).to.equal('error503');
    expect(faults.state.mode).to.equal('none');
    expect(faults.take('/device/sync')).to.equal(null);
  });

  it('ends by itself after durationMs', async () => {
    faults.set({ mode: 'drop', durationMs: 20 });
    expect(faults.state.until).to.be.a('string');
    expect(faults.take('/x')?.mode).to.equal('drop');
    await new Promise((r) => setTimeout(r, 60));
    expect(faults.state.mode).to.equal('none');
  });

  it('tells subscribers about mode changes (the server opens and closes its port on refuse)', () => {
    const seen: Array<[FaultMode, FaultMode]> = [];
    faults.subscribe((mode, previous) => seen.push([mode, previous]));
    faults.set({ mode: 'refuse', durationMs: 1_000 });
    expect(faults.take('/device/sync')).to.equal(null); // refuse is carried out by the listener, not per request
    faults.clear();
    expect(seen).to.deep.equal([
      ['refuse', 'none'],
      ['none', 'refuse'],
    ]);
  });

  it('refuses specs it cannot carry out', () => {
    expect(() => faults.set({ mode: 'delay' })).to.throw(FaultSpecError);
    expect(() => faults.set({ mode: 'refuse', remaining: 3 })).to.throw(FaultSpecError);
    expect(() => faults.set({ mode: 'refuse', paths: ['/device'] })).to.throw(FaultSpecError);
  });

  it('wakes delayed requests at once when disposed', async () => {
    const started = Date.now();
    const sleeping = faults.sleep(60_000);
    faults.dispose();
    await sleeping;
    expect(faults.closing).to.equal(true);
    expect(Date.now() - started).to.be.below(10_000);
  });
});
