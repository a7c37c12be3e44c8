import { expect } from 'chai';
import { startZebraSimulator, type ZebraSimulator } from '../../adapters/printers/zebra-simulator.js';
import type { ScanDecidedReply, ScanDecision } from '../../machines/edge/scan-line.machine.js';
import type { CloudSim } from '../../src/cloud-sim/server.js';
import type { ScannerRole } from '../../src/domain/scanner-role.js';
import { isValidSscc } from '../../src/domain/codes/index.js';
import { ask } from '../../src/runtime/ask.js';
import { directCloudOverrides, getData, provisionThroughApi, startSim, waitForEmptyQueue } from '../support/direct-cloud.js';
import { startTestEdge, type TestEdge } from '../support/edge-harness.js';
import { waitFor } from '../support/wait-for.js';

const GS = '\u001d';
const GTIN = '04600840749372';
const milk = (serial: string) => `01${GTIN}21${serial}${GS}93abcd`;

/**
 * Issue 14 end to end: units scanned on the line, packed by a PACKAGE scanner until the box is full;
 * the closed box gets its SSCC label on the (simulated) Zebra printer, and its aggregation — parent
 * SSCC, children by GTIN + serial — arrives at the (simulated) OKTO Cloud.
 */
describe('e2e: a box closed with its SSCC label printed and its aggregation upstream', function () {
  this.timeout(60_000);
  let sim: CloudSim;
  let zebra: ZebraSimulator;
  let t: TestEdge;

  before(async () => {
    sim = await startSim();
    zebra = await startZebraSimulator();
    t = await startTestEdge(
      directCloudOverrides(sim, {
        line: { batchSize: 2 },
        printers: [{ id: 'label', model: 'ZEBRA_ZPL', name: 'Box labels', host: '127.0.0.1', port: zebra.port, backoff: { baseMs: 20, maxMs: 100 }, params: { statusPollMs: 10, idleStatusMs: 50, confirmTimeoutMs: 2000 } }],
        aggregation: { sscc: { companyPrefix: '4600840', extensionDigit: 0 }, labelPrinterId: 'label' },
      }),
    );
    await provisionThroughApi(t);
  });
  after(async () => {
    await t?.stop();
    await zebra?.stop();
    await sim?.close();
  });

  async function scan(code: string, role: ScannerRole): Promise<ScanDecision> {
    const reply = await ask<ScanDecidedReply>(t.edge.system.scanLine(), (replyTo) => ({ type: 'SCAN', code: `]d2${code}`, source: role.toLowerCase(), role, replyTo }));
    return reply.decisions[0]!;
  }

  it('prints the SSCC label (GS1-128 and text) and delivers batch.completed with the SSCC and the units', async () => {
    const units = [milk('E2E001'), milk('E2E002')];
    for (const code of units) expect((await scan(code, 'ADD')).outcome).to.equal('accepted');
    for (const code of units) expect((await scan(code, 'PACKAGE')).outcome).to.equal('accepted');

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
  });
});
