import { expect } from 'chai';
import { audited, queryAudit } from '../../../../adapters/store/factory/audit-log.js';
import { createSettingsStore } from '../../../../adapters/store/settings-store.js';
import { DomainError } from '../../../../src/domain/domain-error.js';
import { describeOnFactoryDbs } from '../../../support/factory-db.js';

describeOnFactoryDbs('audit log: a change and its entry in one transaction', (ctx) => {
  beforeEach(() => ctx.reset());
  const actor = { userId: 'user-1', username: 'manager' };
  const setting = async (key: string) => createSettingsStore(ctx.db).get(key);

  it('stores both on success', async () => {
    const result = await audited(ctx.db, { actor, action: 'thing.set', entityType: 'setting', entityId: 'k1' }, async (trx) => {
      await createSettingsStore(trx).set('k1', 42);
      return { result: 'done', after: { value: 42 } };
    });
    expect(result).to.equal('done');
    expect((await setting('k1'))?.value).to.equal(42);
    const [entry] = await queryAudit(ctx.db, { limit: 10 });
    expect(entry).to.include({ action: 'thing.set', entityId: 'k1', outcome: 'success', userId: 'user-1', username: 'manager' });
    expect(entry!.after).to.deep.equal({ value: 42 });
  });

  it('stores neither when the audit entry cannot be written', async () => {
    const broken = { actor, action: 'thing.set', entityType: null as unknown as string, entityId: 'k2' };
    let failed = false;
    await audited(ctx.db, broken, async (trx) => {
      await createSettingsStore(trx).set('k2', 1);
      return { result: null };
    }).catch(() => (failed = true));
    expect(failed).to.equal(true);
    expect(await setting('k2')).to.equal(null);
    expect(await queryAudit(ctx.db, { limit: 10 })).to.deep.equal([]);
  });

  it('a refusal leaves the change undone and is recorded as a failure; a crash is passed on unrecorded', async () => {
    const refuse = audited(ctx.db, { actor, action: 'thing.set', entityType: 'setting', entityId: 'k3' }, async (trx) => {
      await createSettingsStore(trx).set('k3', 1);
      throw new DomainError('CONFLICT', 'already set');
    });
    await refuse.then(
      () => expect.fail('should refuse'),
      (error: unknown) => expect(error).to.be.instanceOf(DomainError),
    );
    expect(await setting('k3')).to.equal(null);
    const [failure] = await queryAudit(ctx.db, { limit: 10 });
    expect(failure).to.include({ outcome: 'failure', entityId: 'k3', detail: 'CONFLICT: already set' });

    await audited(ctx.db, { actor, action: 'thing.set', entityType: 'setting', entityId: 'k4' }, async () => {
      throw new Error('disk on fire');
    }).catch(() => undefined);
    expect(await queryAudit(ctx.db, { entityId: 'k4', limit: 10 })).to.deep.equal([]);
  });
});
