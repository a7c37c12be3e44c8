import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActor, toPromise } from 'xstate';
import { createAggregationExecutor } from '../../../adapters/store/aggregation-store.js';
import { listPallets } from '../../../adapters/store/pallet-store.js';
import { writeScanGroup } from '../../../adapters/store/scan-writer.js';
import type { WorkOutcome } from '../../../machines/shared/serial-worker.machine.js';
import type { AggregationRequest } from '../../../src/domain/aggregation.js';
import { isValidSscc } from '../../../src/domain/codes/index.js';
import { nextId } from '../../../src/domain/ids.js';
import type { NonAddRole, RoleResult } from '../../../src/domain/scanner-role.js';
import { buildSscc, type AggregationSettings } from '../../../src/domain/sscc.js';
import { openTestEdgeDb, scanItem, type TestEdgeDb } from '../../support/edge-db.js';

const AT = new Date('2031-03-04T05:06:07.000Z');
const GS = '\u001d';
const PREFIX = { companyPrefix: '4600840', extensionDigit: 0, lineRange: '' };
/** Milk codes written by hand: two products (GTIN check digits 2 and 7 worked out by hand). */
const GTIN_A = '04600840749372';
const GTIN_B = '04607012345677';
const milk = (gtin: string, serial: string) => `01${gtin}21${serial}${GS}93abcd`;

describe('SSCC for boxes and pallets (adapters/store, migration 0007)', () => {
  let store: TestEdgeDb;
  let settings: AggregationSettings;
  beforeEach(async () => {
    store = await openTestEdgeDb();
    settings = { sscc: PREFIX, mixedCases: false };
  });
  afterEach(async () => {
    await store.close();
  });

  async function run(request: AggregationRequest): Promise<WorkOutcome> {
    const actor = createActor(createAggregationExecutor(store.db.writer, () => AT, () => settings), { input: request });
    const done = toPromise(actor);
    actor.start();
    return done;
  }
  const createBox = async () => ((await run({ op: 'createBatch', name: 'box', deviceId: 'edge-1', productionLineId: 'line-1', batchSize: 3, bottleIds: [] })).result as { batch: { sscc: string | null; identifier: string } }).batch;
  async function scan(role: NonAddRole, code: string): Promise<RoleResult> {
    const outcome = await run({ op: 'roleScan', role, item: scanItem(code, { source: role.toLowerCase() }), deviceId: 'edge-1', productionLineId: 'line-1', batchSize: 3, palletSize: 2 });
    return outcome.result as RoleResult;
  }
  const added = (codes: string[]) => writeScanGroup(store.db.writer, codes.map((c) => scanItem(c)), nextId, AT.toISOString());
  const outbox = async (kind: string) => (await store.db.reader('outbox').where({ kind }).orderBy('seq')).map((r) => JSON.parse(r.payload ?? '{}'));

  it('every box gets the next SSCC beside its B-… identifier; without a prefix, none', async () => {
    const first = await createBox();
    const second = await createBox();
    expect(first.identifier).to.match(/^B-2031-\d{6}$/);
    expect(first.sscc).to.equal(buildSscc(PREFIX, 1));
    expect(second.sscc).to.equal(buildSscc(PREFIX, 2));
    expect(isValidSscc(second.sscc!)).to.equal(true);
    expect((await outbox('batch.created'))[0]).to.include({ sscc: first.sscc, identifier: first.identifier });
    settings = { sscc: null, mixedCases: false };
    expect((await createBox()).sscc).to.equal(null);
  });

  it('the sequence survives a restart: no SSCC is handed out twice', async () => {
    const before = [await createBox(), await createBox()].map((b) => b.sscc);
    await store.reopen();
    const after = await createBox();
    expect(before).to.not.include(after.sscc);
    expect(after.sscc).to.equal(buildSscc(PREFIX, 3));
  });

  it('a box whose transaction rolls back takes its SSCC with it: the number was never stored nor printed, the next box gets it', async () => {
    await createBox();
    let error: unknown;
    try {
      await run({ op: 'createBatch', name: 'x', deviceId: null, productionLineId: null, batchSize: 3, bottleIds: ['no-such-bottle'] });
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/Bottles not found/);
    expect(await store.db.reader('batches').count({ n: '*' })).to.deep.equal([{ n: 1 }]);
    expect((await createBox()).sscc).to.equal(buildSscc(PREFIX, 2));
  });

  it('units go into a box by PACKAGE; completed box reports its SSCC and the units by GTIN + serial', async () => {
    const codes = [milk(GTIN_A, 'AAAAA1'), milk(GTIN_A, 'AAAAA2'), milk(GTIN_A, 'AAAAA3')];
    await added(codes);
    for (const code of codes) expect((await scan('PACKAGE', code)).outcome).to.equal('accepted');
    const [completed] = await outbox('batch.completed');
    expect(completed.sscc).to.equal(buildSscc(PREFIX, 1));
    expect(completed.children).to.deep.equal([
      { gtin: GTIN_A, serial: 'AAAAA1' },
      { gtin: GTIN_A, serial: 'AAAAA2' },
      { gtin: GTIN_A, serial: 'AAAAA3' },
    ]);
    const added1 = (await outbox('batch.bottles_added'))[0];
    expect(added1).to.include({ sscc: completed.sscc });
    expect(added1.children).to.deep.equal([{ gtin: GTIN_A, serial: 'AAAAA1' }]);
  });

  it('a box holds one GTIN unless mixed cases are enabled', async () => {
    const a = milk(GTIN_A, 'MIX001');
    const b = milk(GTIN_B, 'MIX002');
    await added([a, b]);
    await scan('PACKAGE', a);
    const refused = await scan('PACKAGE', b);
    expect(refused).to.include({ outcome: 'refused', reasonCode: 'MIXED_GTIN_IN_BOX' });
    expect(refused.message).to.equal(`Box B-2031-000001 already holds another product (GTIN ${GTIN_A}); mixed cases are off`);
    settings = { sscc: PREFIX, mixedCases: true };
    expect((await scan('PACKAGE', b)).outcome).to.equal('accepted');
  });

  it('a BOX scanner reads the SSCC label (GS1-128 or DataMatrix, AI 00); pallets get their own SSCC and report boxes by SSCC', async () => {
    const codes = [milk(GTIN_A, 'BOX001'), milk(GTIN_A, 'BOX002')];
    await added(codes);
    for (const code of codes) await scan('PACKAGE', code);
    const box = await store.db.reader('batches').first();
    const onPallet = await scan('BOX', `]C100${box.sscc}`);
    expect(onPallet.outcome, onPallet.message ?? '').to.equal('accepted');
    const [pallet] = await listPallets(store.db.reader);
    expect(pallet!.sscc).to.equal(buildSscc(PREFIX, 2));
    expect(pallet!.identifier).to.match(/^P-2031-\d{6}$/);
    const [batchesAdded] = await outbox('pallet.batches_added');
    expect(batchesAdded).to.include({ sscc: pallet!.sscc });
    expect(batchesAdded.children).to.deep.equal([{ sscc: box.sscc, identifier: box.identifier }]);
    expect(await scan('BOX', `00${box.sscc}`)).to.include({ outcome: 'duplicate' });
  });

  it('a BOX scanner refuses an SSCC with a wrong check digit, an unknown SSCC, or a broken label, naming why', async () => {
    const good = buildSscc(PREFIX, 77);
    const wrong = good.slice(0, 17) + String((Number(good[17]) + 1) % 10);
    expect(await scan('BOX', `00${wrong}`)).to.include({ outcome: 'refused', reasonCode: 'SSCC_CHECK_DIGIT', message: `SSCC ${wrong} check digit mismatch` });
    expect(await scan('BOX', `]C100${good}`)).to.include({ outcome: 'refused', reasonCode: 'UNKNOWN_SSCC', message: `Unknown SSCC ${good}: no such box on this line` });
    expect(await scan('BOX', `00${good}02ABC`)).to.include({ outcome: 'refused', reasonCode: 'NOT_SSCC_LABEL' });
  });

  it('unpacking a box reports batch.unpacked with its SSCC and the units that left; closing a partial pallet reports the boxes by SSCC', async () => {
    const codes = [milk(GTIN_A, 'UNP001'), milk(GTIN_A, 'UNP002')];
    await added(codes);
    for (const code of codes) await scan('PACKAGE', code);
    const box = await store.db.reader('batches').first();
    const unpacked = await run({ op: 'unpackBatch', batchId: box.id, unpackedBy: 'operator' });
    expect(unpacked.ok).to.equal(true);
    const [report] = await outbox('batch.unpacked');
    expect(report).to.include({ batchId: box.id, sscc: box.sscc, unpackedBy: 'operator' });
    expect(report.children).to.deep.equal([{ gtin: GTIN_A, serial: 'UNP001' }, { gtin: GTIN_A, serial: 'UNP002' }]);
    // Repacked into the same box (it is the line's open box again): same SSCC.
    for (const code of codes) expect((await scan('PACKAGE', code)).message).to.match(new RegExp(`^In batch ${box.identifier}`));
    expect(await scan('BOX', `00${box.sscc}`)).to.include({ outcome: 'accepted' });
    const [pallet] = await listPallets(store.db.reader);
    const closed = await run({ op: 'closePallet', palletId: pallet!.id, closedBy: 'operator' });
    expect(closed.events).to.deep.equal([{ type: 'pallet.changed', action: 'completed', palletId: pallet!.id, identifier: pallet!.identifier, batchCount: 1 }]);
    const [completed] = await outbox('pallet.completed');
    expect(completed).to.include({ sscc: pallet!.sscc, closedBy: 'operator', batchCount: 1 });
    expect(completed.children).to.deep.equal([{ sscc: box.sscc, identifier: box.identifier }]);
  });

  it('never reuses an SSCC across kill -9 of the process allocating them', async function () {
    this.timeout(60_000);
    await store.db.close();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(path.dirname(fileURLToPath(import.meta.url)), 'support/sscc-allocator-child.ts'), store.filename], { stdio: ['ignore', 'pipe', 'inherit'] });
    const printed: string[] = [];
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => resolve());
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        printed.push(...lines);
        if (printed.length >= 30 && child.exitCode === null && !child.killed) child.kill('SIGKILL');
      });
    });
    expect(printed.length).to.be.at.least(30);
    await store.reopen();
    const stored: string[] = (await store.db.reader('batches').select('sscc')).map((r) => r.sscc);
    for (const sscc of printed) expect(stored, 'every SSCC reported as committed is stored').to.include(sscc);
    const next = [await createBox(), await createBox()].map((b) => b.sscc!);
    for (const sscc of next) expect(stored).to.not.include(sscc);
    expect(new Set([...stored, ...next]).size).to.equal(stored.length + next.length);
  });
});
