import { expect } from 'chai';
import { ScannerSimulator } from '../../../src/line-sim/scanner-simulator.js';
import type { JournalDraft } from '../../../src/domain/journal-entry.js';
import { expectData } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { waitFor } from '../../support/wait-for.js';

describe('edge journal: real events and a large export', function () {
  this.timeout(60_000);
  let t: TestEdge | null = null;
  afterEach(async () => {
    await t?.stop();
    t = null;
  });

  it('a TCP scanner that goes away is journaled once (warning, with the reason), not at every retry', async () => {
    const sim = new ScannerSimulator({ industry: 'milk', ratePerSecond: 0, seed: 1, mode: 'listen' });
    await sim.start();
    const port = sim.port;
    try {
      t = await startTestEdge({ scanners: [{ id: 'tcp-1', transport: 'tcp', host: '127.0.0.1', mode: 'connect', port, backoff: { baseMs: 20, maxMs: 50 } }] });
      const edge = t;
      const entries = async () => {
        await edge.edge.system.journal.flush();
        return expectData(await edge.request('GET', '/api/v1/events?source=scanner.tcp-1', { token: edge.tokens.operator })).events as Array<Record<string, any>>;
      };
      await waitFor(async () => (await entries()).some((e) => e.messageKey === 'scanner.connected'), 5000, 'the connect to be journaled');
      await sim.stop();
      const down = await waitFor(async () => (await entries()).find((e) => e.messageKey === 'scanner.disconnected'), 5000, 'the disconnect to be journaled');
      expect(down).to.include({ severity: 'warning', category: 'scanner', source: 'scanner.tcp-1', user: null });
      expect(down.message).to.match(/^Сканер tcp-1 отключён: /);
      // Retries while it is away are not journaled one by one: three of them, still one entry.
      await waitFor(() => (edge.edge.system.scanner('tcp-1')?.getSnapshot().context.attempt ?? 0) >= 3, 5000, 'three reconnect attempts');
      expect((await entries()).filter((e) => e.messageKey === 'scanner.disconnected')).to.have.length(1);
    } finally {
      await sim.stop().catch(() => undefined);
    }
  });

  it('keeps what it could not write while the database refuses writes, and writes it once it takes them again', async () => {
    t = await startTestEdge();
    const { journal, db, bus } = t.edge.system;
    await db.writer.raw('PRAGMA query_only = ON');
    try {
      bus.publish({ type: 'journal.record', severity: 'alarm', category: 'system', source: 'test', messageKey: 'operator.note', params: { text: 'kept' } });
      await journal.flush();
      expect(await journal.store.page({ source: 'test' }, { limit: 5 })).to.have.length(0);
    } finally {
      await db.writer.raw('PRAGMA query_only = OFF');
    }
    const [entry] = await waitFor(async () => {
      const entries = await journal.store.page({ source: 'test' }, { limit: 5 });
      return entries.length > 0 ? entries : null;
    }, 5000, 'the kept entry to be written');
    expect(entry).to.deep.include({ severity: 'alarm', params: { text: 'kept' }, acknowledged: false });
  });

  it('exports 50,000 entries as a stream in many chunks, memory roughly flat', async () => {
    t = await startTestEdge();
    const store = t.edge.system.journal.store;
    const base = Date.now() * 1000;
    const drafts: JournalDraft[] = Array.from({ length: 50_000 }, (_, i) => ({
      tsUs: base + i,
      severity: i % 10 === 0 ? 'alarm' : 'info',
      category: 'gpio',
      source: `scanner.s${i % 4}`,
      messageKey: 'scanner.disconnected',
      params: { scanner: `s${i % 4}`, reason: `причина, "номер" ${i}` },
      user: null,
      acknowledged: i % 10 !== 0,
      ackedBy: null,
      ackedAtUs: null,
    }));
    for (let i = 0; i < drafts.length; i += 10_000) await store.insert(drafts.slice(i, i + 10_000));

    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const res = await fetch(`${t.url}/api/v1/events/export?format=csv&category=gpio`, { headers: { authorization: `Bearer ${t.tokens.operator}` } });
    expect(res.status).to.equal(200);
    const reader = res.body!.getReader();
    let chunks = 0;
    let bytes = 0;
    let newlines = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      bytes += value.length;
      for (const byte of value) if (byte === 0x0a) newlines++;
      if (chunks % 20 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    // Header + one line per entry (no entry holds a raw newline here).
    expect(newlines).to.equal(50_001);
    expect(chunks).to.be.greaterThan(20);
    expect(bytes).to.be.greaterThan(2_500_000);
    // The whole file is over 5 MB; the server (same process) and this reader hold a few pages at a time.
    expect(peak - rssBefore).to.be.below(150 * 1024 * 1024);
  });
});
