import { expect } from 'chai';
import { confirmEjection } from '../../../adapters/store/ejection-store.js';
import { writeScanGroup } from '../../../adapters/store/scan-writer.js';
import { nextId } from '../../../src/domain/ids.js';
import { openTestEdgeDb, scanItem, type TestEdgeDb } from '../../support/edge-db.js';
import { validCode } from '../../support/scan-fixtures.js';

const AT = '2030-01-01T00:00:00.000Z';

describe('confirmEjection (reject safety: a REJECTION_FEEDBACK confirmation updates the unit)', () => {
  let store: TestEdgeDb;
  beforeEach(async () => {
    store = await openTestEdgeDb();
  });
  afterEach(async () => {
    await store.close();
  });

  const accept = async (seed: number) => {
    const item = scanItem(validCode(seed));
    const [result] = await writeScanGroup(store.db.writer, [item], nextId, AT);
    return { id: result!.bottleId!, code: item.bottle!.identificationCode };
  };
  const bottle = (id: string) => store.db.reader('bottles').where({ id }).first();
  const counts = async () => Object.fromEntries((await store.db.reader('bottle_status_counts')).map((c: { status: number; count: number }) => [c.status, c.count]));

  it('an accepted unit the safe state ejected becomes Rejected and its queued bottle.created is dropped (never reported)', async () => {
    const unit = await accept(1);
    expect(await confirmEjection(store.db.writer, unit.code, true, AT)).to.deep.include({ bottleId: unit.id, change: 'rejected_unreported' });
    expect(await bottle(unit.id)).to.deep.include({ status: 4, rejection_confirmed_at: AT });
    expect(await store.db.reader('outbox').where({ kind: 'bottle.created', ref_id: unit.id })).to.have.length(0);
    expect(await counts()).to.deep.include({ 0: 0, 4: 1 });
  });

  it('an already sent unit becomes Rejected with a bottle.status row for upstream', async () => {
    const unit = await accept(2);
    await store.db.writer('bottles').where({ id: unit.id }).update({ status: 2 });
    await store.db.writer('outbox').where({ ref_id: unit.id }).delete();
    await store.db.writer.raw('UPDATE bottle_status_counts SET count = count - 1 WHERE status = 0');
    await store.db.writer.raw('UPDATE bottle_status_counts SET count = count + 1 WHERE status = 2');
    expect(await confirmEjection(store.db.writer, unit.code, true, AT)).to.deep.include({ change: 'rejected_reported' });
    expect((await bottle(unit.id)).status).to.equal(4);
    expect((await store.db.reader('outbox').where({ kind: 'bottle.status' })).length).to.equal(1);
  });

  it('the ejection of a duplicate or an invalid read only records the confirmation: the stored (good) unit keeps its status', async () => {
    const unit = await accept(3);
    expect(await confirmEjection(store.db.writer, unit.code, false, AT)).to.deep.include({ change: 'confirmed', status: 'Created' });
    expect(await bottle(unit.id)).to.deep.include({ status: 0, rejection_confirmed_at: AT });
    expect(await store.db.reader('outbox').where({ kind: 'bottle.created', ref_id: unit.id })).to.have.length(1);
    expect(await confirmEjection(store.db.writer, '0104607001234562215ABCDEF', true, AT)).to.deep.equal({ bottleId: null, change: 'unknown_unit' });
  });
});
