import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { CHROMIUM_MISSING, hasChromium, launchBrowser, screenshotOnFailure, type TestBrowser } from '../support/browser.js';
import { startTestEdge, type TestEdge } from '../support/edge-harness.js';
import { peerMissing } from '../support/peers.js';

/** The API reference page in a real Chromium: swagger-ui from node_modules renders the edge's document under the strict CSP. */
describe('API reference page (/docs) in Chromium', function () {
  this.timeout(60_000);
  if (!hasChromium()) {
    peerMissing(CHROMIUM_MISSING);
    return;
  }

  let browser: TestBrowser;
  let edge: TestEdge;
  let page: Page | null = null;
  before(async () => {
    [browser, edge] = await Promise.all([launchBrowser(), startTestEdge()]);
  });
  afterEach(async function () {
    await screenshotOnFailure(this, page);
  });
  after(async () => {
    await browser?.close();
    await edge?.stop();
  });

  it('shows the operations of the document, with no request leaving the origin and no CSP violation', async () => {
    const opened = await browser.page();
    page = opened.page;
    const foreign: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(edge.url) && !request.url().startsWith('data:')) foreign.push(request.url());
    });
    await page.goto(`${edge.url}/docs`);
    await page.getByText('/api/v1/batches/{id}/close').first().waitFor();
    expect(await page.locator('.opblock').count()).to.be.greaterThan(50);
    // swagger-ui accepts the document as it is (a warning box would name what it does not support).
    expect(await page.locator('.swagger-ui .errors-wrapper, .swagger-ui .version-pragma__message').count()).to.equal(0);
    expect(await page.locator('body').innerText()).to.not.include('Warning');
    // An operation opened: its body and responses (the error answers) render.
    await page.locator('#operations-batches-postApiV1Batches .opblock-summary').click();
    await page.locator('#operations-batches-postApiV1Batches').getByText('VALIDATION_ERROR').first().waitFor();
    expect(opened.cspViolations).to.deep.equal([]);
    expect(foreign).to.deep.equal([]);
    await opened.context.close();
  });
});
