import { expect } from 'chai';
import { startZebraSimulator, type ZebraSimulator } from '../../adapters/printers/zebra-simulator.js';
import type { CloudSim } from '../../src/cloud-sim/server.js';
import { isValidSscc } from '../../src/domain/codes/index.js';
import { ScannerSimulator } from '../../src/line-sim/scanner-simulator.js';
import { directCloudOverrides, getData, provisionThroughApi, startSim, waitForEmptyQueue } from '../support/direct-cloud.js';
import { startTestEdge, type TestEdge } from '../support/edge-harness.js';
import { waitFor } from '../support/wait-for.js';

const GS = '\u001d';
const GTIN = '04600840749372';
const milk = (serial: string) => `01${GTIN}21${serial}${GS}93abcd`;

/**
 * Issue 14 end to end over real TCP scanners: units read by the line scanner (ADD), packed by a
 * PACKAGE scanner until the box is full; the closed box gets its SSCC label on the (simulated)
 * Zebra printer, and its aggregation — parent SSCC, children by GTIN + serial — arrives at the
 * (simulated) OKTO Cloud. A BOX scanner then reads that label and the full pallet prints its own.
 */
describe('e2e: a box closed with its SSCC label printed and its aggregation upstream', function () {
  this.timeout(60_000);
  let sim: CloudSim;
  let zebra: ZebraSimulator;
  let t: TestEdge;
  const readers: Record<'line' | 'pack' | 'box', ScannerSimulator> = {} as never;

  before(async () => {
    sim = await startSim();
    zebra = await startZebraSimulator();
    for (const id of ['line', 'pack', 'box'] as const) {
      readers[id] = new ScannerSimulator({ industry: 'milk', ratePerSecond: 0, seed: 1, mode: 'listen' });
      await readers[id].start();
    }
    const scanner = (id: 'line' | 'pack' | 'box', role: string) => ({ id, role, transport: 'tcp', mode: 'connect', host: '127.0.0.1', port: readers[id].port, backoff: { baseMs: 10, maxMs: 50 } });
    t = await startTestEdge(
      directCloudOverrides(sim, {
        line: { batchSize: 2, palletSize: 1 },
        scanners: [scanner('line', 'ADD'), scanner('pack', 'PACKAGE'), scanner('box', 'BOX')],
        printers: [{ id: 'label', model: 'ZEBRA_ZPL', name: 'Box labels', host: '127.0.0.1', port: zebra.port, backoff: { baseMs: 20, maxMs: 100 }, params: { statusPollMs: 10, idleStatusMs: 50, confirmTimeoutMs: 2000 } }],
        aggregation: { sscc: { companyPrefix: '4600840', extensionDigit: 0 }, labelPrinterId: 'label' },
      }),
    );
    await provisionThroughApi(t);
    await waitFor(() => Object.values(readers).every((r) => r.connected), 5000, 'the edge to dial the three readers');
  });
  after(async () => {
    await t?.stop();
    await Promise.all(Object.values(readers).map((r) => r?.stop()));
    await zebra?.stop();
    await sim?.close();
  });

  /** A reader sends one frame as a real one does: symbology identifier, <GS> substitutes, CR LF. */
  const read = (reader: 'line' | 'pack' | 'box', code: string, id = ']d2') => readers[reader].sendRaw(`${id}${code.split(GS).join('<GS>')}\r\n`);
  const scans = () => t.edge.system.queries.bottles.recentScans(100);
  const decided = async (n: number) => waitFor(async () => ((await scans()).length >= n ? scans() : null), 10_000, `${n} scans decided`);

  it('over TCP: the full box prints its SSCC label and reports its units upstream; its label read by BOX completes a pallet that does the same', async () => {
    const units = [milk('E2E001'), milk('E2E002')];
    for (const code of units) read('line', code);
    await decided(2);
    for (const code of units) read('pack', code);
    const recorded = await decided(4);
    expect(recorded.map((r: { outcome: string }) => r.outcome)).to.deep.equal(['accepted', 'accepted', 'accepted', 'accepted']);

    const { batches } = await getData(t, '/api/v1/batches');
    const box = batches[0];
    expect(box.status).to.equal('complete');
    expect(box.identifier).to.match(/^B-\d{4}-\d{6}$/);
    expect(isValidSscc(box.sscc)).to.equal(true);
    expect(box.sscc.slice(0, 8)).to.equal('04600840');

    await waitFor(() => zebra.printed.length > 0, 10_000, 'the box label printed');
    expect(zebra.printed[0]).to.deep.equal([`00${box.sscc}`, `(00) ${box.sscc}`, box.identifier]);

    await waitForEmptyQueue(t, 30_000);
    const received = await fetch(`${sim.url}/admin/received?kind=batch.completed&limit=10`).then((r) => r.json() as Promise<{ data: Array<{ status: string; payload: any }> }>);
    expect(received.data).to.have.length(1);
    expect(received.data[0]!.status).to.equal('accepted');
    expect(received.data[0]!.payload).to.include({ sscc: box.sscc, identifier: box.identifier, batchId: box.id });
    expect(received.data[0]!.payload.children).to.deep.equal([
      { gtin: GTIN, serial: 'E2E001' },
      { gtin: GTIN, serial: 'E2E002' },
    ]);

    // The box label, read by the BOX scanner as GS1-128: onto a pallet of one, which completes and prints its label.
    read('box', `00${box.sscc}`, ']C1');
    await waitFor(() => zebra.printed.length > 1, 10_000, 'the pallet label printed');
    const { pallets } = await getData(t, '/api/v1/pallets');
    expect(pallets[0]).to.include({ status: 'complete', batchCount: 1 });
    expect(zebra.printed[1]).to.deep.equal([`00${pallets[0].sscc}`, `(00) ${pallets[0].sscc}`, pallets[0].identifier]);
    await waitForEmptyQueue(t, 30_000);
    const palletDone = await fetch(`${sim.url}/admin/received?kind=pallet.completed&limit=10`).then((r) => r.json() as Promise<{ data: Array<{ payload: any }> }>);
    expect(palletDone.data[0]!.payload).to.include({ sscc: pallets[0].sscc });
    expect(palletDone.data[0]!.payload.children).to.deep.equal([{ sscc: box.sscc, identifier: box.identifier }]);
  });
});
