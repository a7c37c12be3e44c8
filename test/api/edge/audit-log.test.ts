import { expect } from 'chai';
import type { JournalRecordEvent } from '../../../src/domain/journal-record.js';
import { formatMessage } from '../../../src/domain/i18n/messages.js';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { codes, createBottles } from '../../support/edge-fixtures.js';

const AUDIT = '/api/v1/audit-log';

describe('edge API: audit log', () => {
  let t: TestEdge;
  const journal: JournalRecordEvent[] = [];
  before(async () => {
    t = await startTestEdge({ scanners: [{ id: 'mock-1', transport: 'mock' }] });
    t.edge.system.bus.subscribe('journal.record', (event) => void journal.push(event));
  });
  after(() => t?.stop());

  const entries = async (query = '') => expectData(await t.request('GET', `${AUDIT}?limit=500${query}`, { token: t.tokens.manager })).items as any[];

  describe('authentication and roles', () => {
    itRequiresAuth(() => t, [{ method: 'GET', path: AUDIT, role: 'MANAGER' }]);
  });

  describe('what is recorded', () => {
    it('every mutating call, without code in the route: who, from where, what, outcome; hardware PUTs, connection mode, bottle status', async () => {
      expectData(await t.request('PUT', '/api/v1/scanners', { token: t.tokens.admin, body: [{ id: 'mock-1', transport: 'mock' }] }));
      expectData(await t.request('PUT', '/api/v1/connection/mode', { token: t.tokens.admin, body: { mode: 'VIA_LOCAL_SERVER' } }));
      const [bottle] = await createBottles(t, 1);
      expectData(await t.request('PATCH', `/api/v1/bottles/${bottle!.id}/status`, { token: t.tokens.manager, body: { status: 4 } }));

      const all = await entries();
      const put = all.find((e) => e.action === 'http.PUT /api/v1/scanners');
      expect(put).to.include({ username: 'admin', ip: '127.0.0.1', entityType: 'scanners', outcome: 'success', status: 200 });
      expect(put.userId).to.be.a('string');
      expect(all.find((e) => e.action === 'http.PUT /api/v1/connection/mode')).to.include({ username: 'admin', outcome: 'success' });
      expect(all.find((e) => e.action === 'http.POST /api/v1/bottles')).to.include({ username: 'operator', outcome: 'success', status: 201 });
      // The bottle status change: written in the change's transaction, with before and after, and only once.
      const status = all.filter((e) => e.entityId === bottle!.id);
      expect(status).to.have.length(1);
      expect(status[0]).to.deep.include({ action: 'bottle.status', username: 'manager', before: { status: 'Created' }, after: { status: 'Rejected' } });
    });

    it('a call refused for authorization is recorded as denied (with who, when known); a bad body or unknown route is not', async () => {
      expectError(await t.request('PUT', '/api/v1/connection/mode', { token: t.tokens.operator, body: { mode: 'DIRECT_CLOUD' } }), 403, 'FORBIDDEN');
      expectError(await t.request('POST', '/api/v1/batches', { body: { name: 'x' } }), 401, 'UNAUTHORIZED');
      expectValidationError(await t.request('PUT', '/api/v1/connection/mode', { token: t.tokens.admin, body: { mode: 'NOPE' } }));
      const denied = await entries('&outcome=denied');
      expect(denied.find((e) => e.action === 'http.PUT /api/v1/connection/mode')).to.include({ username: 'operator', status: 403 });
      expect(denied.find((e) => e.action === 'http.POST /api/v1/batches')).to.include({ username: null, userId: null, status: 401 });
      const modeCalls = (await entries()).filter((e) => e.action === 'http.PUT /api/v1/connection/mode');
      expect(modeCalls.map((e) => e.outcome)).to.deep.equal(['denied', 'success']); // the 400 left no row
    });

    it('scans are production data, not audited one row each', async () => {
      const before = (await entries()).length;
      for (const code of codes(5)) expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } }));
      expect((await entries()).length).to.equal(before);
    });

    it('logins and failed logins, aggregated: one row for the first failure of a flood, and journal records in ru and en', async () => {
      journal.length = 0;
      for (let i = 0; i < 4; i++) expectError(await t.request('POST', '/api/v1/auth/login', { body: { username: 'flooded', password: `guess-${i}` } }), 401, 'UNAUTHORIZED');
      expectData(await t.request('POST', '/api/v1/auth/login', { body: { username: 'operator', password: 'operator123' } }));
      const logins = await entries('&action=auth.login');
      const failures = logins.filter((e) => e.username === 'flooded');
      expect(failures).to.have.length(1);
      expect(failures[0]).to.include({ outcome: 'failure', ip: '127.0.0.1', userId: null });
      expect(logins[0]).to.include({ outcome: 'success', username: 'operator' });
      const keys = journal.map((e) => e.messageKey);
      expect(keys).to.deep.equal(['security.login_failed', 'security.login']);
      expect(journal[0]).to.include({ type: 'journal.record', category: 'security', severity: 'warning' });
      expect(formatMessage(journal[0]!.messageKey, journal[0]!.params, 'en')).to.equal('Failed login as flooded from 127.0.0.1');
      expect(formatMessage(journal[1]!.messageKey, journal[1]!.params, 'ru')).to.equal('Вход пользователя operator с адреса 127.0.0.1');
    });

    it('user changes go to the journal too', async () => {
      journal.length = 0;
      const created = expectData(
        await t.request('POST', '/api/v1/users', { token: t.tokens.admin, body: { username: 'journaled', displayName: 'J', role: 'OPERATOR', password: 'Shift-7-Line-pass' } }),
        201,
      );
      expectData(await t.request('PATCH', `/api/v1/users/${created.id}`, { token: t.tokens.admin, body: { disabled: true } }));
      expect(journal.map((e) => [e.messageKey, e.user])).to.deep.equal([
        ['security.user_created', 'admin'],
        ['security.user_disabled', 'admin'],
      ]);
      const rows = (await entries()).filter((e) => e.entityId === created.id);
      expect(rows.map((e) => e.action)).to.deep.equal(['user.update', 'user.create']); // one row each, from the store's transaction
      expect(rows[0]).to.include({ username: 'admin', ip: '127.0.0.1' });
      expect(JSON.stringify(rows)).to.not.match(/scrypt|Shift-7/);
    });
  });

  describe('filters and paging', () => {
    it('by user (id or name), action (exact or prefix), outcome, from/to; newest first; cursor pages through everything once', async () => {
      const all = await entries();
      expect(all.map((e) => e.id)).to.deep.equal([...all.map((e) => e.id)].sort((a, b) => b - a));
      const byName = await entries('&user=manager');
      expect(byName.length).to.be.greaterThan(0);
      expect(byName.every((e) => e.username === 'manager')).to.equal(true);
      expect(await entries(`&user=${byName[0].userId}`)).to.have.length(byName.filter((e) => e.userId === byName[0].userId).length);
      expect((await entries('&action=http.*')).every((e) => e.action.startsWith('http.'))).to.equal(true);
      expect((await entries('&action=user.')).every((e) => e.action.startsWith('user.'))).to.equal(true);
      expect(await entries('&action=http')).to.deep.equal([]); // exact: no action is just "http"
      expect((await entries('&outcome=failure')).every((e) => e.outcome === 'failure')).to.equal(true);
      expect(await entries('&from=2999-01-01T00:00:00Z')).to.deep.equal([]);
      expect(await entries('&to=2000-01-01T00:00:00Z')).to.deep.equal([]);

      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Array<{ id: number }>; nextCursor: string | null } = expectData(
          await t.request('GET', `${AUDIT}?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: t.tokens.admin }),
        );
        expect(page.items.length).to.be.at.most(3);
        seen.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).to.deep.equal(all.map((e) => e.id));
    });

    it('400 naming the parameter for bad filters', async () => {
      for (const [query, field] of [
        ['limit=0', 'limit'],
        ['limit=501', 'limit'],
        ['outcome=maybe', 'outcome'],
        ['from=yesterday', 'from'],
        ['cursor=abc', 'cursor'],
        ['sort=id', 'sort'],
      ]) {
        expectValidationError(await t.request('GET', `${AUDIT}?${query}`, { token: t.tokens.manager }), field);
      }
    });
  });
});
