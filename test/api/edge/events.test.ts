import { expect } from 'chai';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { openWs } from '../../support/ws-client.js';

describe('edge API: journal /api/v1/events', () => {
  let t: TestEdge;

  before(async () => {
    t = await startTestEdge();
  });
  after(async () => {
    await t?.stop();
  });

  const publish = (severity: 'info' | 'warning' | 'alarm' | 'critical', category: 'scanner' | 'plc' | 'security' | 'ups', source: string, text: string) =>
    t.edge.system.bus.publish({ type: 'journal.record', severity, category, source, messageKey: 'operator.note', params: { text } });
  const flush = () => t.edge.system.journal.flush();

  describe('POST /api/v1/events (operator note)', () => {
    it('stores the note with the person and answers it rendered in Russian (en on ?lang=en)', async () => {
      const res = await t.request('POST', '/api/v1/events', { token: t.tokens.operator, body: { text: 'Смена принята' } });
      const entry = expectData(res, 201);
      expect(entry).to.include({ severity: 'info', category: 'operator', source: 'operator', user: 'operator', messageKey: 'operator.note', acknowledged: true, requiresAck: false });
      expect(entry.message).to.equal('Заметка оператора: Смена принята');
      expect(entry.tsUs).to.be.a('number').above(Date.now() * 1000 - 60e6);
      const en = expectData(await t.request('GET', `/api/v1/events/${entry.id}?lang=en`, { token: t.tokens.operator }));
      expect(en.message).to.equal('Operator note: Смена принята');
    });

    it('refuses a missing or empty text, a wrong type, unknown fields and malformed JSON with 400', async () => {
      for (const body of [{}, { text: '' }, { text: 5 }, { text: 'x', extra: 1 }, { text: 'x', severity: 'alarm' }]) {
        expectValidationError(await t.request('POST', '/api/v1/events', { token: t.tokens.operator, body }));
      }
      expectError(await t.request('POST', '/api/v1/events', { token: t.tokens.operator, rawBody: '{"text":' }), 400, 'VALIDATION_ERROR');
      expectValidationError(await t.request('POST', '/api/v1/events', { token: t.tokens.operator, body: { text: 'x'.repeat(2001) } }));
    });
  });

  describe('GET /api/v1/events', () => {
    before(async () => {
      for (let i = 0; i < 25; i++) publish(i % 5 === 0 ? 'alarm' : 'info', i % 2 === 0 ? 'scanner' : 'plc', 'list', `entry ${i}`);
      await flush();
    });

    it('lists newest first and pages with an opaque cursor, stable while entries are added', async () => {
      const first = expectData(await t.request('GET', '/api/v1/events?limit=10&source=list&category=scanner,plc', { token: t.tokens.operator }));
      expect(first.events).to.have.length(10);
      expect(first.events[0].params.text).to.equal('entry 24');
      const ids = first.events.map((e: { id: number }) => e.id);
      expect(ids).to.deep.equal([...ids].sort((a, b) => b - a));
      expect(first.nextCursor).to.be.a('string');
      // New entries arrive between pages: the next page goes on where the first stopped.
      publish('info', 'scanner', 'list', 'late');
      await flush();
      const second = expectData(await t.request('GET', `/api/v1/events?limit=10&source=list&category=scanner,plc&cursor=${first.nextCursor}`, { token: t.tokens.operator }));
      expect(second.events[0].params.text).to.equal('entry 14');
      const third = expectData(await t.request('GET', `/api/v1/events?limit=10&source=list&category=scanner,plc&cursor=${second.nextCursor}`, { token: t.tokens.operator }));
      expect(third.events.map((e: { params: { text: string } }) => e.params.text)).to.deep.equal(['entry 4', 'entry 3', 'entry 2', 'entry 1', 'entry 0']);
      expect(third.nextCursor).to.equal(null);
    });

    it('filters by severity, category, source, time range and acknowledgement', async () => {
      const alarms = expectData(await t.request('GET', '/api/v1/events?severity=alarm&source=list&limit=100', { token: t.tokens.operator })).events;
      expect(alarms.map((e: { params: { text: string } }) => e.params.text)).to.deep.equal(['entry 20', 'entry 15', 'entry 10', 'entry 5', 'entry 0']);
      expect(alarms.every((e: { acknowledged: boolean; requiresAck: boolean }) => !e.acknowledged && e.requiresAck)).to.equal(true);
      const open = expectData(await t.request('GET', '/api/v1/events?ack=false&source=list&limit=100', { token: t.tokens.operator })).events;
      expect(open.map((e: { id: number }) => e.id)).to.deep.equal(alarms.map((e: { id: number }) => e.id));
      const bySource = expectData(await t.request('GET', '/api/v1/events?source=list&category=plc', { token: t.tokens.operator })).events;
      expect(bySource.every((e: { source: string; category: string }) => e.source === 'list' && e.category === 'plc')).to.equal(true);
      expect(bySource.length).to.be.greaterThan(0);
      const all = expectData(await t.request('GET', '/api/v1/events?source=list&limit=100', { token: t.tokens.operator })).events;
      const middle = all[5];
      const window = expectData(await t.request('GET', `/api/v1/events?from_us=${middle.tsUs}&to_us=${middle.tsUs}`, { token: t.tokens.operator })).events;
      expect(window.map((e: { id: number }) => e.id)).to.deep.equal([middle.id]);
    });

    it('refuses a bad cursor, from_us after to_us, unknown values and unknown parameters with 400', async () => {
      const bad = [
        '?cursor=garbage',
        `?cursor=${Buffer.from(JSON.stringify(['bottles', '5.1'])).toString('base64url')}`,
        `?cursor=${Buffer.from(JSON.stringify(['events', 'x.1'])).toString('base64url')}`,
        '?from_us=20&to_us=10',
        '?from_us=yesterday',
        '?severity=fatal',
        '?category=kitchen',
        '?ack=maybe',
        '?limit=0',
        '?limit=100000',
        '?offset=10',
        '?page=2',
        '?lang=de',
      ];
      for (const query of bad) expectValidationError(await t.request('GET', `/api/v1/events${query}`, { token: t.tokens.operator }));
    });
  });

  describe('acknowledgement', () => {
    it('acknowledges one alarm with who and when; again keeps the first', async () => {
      publish('critical', 'ups', 'ups', 'battery');
      await flush();
      const [entry] = expectData(await t.request('GET', '/api/v1/events?severity=critical&ack=false', { token: t.tokens.operator })).events;
      expect(entry.acknowledged).to.equal(false);
      const acked = expectData(await t.request('POST', `/api/v1/events/${entry.id}/ack`, { token: t.tokens.operator }));
      expect(acked).to.include({ acknowledged: true, ackedBy: 'operator' });
      expect(acked.ackedAtUs).to.be.at.least(entry.tsUs);
      const again = expectData(await t.request('POST', `/api/v1/events/${entry.id}/ack`, { token: t.tokens.manager }));
      expect(again).to.include({ ackedBy: 'operator', ackedAtUs: acked.ackedAtUs });
    });

    it('answers 404 for an unknown entry and 400 for a malformed id or body', async () => {
      expectError(await t.request('POST', '/api/v1/events/99999999/ack', { token: t.tokens.operator }), 404, 'NOT_FOUND');
      expectError(await t.request('GET', '/api/v1/events/99999999', { token: t.tokens.operator }), 404, 'NOT_FOUND');
      expectValidationError(await t.request('GET', '/api/v1/events/abc', { token: t.tokens.operator }));
      expectValidationError(await t.request('POST', '/api/v1/events/1/ack', { token: t.tokens.operator, body: { by: 'x' } }));
    });

    it('ack-all acknowledges the open alarms the filters select, and only those', async () => {
      publish('alarm', 'plc', 'plc.a', 'a');
      publish('alarm', 'scanner', 'scanner.b', 'b');
      await flush();
      const res = expectData(await t.request('POST', '/api/v1/events/ack-all', { token: t.tokens.manager, body: { category: ['plc'] } }));
      expect(res.acknowledged).to.be.at.least(1);
      const openPlc = expectData(await t.request('GET', '/api/v1/events?ack=false&category=plc', { token: t.tokens.operator })).events;
      expect(openPlc).to.have.length(0);
      const openScanner = expectData(await t.request('GET', '/api/v1/events?ack=false&category=scanner', { token: t.tokens.operator })).events;
      expect(openScanner.length).to.be.greaterThan(0);
      expectValidationError(await t.request('POST', '/api/v1/events/ack-all', { token: t.tokens.manager, body: { from_us: 5, to_us: 1 } }));
      expectValidationError(await t.request('POST', '/api/v1/events/ack-all', { token: t.tokens.manager, body: { severity: 'alarm' } }));
      expectValidationError(await t.request('POST', '/api/v1/events/ack-all', { token: t.tokens.manager, body: { everything: true } }));
      const all = expectData(await t.request('POST', '/api/v1/events/ack-all', { token: t.tokens.admin }));
      expect(all.acknowledged).to.be.at.least(1);
      expect(expectData(await t.request('GET', '/api/v1/events?ack=false', { token: t.tokens.operator })).events).to.have.length(0);
    });
  });

  describe('GET /api/v1/events/export', () => {
    it('CSV: an attachment with a BOM, CRLF rows and RFC 4180 quoting of Russian text', async () => {
      publish('warning', 'security', 'export-test', 'Вход, "неудачный"\nвторая строка');
      await flush();
      const res = await fetch(`${t.url}/api/v1/events/export?format=csv&category=security`, { headers: { authorization: `Bearer ${t.tokens.operator}` } });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="journal-.*\.csv"$/);
      expect(res.headers.get('content-type')).to.match(/^text\/csv/);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8').slice(1);
      const [header, ...rest] = text.split('\r\n');
      expect(header).to.equal('id,timestamp,ts_us,severity,category,source,user,message,acknowledged,acked_by,acked_at');
      expect(rest.join('\r\n')).to.include('"Заметка оператора: Вход, ""неудачный""\nвторая строка"');
    });

    it('JSON: an array of entries (filters apply); XML: well formed with markup escaped', async () => {
      publish('info', 'security', 'export-test', '<b>&"x"</b>');
      await flush();
      // Only this suite's notes: logins of the test users are security entries too.
      const json = await fetch(`${t.url}/api/v1/events/export?format=json&category=security&source=export-test&lang=en`, { headers: { authorization: `Bearer ${t.tokens.operator}` } });
      expect(json.headers.get('content-disposition')).to.match(/^attachment; filename="journal-.*\.json"$/);
      const entries = (await json.json()) as Array<{ category: string; message: string }>;
      expect(entries.length).to.equal(2);
      expect(entries.every((e) => e.category === 'security')).to.equal(true);
      expect(entries[0]!.message).to.equal('Operator note: <b>&"x"</b>');
      const xml = await (await fetch(`${t.url}/api/v1/events/export?format=xml&category=security&source=export-test`, { headers: { authorization: `Bearer ${t.tokens.operator}` } })).text();
      expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<journal>\n')).to.equal(true);
      expect(xml.trimEnd().endsWith('</journal>')).to.equal(true);
      expect(xml).to.include('<message>Заметка оператора: &lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;</message>');
      expect((xml.match(/<event /g) ?? []).length).to.equal(2);
    });

    it('refuses an unknown or missing format and unknown parameters with 400', async () => {
      for (const query of ['?format=pdf', '', '?format=csv&limit=5', '?format=csv&from_us=9&to_us=1']) {
        expectValidationError(await t.request('GET', `/api/v1/events/export${query}`, { token: t.tokens.operator }));
      }
    });
  });

  it('/ws carries each new entry as an event message', async () => {
    const client = await openWs(`${t.url.replace(/^http/, 'ws')}/ws?token=${t.tokens.operator}`);
    try {
      publish('alarm', 'plc', 'plc.main', 'ws check');
      const message = await client.next((m) => m.type === 'event' && m.data.params?.text === 'ws check');
      expect(message.data).to.include({ severity: 'alarm', category: 'plc', source: 'plc.main', acknowledged: false });
      expect(message.data.id).to.be.a('number');
      expect(message.data.messages).to.deep.equal({ ru: 'Заметка оператора: ws check', en: 'Operator note: ws check' });
    } finally {
      await client.close();
    }
  });

  describe('auth', () => {
    itRequiresAuth(
      () => t,
      [
        { method: 'GET', path: '/api/v1/events' },
        { method: 'POST', path: '/api/v1/events', body: { text: 'x' } },
        { method: 'GET', path: '/api/v1/events/1' },
        { method: 'POST', path: '/api/v1/events/1/ack' },
        { method: 'POST', path: '/api/v1/events/ack-all', role: 'MANAGER' },
        { method: 'GET', path: '/api/v1/events/export?format=json' },
      ],
    );
  });
});
