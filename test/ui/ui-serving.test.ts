import { expect } from 'chai';
import { ensureBuilt, UI_APPS } from '../../src/ui/build.js';
import { UI_CSP } from '../../api/http/static-ui.js';
import { startTestEdge, type TestEdge } from '../support/edge-harness.js';
import { startTestFactory, type TestFactory } from '../support/factory-harness.js';

/** The browser apps as files: the size budget, and how the edge and the factory serve them. */
describe('browser apps: bundle and serving', function () {
  this.timeout(60_000);

  describe('bundle budget', () => {
    for (const app of UI_APPS) {
      it(`${app}: script and style together stay within 200 KB gzip`, async () => {
        const manifest = await ensureBuilt(app);
        const gzip = Object.values(manifest.sizes).reduce((sum, s) => sum + s.gzip, 0);
        expect(manifest.script).to.match(/^app-[0-9a-f]{12}\.js$/);
        expect(gzip, `${app} is ${gzip} bytes gzip`).to.be.greaterThan(5_000).and.at.most(200 * 1024);
      });
    }
  });

  const servedBy = (name: string, url: () => string, title: RegExp) => {
    describe(`served by the ${name} at /`, () => {
      it('index.html: never cached, a CSP with no inline script, and the hashed assets it names', async () => {
        const res = await fetch(`${url()}/`);
        expect(res.status).to.equal(200);
        expect(res.headers.get('content-type')).to.match(/^text\/html/);
        expect(res.headers.get('cache-control')).to.equal('no-cache');
        const csp = res.headers.get('content-security-policy')!;
        expect(csp).to.equal(UI_CSP);
        expect(csp).to.contain("script-src 'self'").and.not.contain('unsafe-inline');
        expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
        const html = await res.text();
        expect(html).to.match(title);
        expect(html).to.not.match(/<script>|<script [^>]*>[^<]/); // no inline script
        const script = /src="assets\/(app-[0-9a-f]{12}\.js)"/.exec(html)![1];
        const style = /href="assets\/(app-[0-9a-f]{12}\.css)"/.exec(html)![1];
        for (const asset of [script, style]) {
          const file = await fetch(`${url()}/assets/${asset}`);
          expect(file.status, asset).to.equal(200);
          expect(file.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
          expect(file.headers.get('content-type')).to.match(asset!.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
          expect((await file.arrayBuffer()).byteLength).to.be.greaterThan(1000);
        }
      });

      it('an asset of no build, and a path that is no page, answer the JSON 404 envelope', async () => {
        for (const path of ['/assets/app-000000000000.js', '/assets/../package.json', '/index.htm', '/nope']) {
          const res = await fetch(`${url()}${path}`);
          expect(res.status, path).to.equal(404);
          expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('NOT_FOUND');
        }
      });

      it('the API beside it is untouched: /health and an unknown /api route are JSON', async () => {
        const health = await fetch(`${url()}/health`);
        expect(health.status).to.equal(200);
        expect(health.headers.get('content-security-policy')).to.equal(null);
        const unknown = await fetch(`${url()}/api/v1/no-such-thing`);
        expect(unknown.status).to.equal(404);
        expect(((await unknown.json()) as { success: boolean }).success).to.equal(false);
      });

      it('a POST to / is not the page: the JSON envelope, not HTML', async () => {
        const res = await fetch(`${url()}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        expect(res.status).to.be.oneOf([404, 405]);
        expect(res.headers.get('content-type')).to.match(/json/);
      });
    });
  };

  let edge: TestEdge | undefined;
  let factory: TestFactory | undefined;
  before(async () => {
    edge = await startTestEdge();
    factory = await startTestFactory('sqlite');
  });
  after(async () => {
    await edge?.stop();
    await factory?.stop();
  });
  servedBy('edge', () => edge!.url, /<title>OKTO · HMI<\/title>/);
  servedBy('factory', () => factory!.url, /<title>OKTO · Factory console<\/title>/);
});
