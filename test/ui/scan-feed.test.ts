import { expect } from 'chai';
import { createScanFeed, type ScanRow } from '../../src/ui/edge-hmi/scan-feed.js';

/**
 * The HMI's live feed under a fast line: socket messages are folded into the list once per
 * animation frame (one render however many arrive), newest first, never more than the bound.
 */
describe('HMI scan feed (src/ui/edge-hmi/scan-feed)', () => {
  let frames: Array<() => void> = [];
  const saved = { raf: globalThis.requestAnimationFrame, document: (globalThis as { document?: unknown }).document };
  beforeEach(() => {
    frames = [];
    globalThis.requestAnimationFrame = ((callback: () => void) => frames.push(callback)) as typeof requestAnimationFrame;
    (globalThis as { document?: unknown }).document = { hidden: false };
  });
  afterEach(() => {
    globalThis.requestAnimationFrame = saved.raf;
    (globalThis as { document?: unknown }).document = saved.document;
  });
  const row = (n: number): ScanRow => ({ code: `code-${n}`, valid: true, outcome: 'accepted', message: null, bottleId: null, source: 'test', timestamp: new Date(n).toISOString() }) as ScanRow;

  it('500 scans between two frames: one frame scheduled, one update, the newest 200 first', () => {
    const feed = createScanFeed(200);
    let updates = 0;
    const off = feed.rows.subscribe(() => updates++);
    updates = 0;
    for (let n = 1; n <= 500; n++) feed.push(row(n));
    expect(frames).to.have.length(1);
    expect(feed.rows.value).to.have.length(0); // nothing rendered before the frame
    frames.shift()!();
    expect(updates).to.equal(1);
    expect(feed.rows.value).to.have.length(200);
    expect(feed.rows.value[0]!.code).to.equal('code-500');
    expect(feed.rows.value[199]!.code).to.equal('code-301');
    expect(feed.received.value).to.equal(500); // counted, though only the newest 200 are listed
    off();
  });

  it('later frames put new scans on top and keep the bound', () => {
    const feed = createScanFeed(3);
    for (const n of [1, 2]) feed.push(row(n));
    frames.shift()!();
    for (const n of [3, 4]) feed.push(row(n));
    frames.shift()!();
    expect(feed.rows.value.map((r) => r.code)).to.deep.equal(['code-4', 'code-3', 'code-2']);
  });

  it('reset (after a reconnection) replaces the list with what the edge stored, dropping what was pending', () => {
    const feed = createScanFeed(5);
    feed.push(row(9));
    feed.reset([row(3), row(2), row(1)]);
    frames.shift()!();
    expect(feed.rows.value.map((r) => r.code)).to.deep.equal(['code-3', 'code-2', 'code-1']);
  });
});
