import os from 'node:os';
import { expect } from 'chai';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { invalidCode, validCode } from '../../support/scan-fixtures.js';

/** A metric's sample value from the Prometheus text (labels given as `a="x",b="y"` in any order). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const got = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(match[3]);
  }
  return undefined;
}

/** An address of this machine that is not loopback (a request from it is a "remote" client). */
function externalAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

describe('GET /metrics', function () {
  this.timeout(20_000);

  describe('edge', () => {
    let t: TestEdge;
    before(async () => {
      t = await startTestEdge({ server: { port: 0, host: '0.0.0.0' }, metrics: { token: 'a-metrics-token-of-some-length' } });
    });
    after(async () => t.stop());

    it('counts scans by outcome and reason class, the decision latency and commit groups, fed from the bus', async () => {
      for (let i = 0; i < 3; i++) expect((await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code: validCode(9000 + i) } })).status).to.equal(200);
      await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code: validCode(9000) } });
      await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code: invalidCode(9100) } });
      const res = await fetch(`${t.url}/metrics`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/plain/);
      const text = await res.text();
      expect(sample(text, 'okto_scans_total', { outcome: 'accepted', reason: 'none', role: 'ADD' })).to.equal(3);
      expect(sample(text, 'okto_scans_total', { outcome: 'duplicate', reason: 'duplicate' })).to.equal(1);
      expect(sample(text, 'okto_scans_total', { outcome: 'invalid', reason: 'check_digit' })).to.equal(1);
      expect(sample(text, 'okto_scan_decision_seconds_count')).to.equal(5);
      expect(sample(text, 'okto_commit_group_size_sum')).to.equal(5);
      expect(sample(text, 'okto_outbox_depth', { service: 'edge' })).to.equal(3);
      expect(sample(text, 'okto_outbox_oldest_age_seconds')).to.be.at.least(0);
      expect(sample(text, 'okto_actors_failed')).to.equal(0);
      expect(sample(text, 'okto_websocket_clients')).to.equal(0);
      expect(sample(text, 'okto_process_resident_memory_bytes')).to.be.greaterThan(0);
    });

    it('labels HTTP requests with the route template, never the raw URL, with a duration histogram', async () => {
      await t.request('GET', '/api/v1/bottles/no-such-bottle', { token: t.tokens.operator });
      await t.request('GET', '/api/v1/bottles/another-one', { token: t.tokens.operator });
      await t.request('GET', '/nothing/here');
      const text = await (await fetch(`${t.url}/metrics`)).text();
      expect(sample(text, 'okto_http_requests_total', { method: 'GET', route: '/api/v1/bottles/:id', status: '404' })).to.equal(2);
      expect(sample(text, 'okto_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).to.equal(1);
      expect(sample(text, 'okto_http_requests_total', { method: 'POST', route: '/api/v1/scanner/scan', status: '200' })).to.be.at.least(3);
      expect(text).not.to.contain('no-such-bottle');
      expect(sample(text, 'okto_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/bottles/:id' })).to.equal(2);
    });

    it('refuses a remote scraper without the token (401), with a wrong one (401), and answers with the right one', async function () {
      const address = externalAddress();
      if (!address) throw new Error('this test needs a non-loopback IPv4 address on the machine');
      const url = `http://${address}:${t.edge.port}/metrics`;
      const none = await fetch(url);
      expect(none.status).to.equal(401);
      expect(((await none.json()) as { error: { code: string } }).error.code).to.equal('UNAUTHORIZED');
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).to.equal(401);
      const ok = await fetch(url, { headers: { authorization: 'Bearer a-metrics-token-of-some-length' } });
      expect(ok.status).to.equal(200);
      expect(await ok.text()).to.contain('okto_scans_total');
    });
  });

  describe('edge without a metrics token', () => {
    let t: TestEdge;
    before(async () => {
      t = await startTestEdge({ server: { port: 0, host: '0.0.0.0' } });
    });
    after(async () => t.stop());

    it('answers loopback and refuses every other client with 403, even with a bearer token', async () => {
      expect((await fetch(`${t.url}/metrics`)).status).to.equal(200);
      const address = externalAddress();
      if (!address) throw new Error('this test needs a non-loopback IPv4 address on the machine');
      const res = await fetch(`http://${address}:${t.edge.port}/metrics`, { headers: { authorization: 'Bearer anything-at-all-here' } });
      expect(res.status).to.equal(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('FORBIDDEN');
    });
  });

  describe('factory', () => {
    let f: TestFactory;
    before(async () => {
      f = await startTestFactory('sqlite');
    });
    after(async () => f.stop());

    it('serves device sessions, open commands, the forward outbox, ingest and HTTP metrics', async () => {
      await f.enrol('edge-m1');
      const text = await (await fetch(`${f.url}/metrics`)).text();
      for (const status of ['online', 'stale', 'offline']) expect(sample(text, 'okto_factory_device_sessions', { status })).to.be.a('number');
      expect(sample(text, 'okto_factory_commands_open', { status: 'QUEUED' })).to.equal(0);
      expect(sample(text, 'okto_outbox_depth', { service: 'factory' })).to.equal(0);
      expect(sample(text, 'okto_websocket_clients', { channel: 'dashboard' })).to.equal(0);
      expect(sample(text, 'okto_http_requests_total', { method: 'POST', route: '/api/v1/devices/:id/token', status: '201' })).to.equal(1);
      expect(text).to.contain('# TYPE okto_factory_ingested_items_total counter');
      expect(sample(text, 'okto_process_cpu_seconds_total')).to.be.greaterThan(0);
    });
  });
});
