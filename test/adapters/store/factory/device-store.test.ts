import { expect } from 'chai';
import { createDeviceStore } from '../../../../adapters/store/factory/device-store.js';
import { DomainError } from '../../../../src/domain/domain-error.js';
import { describeOnFactoryDbs } from '../../../support/factory-db.js';

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(DomainError);
  return error as DomainError;
}

describeOnFactoryDbs('device store', (ctx) => {
  beforeEach(() => ctx.reset());
  const devices = () => createDeviceStore(ctx.db);
  const T0 = '2025-03-10T09:00:00.000Z';

  it('creates, reads, lists, updates and deletes devices', async () => {
    const created = await devices().create({ id: 'edge-2', name: 'Line 2 edge', lineId: 'line-2', connectionMode: 'VIA_LOCAL_SERVER' }, T0);
    expect(created).to.deep.equal({
      id: 'edge-2',
      name: 'Line 2 edge',
      lineId: 'line-2',
      connectionMode: 'VIA_LOCAL_SERVER',
      description: null,
      tokenId: null,
      lastSeenAt: null,
      reported: null,
      createdAt: T0,
      updatedAt: T0,
    });
    await devices().create({ id: 'edge-1', name: 'Line 1 edge' }, T0);
    expect(await devices().get('edge-2')).to.deep.equal(created);
    expect(await devices().get('edge-9')).to.equal(null);
    expect((await devices().list()).map((d) => d.id)).to.deep.equal(['edge-1', 'edge-2']);

    const updated = await devices().update('edge-2', { name: 'Renamed', lineId: null, description: 'by the door' }, '2025-03-10T10:00:00.000Z');
    expect(updated).to.deep.include({ name: 'Renamed', lineId: null, connectionMode: 'VIA_LOCAL_SERVER', description: 'by the door', createdAt: T0, updatedAt: '2025-03-10T10:00:00.000Z' });
    expect(await devices().get('edge-2')).to.deep.equal(updated);

    expect(await devices().delete('edge-2')).to.equal(true);
    expect(await devices().get('edge-2')).to.equal(null);
    expect((await devices().list()).map((d) => d.id)).to.deep.equal(['edge-1']);
  });

  it('refuses a second device with the same id as a CONFLICT, keeping the first', async () => {
    await devices().create({ id: 'edge-1', name: 'First' }, T0);
    const error = await refusal(devices().create({ id: 'edge-1', name: 'Second' }));
    expect(error.kind).to.equal('CONFLICT');
    expect((await devices().get('edge-1'))!.name).to.equal('First');
  });

  it('answers NOT_FOUND for updating or issuing a token to an unknown device, false for deleting it', async () => {
    expect((await refusal(devices().update('ghost', { name: 'x' }))).kind).to.equal('NOT_FOUND');
    expect(await devices().delete('ghost')).to.equal(false);
    expect((await refusal(devices().setTokenId('ghost', 'jti-1'))).kind).to.equal('NOT_FOUND');
  });

  it('keeps the one valid token id: re-issuing replaces it, null revokes it', async () => {
    await devices().create({ id: 'edge-1', name: 'Edge' }, T0);
    expect(await devices().tokenIdOf('edge-1')).to.equal(null);
    await devices().setTokenId('edge-1', 'jti-1');
    await devices().setTokenId('edge-1', 'jti-2');
    expect(await devices().tokenIdOf('edge-1')).to.equal('jti-2');
    expect((await devices().get('edge-1'))!.tokenId).to.equal('jti-2');
    await devices().setTokenId('edge-1', null);
    expect(await devices().tokenIdOf('edge-1')).to.equal(null);
    expect(await devices().tokenIdOf('ghost')).to.equal(null);
  });

  it('records many heartbeats in one call: last seen only moves forward, a status replaces the stored one', async () => {
    await devices().create({ id: 'edge-1', name: 'One' }, T0);
    await devices().create({ id: 'edge-2', name: 'Two' }, T0);
    const status = { softwareVersion: '1.2.0', mode: 'VIA_LOCAL_SERVER', line: { state: 'running', accepted: 10 } };
    await devices().recordSeen([
      { deviceId: 'edge-1', at: Date.parse('2025-03-10T09:00:05.000Z'), reported: status },
      { deviceId: 'edge-2', at: '2025-03-10T09:00:03.000Z' },
      { deviceId: 'edge-1', at: Date.parse('2025-03-10T09:00:04.000Z') }, // older, in the same flush
      { deviceId: 'unknown', at: Date.parse('2025-03-10T09:00:05.000Z') },
    ]);
    expect(await devices().get('edge-1')).to.deep.include({ lastSeenAt: '2025-03-10T09:00:05.000Z', reported: status, updatedAt: T0 });
    expect(await devices().get('edge-2')).to.deep.include({ lastSeenAt: '2025-03-10T09:00:03.000Z', reported: null });

    await devices().recordSeen([{ deviceId: 'edge-1', at: Date.parse('2025-03-10T09:00:01.000Z'), reported: { mode: 'DIRECT_CLOUD' } }]);
    expect(await devices().get('edge-1')).to.deep.include({ lastSeenAt: '2025-03-10T09:00:05.000Z', reported: { mode: 'DIRECT_CLOUD' } });
    await devices().recordSeen([]);
    expect(await ctx.db('devices').whereNull('last_seen_at').count({ n: '*' }).then((r) => Number((r[0] as { n: number | string }).n))).to.equal(0);
  });

  it('survives a restart with its devices', async () => {
    await devices().create({ id: 'edge-1', name: 'Kept' }, T0);
    await ctx.reopen();
    expect((await devices().get('edge-1'))!.name).to.equal('Kept');
  });
});
