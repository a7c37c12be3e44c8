import { expect } from 'chai';
import { createFactoryApp } from '../../../api/factory/factory-app.js';
import { metricsRoutes } from '../../../api/http/metrics.routes.js';
import { createMetricsRegistry } from '../../../src/runtime/metrics/registry.js';
import { startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { documentedRoutes, mountedRoutes } from '../../support/openapi-check.js';

/** The app object is only walked for its routers: no device is ever connected to it. */
const NO_DEVICE_CHANNELS = { connected: () => [], isConnected: () => false };

describe('factory OpenAPI document', () => {
  let factory: TestFactory;
  before(async () => {
    factory = await startTestFactory();
  });
  after(async () => factory.stop());

  const fetchDocument = async () => {
    const response = await fetch(`${factory.url}/openapi.json`);
    expect(response.status).to.equal(200);
    return (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  };

  it('is served at GET /openapi.json without a token, as OpenAPI 3.1', async () => {
    const document = await fetchDocument();
    expect(document.openapi).to.equal('3.1.0');
    expect(document.paths['/api/v1/devices/{id}']).to.have.property('get');
  });

  it('describes every mounted route, and no route that is not mounted', async () => {
    const documented = documentedRoutes(await fetchDocument());
    const mounted = mountedRoutes(createFactoryApp(factory.factory.system, NO_DEVICE_CHANNELS), [metricsRoutes(createMetricsRegistry('factory'), {})]);
    const missing = mounted.filter((route) => !documented.has(route.key)).map((route) => route.key);
    const notMounted = [...documented.keys()].filter((key) => !mounted.some((route) => route.key === key));
    expect(missing, 'mounted but not in the document').to.deep.equal([]);
    expect(notMounted, 'in the document but not mounted').to.deep.equal([]);
  });

  it('gives each route the access its auth middleware enforces', async () => {
    const documented = documentedRoutes(await fetchDocument());
    const wrong = mountedRoutes(createFactoryApp(factory.factory.system, NO_DEVICE_CHANNELS))
      .filter((route) => documented.has(route.key) && documented.get(route.key) !== route.access)
      .map((route) => `${route.key}: mounted ${route.access}, documented ${documented.get(route.key)}`);
    expect(wrong).to.deep.equal([]);
  });

  it('serves the reference page and its assets offline, without a token and without inline scripts', async () => {
    const page = await fetch(`${factory.url}/docs`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-security-policy')).to.include("script-src 'self'");
    const html = await page.text();
    expect(html).to.not.match(/<script>(?!<)/);
    for (const src of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!)) {
      const asset = await fetch(`${factory.url}${src}`);
      expect(asset.status, src).to.equal(200);
      expect((await asset.arrayBuffer()).byteLength, src).to.be.greaterThan(10);
    }
    const init = await (await fetch(`${factory.url}/docs/init.js`)).text();
    expect(init).to.include('/openapi.json');
  });

  it('answers an unknown docs asset with the JSON 404', async () => {
    const response = await fetch(`${factory.url}/docs/..%2Fpackage.json`);
    expect(response.status).to.equal(404);
    expect(await response.json()).to.deep.include({ success: false });
  });
});
