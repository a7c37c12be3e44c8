import { mkdirSync } from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { CHROMIUM_MISSING, hasChromium, launchBrowser, screenshotOnFailure, seriousA11yViolations, type TestBrowser } from '../support/browser.js';
import { codes } from '../support/edge-fixtures.js';
import { startTestFactory, type TestFactory } from '../support/factory-harness.js';
import { syncOk } from '../support/factory-api-fixtures.js';
import { artifactBytes, uploadOk } from '../support/firmware-fixtures.js';
import { type Cabinet, createFleet, waitConnected } from '../support/fleet-edges.js';
import { peerMissing } from '../support/peers.js';

/**
 * The factory console in a real Chromium against a real factory and a real edge over
 * /ws/device: the fleet list follows an edge going offline, a command sent from the device page
 * reaches the edge and its result shows, a firmware deployment's progress moves, dangerous
 * commands ask first, and every screen passes axe-core. `OKTO_SCREENSHOTS=1` writes the
 * README's screenshots.
 */
describe('factory console in Chromium', function () {
  this.timeout(120_000);
  if (!hasChromium()) {
    peerMissing(CHROMIUM_MISSING);
    return;
  }

  let browser: TestBrowser;
  let factory: TestFactory;
  let page: Page | null = null;
  let cspViolations: string[] = [];
  let cabinet: Cabinet;
  const f = () => factory;
  const fleet = createFleet(f);
  const STALE_MS = 1500;
  const OFFLINE_MS = 3000;

  before(async () => {
    [browser, factory] = await Promise.all([
      launchBrowser(),
      startTestFactory('sqlite', { devices: { heartbeatIntervalMs: 300, staleAfterMs: STALE_MS, offlineAfterMs: OFFLINE_MS }, dashboard: { metricsIntervalMs: 1000 } }),
    ]);
    cabinet = await fleet.enrolCabinet('ui-line-1');
    await cabinet.start();
    await waitConnected(f(), 'ui-line-1');
  });
  afterEach(async function () {
    await screenshotOnFailure(this, page);
    await page?.context().close();
    page = null;
  });
  after(async () => {
    await browser?.close();
    await fleet.disposeAll();
    await factory?.stop();
  });

  async function openLoggedIn(user = 'admin', viewport = { width: 1440, height: 900 }): Promise<Page> {
    const opened = await browser.page(viewport);
    page = opened.page;
    cspViolations = opened.cspViolations;
    await page.goto(`${f().url}/`);
    await page.fill('input[name=username]', user);
    await page.fill('input[name=password]', `${user}123`);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=whoami]');
    return page;
  }
  const shoot = async (p: Page, name: string) => {
    if (!process.env.OKTO_SCREENSHOTS) return;
    mkdirSync('docs/screenshots', { recursive: true });
    await p.screenshot({ path: `docs/screenshots/${name}.png` });
  };

  it('a command sent from the device page reaches the real edge and its result appears in the history', async () => {
    for (const code of codes(3)) await cabinet.t.request('POST', '/api/v1/scanner/scan', { token: cabinet.t.tokens.operator, body: { code } });
    const p = await openLoggedIn('manager');
    await p.goto(`${f().url}/#/device/ui-line-1`);
    await p.waitForSelector('[data-testid=device-status] [data-status=online]');
    await p.selectOption('[data-testid=command-type]', 'force_sync');
    await p.click('[data-testid=command-send]');
    await p.waitForSelector('[data-testid=command-history] tr[data-command=force_sync][data-status=SUCCEEDED]', { timeout: 20_000 });
    const commands = await f().request('GET', '/api/v1/devices/ui-line-1/commands', { token: f().tokens.operator });
    expect(commands.body.data.items.find((c: { type: string }) => c.type === 'force_sync').status).to.equal('SUCCEEDED');
    await shoot(p, 'console-device');
  });

  it('a dangerous command asks first; Cancel sends nothing', async () => {
    const p = await openLoggedIn('admin');
    await p.goto(`${f().url}/#/device/ui-line-1`);
    await p.waitForSelector('[data-testid=command-type]');
    const before = (await f().request('GET', '/api/v1/devices/ui-line-1/commands', { token: f().tokens.operator })).body.data.total;
    await p.selectOption('[data-testid=command-type]', 'reboot_os');
    await p.click('button.danger:has-text("Отправить")');
    await p.waitForSelector('.modal[role=dialog]');
    expect(await p.textContent('.modal')).to.contain('Перезагрузить шкаф');
    await p.click('.modal button:has-text("Отмена")');
    await p.waitForSelector('.modal', { state: 'detached' });
    const after = (await f().request('GET', '/api/v1/devices/ui-line-1/commands', { token: f().tokens.operator })).body.data.total;
    expect(after).to.equal(before);
  });

  it("a firmware deployment started from the page: its progress moves to the edge's result", async () => {
    const release = await uploadOk(f(), '9.9.1', artifactBytes(64 * 1024, 3));
    const group = await f().request('POST', '/api/v1/device-groups', { token: f().tokens.manager, body: { name: 'UI line group' } });
    expect(group.status).to.equal(201);
    await f().request('POST', `/api/v1/device-groups/${group.body.data.id}/members`, { token: f().tokens.manager, body: { deviceIds: ['ui-line-1'] } });
    const p = await openLoggedIn('admin');
    await p.goto(`${f().url}/#/firmware`);
    await p.waitForSelector(`select option[value="${release.id}"]`, { state: 'attached' });
    const selects = p.locator('.filters select');
    await selects.nth(0).selectOption(release.id);
    await selects.nth(1).selectOption(group.body.data.id);
    await p.click('button.danger:has-text("Развернуть")');
    await p.click('.modal button:has-text("Подтвердить")');
    await p.waitForSelector('[data-testid=deployments] tr[data-deployment]');
    await p.waitForSelector('[data-testid=deployments] tr[data-deployment][data-finished="1"]', { timeout: 60_000 });
    const row = p.locator('[data-testid=deployments] tr[data-deployment]').first();
    expect(await row.textContent()).to.match(/установлено 1|ошибок 1/);
    await shoot(p, 'console-firmware');
  });

  it('a running deployment aborted from the page: its row ends aborted, naming who', async () => {
    // An enrolled edge that never connects: its command stays queued, so the deployment keeps running.
    await f().enrol('ui-offline-1');
    const release = await uploadOk(f(), '9.9.2', artifactBytes(1024, 4));
    const created = await f().request('POST', '/api/v1/firmware/deployments', { token: f().tokens.admin, body: { releaseId: release.id, deviceIds: ['ui-offline-1'] } });
    expect(created.status).to.equal(201);
    const p = await openLoggedIn('admin');
    await p.goto(`${f().url}/#/firmware`);
    const row = `[data-testid=deployments] tr[data-deployment="${created.body.data.id}"]`;
    await p.click(`${row}[data-status=running] button.danger:has-text("Прервать")`);
    await p.click('.modal button:has-text("Подтвердить")');
    await p.waitForSelector(`${row}[data-status=aborted] [data-testid=aborted-by]:has-text("admin")`, { timeout: 20_000 });
    const stored = await f().request('GET', `/api/v1/firmware/deployments/${created.body.data.id}`, { token: f().tokens.operator });
    expect(stored.body.data).to.include({ status: 'aborted', abortedBy: 'admin' });
    expect(stored.body.data.devices[0].state).to.equal('skipped');
  });

  it("the overview charts today's production per line and hour from /api/v1/dashboard/production", async () => {
    const token = await f().enrol('ui-prod-1', { lineId: 'PROD-LINE-7' });
    const now = new Date().toISOString();
    await syncOk(f(), token, [1, 2, 3].map((n) => ({ id: `ui-prod-bottle-${n}`, kind: 'bottle.created', payload: { createdAt: now } })));
    const p = await openLoggedIn('operator');
    await p.goto(`${f().url}/#/overview`);
    const figure = p.locator('[data-testid=production-hours] figure[data-line=ui-prod-1][data-total="3"]');
    await figure.waitFor({ timeout: 20_000 });
    expect(await figure.locator('figcaption').textContent()).to.equal('PROD-LINE-7: всего 3 шт');
    expect(await figure.locator('rect.bar').count()).to.equal(24);
    expect(await p.textContent('[data-testid=production-hours] h2')).to.contain('Europe/Moscow');
    await shoot(p, 'console-overview-production');
  });

  it('a command to a group from the groups page: its live progress reaches "1 of 1 done"', async () => {
    const group = await f().request('POST', '/api/v1/device-groups', { token: f().tokens.manager, body: { name: 'Bulk group' } });
    await f().request('POST', `/api/v1/device-groups/${group.body.data.id}/members`, { token: f().tokens.manager, body: { deviceIds: ['ui-line-1'] } });
    const p = await openLoggedIn('manager');
    await p.goto(`${f().url}/#/groups`);
    await p.click(`tr:has-text("${group.body.data.id}") button`);
    await p.selectOption('[data-testid=command-type]', 'force_sync');
    await p.click('[data-testid=command-send]');
    await p.waitForSelector('[data-testid=bulk-progress]:has-text("Выполнено 1 из 1: успешно 1")', { timeout: 20_000 });
  });

  it('the fleet list shows an edge going offline within its timeout, and back online when it returns', async () => {
    const p = await openLoggedIn('operator');
    await p.goto(`${f().url}/#/fleet`);
    const status = (s: string) => `[data-testid=fleet] tr[data-device=ui-line-1] [data-status=${s}]`;
    await p.waitForSelector(status('online'));
    const stoppedAt = Date.now();
    await cabinet.stop();
    await p.waitForSelector(status('offline'), { timeout: OFFLINE_MS + 5000 });
    expect(Date.now() - stoppedAt).to.be.lessThan(OFFLINE_MS + 5000);
    await cabinet.start();
    await p.waitForSelector(status('online'), { timeout: 20_000 });
  });

  it('accessibility (axe-core): no serious or critical violations on each screen; English on the way', async () => {
    const p = await openLoggedIn('admin', { width: 1920, height: 1080 });
    for (const screen of ['overview', 'fleet', 'device/ui-line-1', 'groups', 'firmware', 'audit', 'users', 'account']) {
      await p.goto(`${f().url}/#/${screen}`);
      await p.waitForSelector('main.screen .card');
      await p.waitForTimeout(500);
      const violations = await seriousA11yViolations(p);
      expect(violations, `${screen}: ${JSON.stringify(violations, null, 1)}`).to.deep.equal([]);
      expect(cspViolations, `${screen}: refused by the Content-Security-Policy`).to.deep.equal([]);
      if (screen === 'overview') await shoot(p, 'console-overview');
    }
    await p.click('.topbar .lang button:has-text("EN")');
    await p.waitForSelector('nav.tabs a:has-text("Firmware")');
    expect(await p.getAttribute('html', 'lang')).to.equal('en');
  });
});
