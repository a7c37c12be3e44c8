import { mkdirSync } from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { type EdgeConfig } from '../../src/edge/config.js';
import { CHROMIUM_MISSING, hasChromium, launchBrowser, screenshotOnFailure, seriousA11yViolations, type TestBrowser } from '../support/browser.js';
import { startTestEdge, type TestEdge } from '../support/edge-harness.js';
import { codes, createBatch, createBottles } from '../support/edge-fixtures.js';
import { peerMissing } from '../support/peers.js';
import { invalidCode } from '../support/scan-fixtures.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The operator HMI in a real Chromium against a real edge: login, the live feed, line
 * operations, alarms, find a code, both languages, an edge restart, a burst of scans, and an
 * accessibility check of each screen. One browser for the file; each test its own context.
 * `OKTO_SCREENSHOTS=1` also writes the README's screenshots to docs/screenshots/.
 */
describe('edge HMI in Chromium', function () {
  this.timeout(90_000);
  if (!hasChromium()) {
    peerMissing(CHROMIUM_MISSING);
    return;
  }

  let browser: TestBrowser;
  let edge: TestEdge | null = null;
  let page: Page | null = null;
  let cspViolations: string[] = [];
  const data = tempDir('okto-hmi-edge-');
  const startEdge = (port = 0) =>
    startTestEdge({ server: { port, host: '127.0.0.1' }, line: { batchSize: 10 } }, { dataDir: data.dir } as Partial<EdgeConfig>);
  const e = () => edge!;

  before(async () => {
    [browser, edge] = await Promise.all([launchBrowser(), startEdge()]);
  });
  afterEach(async function () {
    await screenshotOnFailure(this, page);
    await page?.context().close();
    page = null;
  });
  after(async () => {
    await browser?.close();
    await edge?.stop();
    data.cleanup();
  });

  async function openLoggedIn(user = 'operator', password = `${user}123`, viewport?: { width: number; height: number }): Promise<Page> {
    const opened = await browser.page(viewport);
    page = opened.page;
    cspViolations = opened.cspViolations;
    await page.goto(`${e().url}/`);
    await page.fill('input[name=username]', user);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=whoami]');
    return page;
  }
  const scan = async (code: string) => {
    const res = await e().request('POST', '/api/v1/scanner/scan', { token: e().tokens.operator, body: { code } });
    expect(res.status).to.equal(200);
    return res.body.data as { outcome: string };
  };
  /** The class of the feed row of `code` once it is there (codes hold quotes and GS: no CSS selector). */
  const feedRow = async (p: Page, code: string, timeout: number) => {
    const handle = await p.waitForFunction(
      (wanted) => [...document.querySelectorAll('[data-testid=feed] tr')].find((tr) => tr.getAttribute('data-code') === wanted)?.className ?? null,
      code,
      { timeout },
    );
    return (await handle.jsonValue()) as string;
  };
  const endpointExists = async (path: string) => (await e().request('GET', path, { token: e().tokens.operator })).status !== 404;
  const shoot = async (p: Page, name: string) => {
    if (!process.env.OKTO_SCREENSHOTS) return;
    mkdirSync('docs/screenshots', { recursive: true });
    await p.waitForTimeout(1500); // the counters refetch a second after the scans
    await p.screenshot({ path: `docs/screenshots/${name}.png` });
  };

  it('log in: a wrong password reads as words in Russian, the right one opens the line screen', async () => {
    const opened = await browser.page();
    page = opened.page;
    await page.goto(`${e().url}/`);
    await page.fill('input[name=username]', 'operator');
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Неверное имя пользователя или пароль');
    await page.fill('input[name=password]', 'operator123');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=whoami]');
    expect(await page.textContent('[data-testid=whoami]')).to.contain('Оператор');
    await page.waitForSelector('[data-testid=line-state]');
    // An operator sees no setup and no users.
    expect(await page.locator('nav.tabs a[href="#/setup"]').count()).to.equal(0);
    expect(await page.locator('nav.tabs a[href="#/users"]').count()).to.equal(0);
  });

  it('a scanned code is in the feed within 1 s: accepted green, a bad check digit red with the reason in words, a repeat says duplicate', async () => {
    const p = await openLoggedIn();
    await p.waitForFunction(() => document.querySelector('[data-testid=feed]') !== null);
    // Let the socket open before the scan (the feed is live, not polled).
    await p.waitForTimeout(300);
    const [good] = codes(1);
    const bad = invalidCode(7);

    const accepted = await scan(good!);
    expect(accepted.outcome).to.equal('accepted');
    expect(await feedRow(p, good!, 1000)).to.equal('accepted');
    expect(await p.getAttribute('[data-testid=last-unit]', 'class')).to.contain('accepted');
    expect(await p.textContent('[data-testid=last-unit]')).to.contain('ПРИНЯТ');

    expect((await scan(bad)).outcome).to.equal('invalid');
    expect(await feedRow(p, bad, 1000)).to.equal('rejected');
    expect(await p.textContent('[data-testid=last-reason]')).to.equal('Неверная контрольная цифра в поле GTIN');
    const color = await p.$eval('[data-testid=last-unit]', (el) => getComputedStyle(el).backgroundColor);
    expect(color).to.equal('rgb(107, 17, 17)');

    expect((await scan(good!)).outcome).to.equal('duplicate');
    await p.waitForFunction(() => document.querySelector('[data-testid=last-unit]')?.getAttribute('data-outcome') === 'duplicate', null, { timeout: 1000 });
    expect(await p.textContent('[data-testid=last-reason]')).to.equal('Повтор кода');
    await shoot(p, 'hmi-line');
  });

  it('a burst of 300 scans: the feed stays bounded (200 rows), shows the newest, and the page keeps answering', async () => {
    const p = await openLoggedIn();
    await p.waitForTimeout(300);
    const burst = codes(300);
    for (let i = 0; i < burst.length; i += 50) await Promise.all(burst.slice(i, i + 50).map((code) => scan(code)));
    const last = burst[burst.length - 1]!;
    await feedRow(p, last, 5000);
    expect(await p.locator('[data-testid=feed] tr').count()).to.be.at.most(200);
    // Still interactive: a tab switch renders at once.
    await p.click('nav.tabs a[href="#/find"]');
    await p.waitForSelector('[data-testid=find-input]', { timeout: 2000 });
  });

  it('English: the switch changes every text and survives a reload', async () => {
    const p = await openLoggedIn();
    await p.click('.topbar .lang button:has-text("EN")');
    await p.waitForSelector('nav.tabs a:has-text("Find a code")');
    expect(await p.textContent('[data-testid=whoami]')).to.contain('Operator');
    await p.reload();
    await p.waitForSelector('nav.tabs a:has-text("Journal")');
    expect(await p.getAttribute('html', 'lang')).to.equal('en');
    await p.click('.topbar .lang button:has-text("RU")');
    await p.waitForSelector('nav.tabs a:has-text("Журнал")');
  });

  it('find a code: a stored code shows its status and box, an unknown one says the line does not hold it', async () => {
    const [stored, unknown] = codes(2);
    await scan(stored!);
    const p = await openLoggedIn();
    await p.click('nav.tabs a[href="#/find"]');
    await p.fill('[data-testid=find-input]', stored!);
    await p.press('[data-testid=find-input]', 'Enter');
    await p.waitForSelector('[data-testid=find-result][data-found=true]');
    expect(await p.textContent('[data-testid=find-status]')).to.be.oneOf(['Создан', 'В коробе', 'Отправлен', 'Синхронизирован']);
    await shoot(p, 'hmi-find');
    await p.fill('[data-testid=find-input]', unknown!);
    await p.press('[data-testid=find-input]', 'Enter');
    await p.waitForSelector('[data-testid=find-result][data-found=false]');
    expect(await p.textContent('[data-testid=find-result]')).to.contain('Код корректен, но ещё не сканировался');
    await p.fill('[data-testid=find-input]', 'not a marking code');
    await p.press('[data-testid=find-input]', 'Enter');
    await p.waitForSelector('[data-testid=find-result]:has-text("Код не прошёл проверку")');
  });

  it('the open box: its progress, and Close (confirmed) ends it (needs POST /api/v1/batches/{id}/close)', async function () {
    const bottles = await createBottles(e(), 4);
    const batch = await createBatch(e(), bottles.map((b) => b.id), { name: 'UI box', batchSize: 10 });
    const probe = await e().request('POST', '/api/v1/batches/no-such-batch/close', { token: e().tokens.operator, body: {} });
    if (probe.status === 404 && /^No route/.test(probe.body.error.message)) {
      this.test!.title += ' — pending: this branch has no POST /api/v1/batches/{id}/close yet (journal branch)';
      return this.skip();
    }
    const p = await openLoggedIn('manager', 'manager123');
    await p.waitForSelector(`[data-testid=box-id]:has-text("${batch.batch.identifier}")`);
    expect(await p.getAttribute('[role=progressbar]', 'aria-valuenow')).to.equal('40');
    await p.click('button:has-text("Закрыть короб")');
    await p.click('.modal button:has-text("Подтвердить")');
    await p.waitForSelector('text=Нет открытого короба');
    const closed = await e().request('GET', `/api/v1/batches/${batch.batch.id}`, { token: e().tokens.operator });
    expect(closed.body.data.batch.status).to.equal('complete');
  });

  it('pause and resume from the panel (needs POST /api/v1/line/pause|resume)', async function () {
    if (!(await endpointExists('/api/v1/line/status'))) {
      this.test!.title += ' — pending: this branch has no /api/v1/line endpoints yet (journal branch)';
      return this.skip();
    }
    const p = await openLoggedIn();
    await p.click('[data-testid=pause]');
    await p.click('.modal button:has-text("Переналадка")');
    await p.waitForSelector('[data-testid=line-state][data-state=paused]');
    expect(await p.textContent('[data-testid=line-reason]')).to.contain('Переналадка');
    const status = await e().request('GET', '/api/v1/line/status', { token: e().tokens.operator });
    expect(status.body.data.state).to.equal('paused');
    await p.click('[data-testid=resume]');
    await p.waitForSelector('[data-testid=line-state][data-state=running]');
  });

  it('an alarm shows in the banner and is acknowledged from it (needs the journal: GET /api/v1/events)', async function () {
    if (!(await endpointExists('/api/v1/events'))) {
      this.test!.title += ' — pending: this branch has no /api/v1/events yet (journal branch)';
      return this.skip();
    }
    const p = await openLoggedIn();
    await p.waitForTimeout(300);
    e().edge.system.bus.publish({ type: 'journal.record', severity: 'alarm', category: 'printer', source: 'printer.p1', messageKey: 'operator.note', params: { text: 'printer p1 jammed' } });
    await p.waitForSelector('[data-testid=alarm-banner]', { timeout: 3000 });
    expect(await p.textContent('[data-testid=alarm-banner]')).to.contain('printer p1 jammed');
    await p.click('[data-testid=alarm-banner] button:has-text("Квитировать")');
    await p.waitForSelector('[data-testid=alarm-banner]', { state: 'detached' });
    const open = await e().request('GET', '/api/v1/events?ack=false&severity=alarm', { token: e().tokens.operator });
    expect(open.body.data.events).to.have.length(0);
  });

  it('users: an admin adds a user, who must change the password before the panel opens (needs /api/v1/users)', async function () {
    if (!(await endpointExists('/api/v1/users'))) {
      this.test!.title += ' — pending: this branch has no /api/v1/users yet (auth branch)';
      return this.skip();
    }
    const p = await openLoggedIn('admin', 'admin123');
    await p.goto(`${e().url}/#/users`);
    const form = p.locator('form.card.stack').last();
    await form.locator('input').nth(0).fill('shift.lead');
    await form.locator('input').nth(1).fill('Shift Lead');
    await form.locator('input').nth(2).fill('Very-long-passw0rd!');
    await form.locator('button[type=submit]').click();
    await p.waitForSelector('main table td:has-text("shift.lead")');

    const second = await browser.page();
    try {
      const q = second.page;
      await q.goto(`${e().url}/`);
      await q.fill('input[name=username]', 'shift.lead');
      await q.fill('input[name=password]', 'Very-long-passw0rd!');
      await q.click('button[type=submit]');
      await q.waitForSelector('text=Перед началом работы смените пароль.');
      await q.locator('input[type=password]').nth(0).fill('Very-long-passw0rd!');
      await q.locator('input[type=password]').nth(1).fill('Another-long-passw0rd!');
      await q.click('button[type=submit]');
      await q.waitForSelector('[data-testid=line-state]');
    } finally {
      await second.context.close();
    }
  });

  it('the edge restarts: the page says "connection lost", reconnects by itself and catches up without a reload', async () => {
    const p = await openLoggedIn();
    await p.waitForTimeout(300);
    await p.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const port = new URL(e().url).port;
    await edge!.stop();
    edge = null;
    await p.waitForSelector('.banner.lost', { timeout: 10_000 });
    expect(await p.textContent('.banner.lost')).to.contain('Связь потеряна');
    edge = await startEdge(Number(port));
    expect(edge.url).to.equal(`http://127.0.0.1:${port}`);
    await p.waitForSelector('.banner.lost', { state: 'detached', timeout: 15_000 });
    // The scans made while the page was away, then a live one: both in the feed.
    const [code] = codes(1);
    await scan(code!);
    await feedRow(p, code!, 2000);
    expect(await p.evaluate(() => (window as unknown as { marker: number }).marker)).to.equal(42); // no reload happened
  });

  it('accessibility (axe-core): no serious or critical violations on each screen, as an admin at 1920×1080', async () => {
    const p = await openLoggedIn('admin', 'admin123', { width: 1920, height: 1080 });
    for (const screen of ['line', 'devices', 'journal', 'find', 'sync', 'setup', 'users', 'account']) {
      await p.goto(`${e().url}/#/${screen}`);
      await p.waitForSelector(`nav.tabs a.on[href="#/${screen}"]`);
      await p.waitForTimeout(400);
      const violations = await seriousA11yViolations(p);
      expect(violations, `${screen}: ${JSON.stringify(violations, null, 1)}`).to.deep.equal([]);
      expect(cspViolations, `${screen}: refused by the Content-Security-Policy`).to.deep.equal([]);
      if (screen === 'devices') await shoot(p, 'hmi-devices');
    }
  });

  it('touch targets: every button and tab on the line screen is at least 48 px high', async () => {
    const p = await openLoggedIn('manager', 'manager123');
    await p.waitForSelector('[data-testid=line-state]');
    const small = await p.$$eval('button, nav.tabs a, a.tile', (els) =>
      els.filter((el) => (el as HTMLElement).offsetParent !== null && el.getBoundingClientRect().height < 48).map((el) => el.textContent?.trim()),
    );
    expect(small).to.deep.equal([]);
  });
});
