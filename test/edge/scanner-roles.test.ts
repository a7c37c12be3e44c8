import { expect } from 'chai';
import type { ScanDecidedReply, ScanDecision } from '../../machines/edge/scan-line.machine.js';
import { listPallets } from '../../adapters/store/pallet-store.js';
import { BottleStatus } from '../../src/domain/bottle-status.js';
import type { ScannerRole } from '../../src/domain/scanner-role.js';
import type { EdgeEvent } from '../../src/edge/edge-events.js';
import { ask } from '../../src/runtime/ask.js';
import { expectData } from '../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../support/edge-harness.js';
import { codes } from '../support/edge-fixtures.js';

/** Every role through the real scan line, role handler, aggregation actor and SQLite. */
describe('edge: scanner roles end to end', () => {
  let t: TestEdge;
  const events: EdgeEvent[] = [];
  let off: () => void;
  before(async () => {
    // The generated codes are of many products: mixed cases on (one GTIN per box is tested in test/adapters/store/sscc-store.test.ts).
    t = await startTestEdge({ line: { batchSize: 2, palletSize: 2 }, aggregation: { mixedCases: true } });
    const bus = t.edge.system.bus;
    const offs = (['scan.decided', 'scanner.rejectionConfirmed', 'batch.changed'] as const).map((type) => bus.subscribe(type, (event) => events.push(event)));
    off = () => offs.forEach((o) => o());
  });
  after(async () => {
    off?.();
    await t?.stop();
  });

  async function scan(code: string, role: ScannerRole, source = `${role.toLowerCase()}-1`): Promise<ScanDecision> {
    const reply = await ask<ScanDecidedReply>(t.edge.system.scanLine(), (replyTo) => ({ type: 'SCAN', code, source, role, replyTo }));
    return reply.decisions[0]!;
  }
  const bottle = async (id: string) => expectData(await t.request('GET', `/api/v1/bottles/${id}`, { token: t.tokens.operator }));
  const decidedRoles = () => events.flatMap((e) => (e.type === 'scan.decided' ? [e.role] : []));

  it('ADD stores; REMOVE deletes; REJECTION rejects; REJECTION_FEEDBACK confirms on the bus', async () => {
    const [a, b, c] = codes(3);
    const added = await scan(a!, 'ADD');
    expect(added).to.include({ outcome: 'accepted', valid: true });
    await scan(b!, 'ADD');
    await scan(c!, 'ADD');

    expect(await scan(a!, 'REMOVE')).to.include({ outcome: 'accepted', message: 'Removed (was Created)' });
    expect((await bottle(added.bottleId!)).status).to.equal(BottleStatus.DELETED);
    expect(await scan(codes(1)[0]!, 'REMOVE')).to.include({ outcome: 'refused', message: 'Unknown code: no such unit on this line' });

    const rejected = await scan(b!, 'REJECTION');
    expect(rejected).to.include({ outcome: 'accepted', valid: true });
    expect((await bottle(rejected.bottleId!)).status).to.equal(BottleStatus.REJECTED);

    expect(await scan(b!, 'REJECTION_FEEDBACK', 'fb-1')).to.include({ outcome: 'accepted', message: 'Ejection confirmed' });
    const confirmation = events.find((e) => e.type === 'scanner.rejectionConfirmed');
    expect(confirmation).to.include({ code: b, scannerId: 'fb-1' });
    expect(decidedRoles()).to.include.members(['ADD', 'REMOVE', 'REJECTION', 'REJECTION_FEEDBACK']);
  });

  it('PACKAGE fills the open batch (line.batchSize), BOX stacks batches on a pallet (line.palletSize)', async () => {
    const list = codes(4);
    for (const code of list) await scan(code, 'ADD');
    const packed = [];
    for (const code of list) packed.push(await scan(code, 'PACKAGE'));
    expect(packed.map((d) => d.outcome)).to.deep.equal(['accepted', 'accepted', 'accepted', 'accepted']);
    expect(packed[1]!.message).to.match(/\(2\/2, complete\)$/);
    expect(events.filter((e) => e.type === 'batch.changed').map((e) => e.type === 'batch.changed' && e.action)).to.include.members(['created', 'bottles_added', 'completed']);

    const batch = /In batch (B-\d{4}-\d{6})/.exec(packed[0]!.message!)![1]!;
    expect(await scan(batch, 'BOX')).to.include({ outcome: 'accepted', valid: true });
    expect(await scan(list[3]!, 'BOX')).to.include({ outcome: 'accepted' });
    const [pallet] = await listPallets(t.edge.system.db.reader);
    expect(pallet).to.include({ status: 'complete', batchCount: 2 });
  });

  it('VERIFY_LOCAL_BUFFER consumes codes loaded over the API, once', async () => {
    const list = codes(2);
    expectData(await t.request('POST', '/api/v1/batch-accounting/buffer/load', { token: t.tokens.manager, body: { batchIdentifier: 'EXT-7', codes: list } }), 201);
    expect(await scan(list[0]!, 'VERIFY_LOCAL_BUFFER')).to.include({ outcome: 'accepted', message: 'Verified in batch EXT-7 (1 remaining)' });
    expect(await scan(list[0]!, 'VERIFY_LOCAL_BUFFER')).to.include({ outcome: 'duplicate', duplicate: true });
    expect(await scan(codes(1)[0]!, 'VERIFY_LOCAL_BUFFER')).to.include({ outcome: 'refused', message: 'Not in the batch-accounting buffer' });
    const summary = expectData(await t.request('GET', '/api/v1/batch-accounting/buffer', { token: t.tokens.operator }));
    expect(summary.batches.find((b: { batchIdentifier: string }) => b.batchIdentifier === 'EXT-7')).to.include({ loaded: 2, consumed: 1, remaining: 1 });
  });

  it('the role scans are in the scans table with their role; ADD scans have none', async () => {
    const rows: Array<{ role: string | null }> = await t.edge.system.db.reader('scans').select('role');
    const roles = new Set(rows.map((r) => r.role));
    expect([...roles].sort()).to.deep.equal([null, 'BOX', 'PACKAGE', 'REJECTION', 'REJECTION_FEEDBACK', 'REMOVE', 'VERIFY_LOCAL_BUFFER'].sort());
  });
});
