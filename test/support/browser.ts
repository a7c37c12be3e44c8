import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * Real-browser tests: playwright-core drives Debian's `chromium` (never a downloaded browser), one
 * browser per test file, a fresh profile (playwright's temporary one) each time. Where chromium is missing the suite is pending
 * with a title that says so (in CI it fails, see peers.ts).
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_MISSING = `chromium: ${CHROMIUM} not found (apt-get install chromium)`;
export const hasChromium = () => existsSync(CHROMIUM);

export interface TestBrowser {
  browser: Browser;
  /** A new context (own storage: a fresh login) and page at the given viewport; `cspViolations` collects what the CSP refused. */
  page(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page; cspViolations: string[] }>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    // No --user-data-dir: playwright refuses it here and gives every launch a fresh temporary profile itself.
  });
  return {
    browser,
    async page(viewport = { width: 1280, height: 800 }) {
      const context = await browser.newContext({ viewport, hasTouch: true });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const cspViolations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
      return { context, page, cspViolations };
    },
    async close() {
      await browser.close();
    },
  };
}

/** Screenshot of a failed test's page, to a temp dir; the path is printed. */
export async function screenshotOnFailure(context: Mocha.Context, page: Page | null): Promise<void> {
  if (!page || context.currentTest?.state !== 'failed') return;
  const dir = join(tmpdir(), 'okto-ui-failures');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${context.currentTest.fullTitle().replace(/[^\w.-]+/g, '_').slice(0, 120)}.png`);
  try {
    await page.screenshot({ path, fullPage: true });
    console.log(`    screenshot of the failure: ${path}`);
  } catch {
    /* the page is gone */
  }
}

const axeSource = () => readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical violations on the page as it is now. Injected through
 * `addScriptTag({content})` — CDP evaluates it, so the app's CSP (no inline scripts) does not apply.
 */
export async function seriousA11yViolations(page: Page): Promise<Array<{ id: string; impact: string; nodes: string[] }>> {
  await page.evaluate(axeSource());
  const results = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}
