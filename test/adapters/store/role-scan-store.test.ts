import { expect } from 'chai';
import { createActor, toPromise } from 'xstate';
import { createAggregationExecutor } from '../../../adapters/store/aggregation-store.js';
import { listPallets } from '../../../adapters/store/pallet-store.js';
import { writeScanGroup } from '../../../adapters/store/scan-writer.js';
import type { WorkOutcome } from '../../../machines/shared/serial-worker.machine.js';
import type { AggregationRequest, BatchChangedEvent } from '../../../src/domain/aggregation.js';
import { BottleStatus } from '../../../src/domain/bottle-status.js';
import { nextId } from '../../../src/domain/ids.js';
import type { NonAddRole, RoleResult } from '../../../src/domain/scanner-role.js';
import { openTestEdgeDb, scanItem, type TestEdgeDb } from '../../support/edge-db.js';
import { invalidCode, validCode } from '../../support/scan-fixtures.js';

const AT = new Date('2031-03-04T05:06:07.000Z');
const YEAR = AT.getUTCFullYear();
const { CREATED, IN_BATCH, SYNCED, REJECTED, DELETED } = BottleStatus;

describe('role scans in the aggregation executor (SQLite)', () => {
  let store: TestEdgeDb;
  let seed = 5000;
  beforeEach(async () => {
    store = await openTestEdgeDb();
  });
  afterEach(async () => {
    await store.close();
  });

  async function run(request: AggregationRequest): Promise<WorkOutcome> {
    const actor = createActor(createAggregationExecutor(store.db.writer, () => AT), { input: request });
    const done = toPromise(actor);
    actor.start();
    return done;
  }
  const sizes = { batchSize: 3 as number | null, palletSize: 2 as number | null };
  async function scan(role: NonAddRole, code: string, source = `${role.toLowerCase()}-1`) {
    const outcome = await run({ op: 'roleScan', role, item: scanItem(code, { source }), deviceId: 'edge-1', productionLineId: 'line-1', ...sizes });
    expect(outcome.ok).to.equal(true);
    return { ...(outcome.result as RoleResult), events: (outcome.events ?? []) as BatchChangedEvent[] };
  }
  /** Codes stored by ADD (the scan writer), Created. */
  async function added(n: number): Promise<string[]> {
    const codes = Array.from({ length: n }, () => validCode(seed++));
    await writeScanGroup(store.db.writer, codes.map((c) => scanItem(c)), nextId, AT.toISOString());
    return codes;
  }
  const bottle = (code: string) => store.db.reader('bottles').where({ identification_code: scanItem(code).bottle!.identificationCode }).first();
  const outbox = async (kind: string) => (await store.db.reader('outbox').where({ kind }).orderBy('seq')).map((r) => JSON.parse(r.payload ?? '{}'));
  const lastScan = () => store.db.reader('scans').orderBy('id', 'desc').first();
  const counts = async () => Object.fromEntries((await store.db.reader('bottle_status_counts')).map((r) => [r.status, r.count]));

  describe('REMOVE', () => {
    it('marks a known unit Deleted with a bottle.status outbox row and a scans row carrying the role', async () => {
      const [code] = await added(1);
      const result = await scan('REMOVE', code!);
      const row = await bottle(code!);
      expect(result).to.include({ outcome: 'accepted', bottleId: row.id, message: 'Removed (was Created)' });
      expect(row.status).to.equal(DELETED);
      expect(await outbox('bottle.status')).to.deep.equal([{ bottleId: row.id, identifier: row.identifier, from: CREATED, to: DELETED, at: AT.toISOString() }]);
      expect(await lastScan()).to.include({ role: 'REMOVE', outcome: 'accepted', bottle_id: row.id, source: 'remove-1' });
      expect(await counts()).to.include({ [CREATED]: 0, [DELETED]: 1 });
    });

    it('an unknown code is refused with the reason (recorded, nothing changed); a second REMOVE is a duplicate', async () => {
      const unknown = await scan('REMOVE', validCode(seed++));
      expect(unknown).to.include({ outcome: 'refused', bottleId: null, message: 'Unknown code: no such unit on this line', reasonCode: 'UNKNOWN_UNIT' });
      expect(await lastScan()).to.include({ role: 'REMOVE', outcome: 'refused', reason: 'Unknown code: no such unit on this line', reason_code: 'UNKNOWN_UNIT', reason_params: '{}' });
      const [code] = await added(1);
      await scan('REMOVE', code!);
      expect(await scan('REMOVE', code!)).to.include({ outcome: 'duplicate', message: 'Already removed', reasonCode: 'ALREADY_REMOVED' });
    });

    it('an invalid code is recorded as invalid; an illegal move (Synced → Deleted) is refused and rolled back', async () => {
      expect(await scan('REMOVE', invalidCode(seed++))).to.include({ outcome: 'invalid', message: 'GTIN check digit mismatch' });
      // An invalid code keeps the validator's reason code in the stored row.
      expect(await lastScan()).to.include({ outcome: 'invalid', reason_code: 'CHECK_DIGIT', reason_params: '{"field":"GTIN"}' });
      const [code] = await added(1);
      await store.db.writer('bottles').where({ identification_code: scanItem(code!).bottle!.identificationCode }).update({ status: SYNCED });
      const result = await scan('REMOVE', code!);
      expect(result.outcome).to.equal('refused');
      expect(result.message).to.match(/Illegal status change Synced → Deleted/);
      expect((await bottle(code!)).status).to.equal(SYNCED);
      expect(await outbox('bottle.status')).to.deep.equal([]);
      expect(await lastScan()).to.include({ role: 'REMOVE', outcome: 'refused' });
    });
  });

  describe('REJECTION and REJECTION_FEEDBACK', () => {
    it('REJECTION marks a known unit Rejected; an unknown unit is only recorded; a repeat is a duplicate', async () => {
      const [code] = await added(1);
      expect(await scan('REJECTION', code!)).to.include({ outcome: 'accepted', message: 'Rejected (was Created)' });
      expect((await bottle(code!)).status).to.equal(REJECTED);
      expect(await scan('REJECTION', code!)).to.include({ outcome: 'duplicate', message: 'Already rejected' });
      expect(await scan('REJECTION', validCode(seed++))).to.include({ outcome: 'accepted', bottleId: null, message: 'Ejection recorded (not a stored unit)' });
      expect(await lastScan()).to.include({ role: 'REJECTION', outcome: 'accepted' });
    });

    it('REJECTION_FEEDBACK records the confirmation and changes no status', async () => {
      const [code] = await added(1);
      const row = await bottle(code!);
      expect(await scan('REJECTION_FEEDBACK', code!)).to.include({ outcome: 'accepted', bottleId: row.id, message: 'Ejection confirmed' });
      expect((await bottle(code!)).status).to.equal(CREATED);
      expect(await lastScan()).to.include({ role: 'REJECTION_FEEDBACK', outcome: 'accepted', bottle_id: row.id });
    });
  });

  describe('VERIFY_LOCAL_BUFFER and the buffer', () => {
    it('consumes a loaded code once; a code not loaded is refused; a consumed one is a duplicate', async () => {
      const codes = Array.from({ length: 3 }, () => validCode(seed++));
      const load = await run({ op: 'bufferLoad', batchIdentifier: 'EXT-1', codes: codes.map((c) => ({ code: c, identificationCode: scanItem(c).bottle!.identificationCode })) });
      expect(load.result).to.deep.equal({ batchIdentifier: 'EXT-1', loaded: 3, consumed: 0, remaining: 3, loadedAt: AT.toISOString(), added: 3 });

      expect(await scan('VERIFY_LOCAL_BUFFER', codes[0]!)).to.include({ outcome: 'accepted', message: 'Verified in batch EXT-1 (2 remaining)' });
      const again = await scan('VERIFY_LOCAL_BUFFER', codes[0]!);
      expect(again.outcome).to.equal('duplicate');
      expect(again.message).to.equal(`Already consumed from batch EXT-1 at ${AT.toISOString()} by verify_local_buffer-1`);
      expect(await scan('VERIFY_LOCAL_BUFFER', validCode(seed++))).to.include({ outcome: 'refused', message: 'Not in the batch-accounting buffer' });
      expect(await lastScan()).to.include({ role: 'VERIFY_LOCAL_BUFFER', outcome: 'refused' });
    });

    it('loads a local batch by identifier; a repeated load adds only what is missing; another batch may not take its codes', async () => {
      const codes = await added(2);
      const ids = await Promise.all(codes.map(async (c) => (await bottle(c)).id as string));
      const created = await run({ op: 'createBatch', name: 'B', deviceId: 'edge-1', productionLineId: 'line-1', batchSize: null, bottleIds: ids });
      const identifier = (created.result as { batch: { identifier: string } }).batch.identifier;
      expect((await run({ op: 'bufferLoad', batchIdentifier: identifier, codes: null })).result).to.include({ loaded: 2, added: 2 });
      await run({ op: 'bufferVerify', identificationCode: scanItem(codes[0]!).bottle!.identificationCode, consumedBy: 'op-1' });
      expect((await run({ op: 'bufferLoad', batchIdentifier: identifier, codes: null })).result).to.include({ loaded: 2, consumed: 1, remaining: 1, added: 0 });

      const taken = { code: codes[1]!, identificationCode: scanItem(codes[1]!).bottle!.identificationCode };
      const conflict = await run({ op: 'bufferLoad', batchIdentifier: 'OTHER', codes: [taken] }).catch((e: unknown) => e);
      expect(conflict).to.have.property('kind', 'CONFLICT');
      const missing = await run({ op: 'bufferLoad', batchIdentifier: 'B-2031-999999', codes: null }).catch((e: unknown) => e);
      expect(missing).to.have.property('kind', 'NOT_FOUND');
      expect((await run({ op: 'bufferClear', batchIdentifier: identifier })).result).to.deep.equal({ batchIdentifier: identifier, removed: 2 });
    });
  });

  describe('PACKAGE', () => {
    it('opens a batch of line.batchSize when none is open, fills it, completes it, and opens the next', async () => {
      const codes = await added(4);
      const first = await scan('PACKAGE', codes[0]!);
      expect(first.outcome).to.equal('accepted');
      expect(first.message).to.match(/^In batch B-2031-\d{6} \(1\/3\)$/);
      expect(first.events.map((e) => e.action)).to.deep.equal(['created', 'bottles_added']);
      await scan('PACKAGE', codes[1]!);
      const third = await scan('PACKAGE', codes[2]!);
      expect(third.message).to.match(/\(3\/3, complete\)$/);
      expect(third.events.map((e) => e.action)).to.deep.equal(['bottles_added', 'completed']);
      const fourth = await scan('PACKAGE', codes[3]!);
      expect(fourth.events.map((e) => e.action)).to.deep.equal(['created', 'bottles_added']);

      const batches = await store.db.reader('batches').orderBy('identifier');
      expect(batches.map((b) => [b.status, b.bottle_count, b.batch_size, b.device_id, b.name])).to.deep.equal([
        ['complete', 3, 3, 'edge-1', 'Packed by package-1'],
        ['in_progress', 1, 3, 'edge-1', 'Packed by package-1'],
      ]);
      expect((await bottle(codes[0]!)).status).to.equal(IN_BATCH);
      expect(await lastScan()).to.include({ role: 'PACKAGE', outcome: 'accepted' });
    });

    it('a unit already in the open batch is a duplicate; in another batch, unknown or Deleted: refused', async () => {
      const codes = await added(4);
      await scan('PACKAGE', codes[0]!);
      expect((await scan('PACKAGE', codes[0]!)).message).to.match(/^Already in batch B-/);
      expect((await scan('PACKAGE', codes[0]!)).outcome).to.equal('duplicate');
      expect(await scan('PACKAGE', validCode(seed++))).to.include({ outcome: 'refused', message: 'Unknown code: no such unit on this line' });
      await scan('REMOVE', codes[1]!);
      const deleted = await scan('PACKAGE', codes[1]!);
      expect(deleted).to.include({ outcome: 'refused', message: 'Bottles in this status cannot join a batch' });
      expect((await bottle(codes[1]!)).status).to.equal(DELETED);
      // Fill and complete the open batch, then a unit of it seen again belongs to a closed batch.
      await scan('PACKAGE', codes[2]!);
      await scan('PACKAGE', codes[3]!);
      expect((await scan('PACKAGE', codes[2]!)).message).to.match(/^Already packed in batch B-/);
    });
  });

  describe('BOX', () => {
    it('puts a batch (by its case label or any unit code) on the open pallet, closing the case; full pallets complete', async () => {
      const codes = await added(5);
      for (const code of codes) await scan('PACKAGE', code);
      const [full, partial] = await store.db.reader('batches').orderBy('identifier');
      const boxed = await scan('BOX', full.identifier);
      expect(boxed.outcome).to.equal('accepted');
      expect(boxed.message).to.match(new RegExp(`^Batch ${full.identifier} on pallet P-${YEAR}-\\d{6} \\(1/2\\)$`));
      expect(boxed.events).to.deep.equal([]);
      expect(await scan('BOX', full.identifier)).to.include({ outcome: 'duplicate' });

      // A unit of the partial (in progress) batch: the case is closed and goes on the pallet, which is now full.
      const second = await scan('BOX', codes[4]!);
      expect(second.message).to.match(/\(2\/2, complete\)$/);
      // The case completes, then the pallet (pallet.changed since issue 14: the pallet label prints on it).
      expect(second.events.map((e) => `${e.type} ${e.action}`)).to.deep.equal(['batch.changed completed', 'pallet.changed completed']);
      expect((await store.db.reader('batches').where({ id: partial.id }).first()).status).to.equal('complete');

      const [pallet] = await listPallets(store.db.reader);
      expect(pallet).to.include({ status: 'complete', batchCount: 2, palletSize: 2, deviceId: 'edge-1' });
      expect((await outbox('pallet.created')).map((p) => p.identifier)).to.deep.equal([pallet!.identifier]);
      expect((await outbox('pallet.batches_added')).map((p) => p.batchCount)).to.deep.equal([1, 2]);
      expect(await outbox('pallet.completed')).to.have.length(1);
      // On a complete pallet: refused, not a duplicate.
      expect((await scan('BOX', full.identifier)).outcome).to.equal('refused');
    });

    it('refuses an unknown batch, a unit in no batch, an unknown unit; records an invalid read as invalid', async () => {
      const [code] = await added(1);
      expect(await scan('BOX', 'B-2031-999999')).to.include({ outcome: 'refused', message: 'Unknown batch B-2031-999999' });
      expect(await scan('BOX', code!)).to.include({ outcome: 'refused', message: 'The unit is in no batch: pack it first' });
      expect(await scan('BOX', validCode(seed++))).to.include({ outcome: 'refused' });
      expect(await scan('BOX', 'garbage')).to.include({ outcome: 'invalid' });
      expect(await lastScan()).to.include({ role: 'BOX', outcome: 'invalid', code: 'garbage' });
      expect(await listPallets(store.db.reader)).to.deep.equal([]);
    });
  });
});
