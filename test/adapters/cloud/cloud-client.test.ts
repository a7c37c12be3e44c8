import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createCloudClient, type CloudClient, type CloudError, type CloudErrorKind } from '../../../adapters/cloud/cloud-client.js';
import type { CloudSim } from '../../../src/cloud-sim/server.js';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../../../src/cloud-sim/seed.js';
import { bottleItems, milkCodes, startTestSim } from '../../cloud-sim/sim-harness.js';
import { cloudErrorOf } from './cloud-error-of.js';

async function expectKind(promise: Promise<unknown>, kind: CloudErrorKind): Promise<CloudError> {
  const error = await cloudErrorOf(promise);
  expect(error.kind, error.message).to.equal(kind);
  return error;
}

/** A stand-in cloud that answers every request with the same raw response. */
async function fakeCloud(respond: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const server = http.createServer(respond);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('cloud client against the simulator', () => {
  let sim: CloudSim;
  let client: CloudClient;
  beforeEach(async () => {
    sim = await startTestSim();
    client = createCloudClient({ baseUrl: sim.url + '/' });
  });
  afterEach(() => sim.close());

  it('signs in, lists devices, activates, reads lines, codes and company, and syncs', async () => {
    const { userToken, user } = await client.signIn(DEMO_EMAIL, DEMO_PASSWORD);
    expect(user).to.deep.equal({ id: 'user-001', email: DEMO_EMAIL, companyId: 'company-001' });
    const devices = await client.listDevices(userToken);
    expect(devices.map((d) => [d.id, d.deviceMode, d.activated])).to.deep.equal([
      ['device-001', 'scan_bottles', false],
      ['device-002', 'verify', false],
    ]);
    const { deviceToken, device } = await client.activate(userToken, 'device-001', 'inst-A');
    expect(device).to.deep.include({ deviceId: 'device-001', companyName: 'Demo Factory LLC', industry: 'milk', seqNumber: '001' });
    expect((await client.lines(deviceToken)).map((l) => l.identifier)).to.deep.equal(['ML-A', 'KL-B']);
    expect((await client.codes(deviceToken)).map((c) => c.gtin)).to.deep.equal(['04607000000014', '04607000000021']);
    expect(await client.company(deviceToken)).to.deep.equal({ id: 'company-001', name: 'Demo Factory LLC', industry: 'milk', timeZone: 'Europe/Moscow' });

    const items = bottleItems(milkCodes(10));
    const results = await client.sync(deviceToken, items);
    expect(results.map((r) => r.status)).to.deep.equal(Array(10).fill('accepted'));
    expect((await client.sync(deviceToken, items)).map((r) => r.status)).to.deep.equal(Array(10).fill('duplicate'));
    const rejected = await client.sync(deviceToken, [{ id: 'odd', kind: 'mystery', payload: {} }]);
    expect(rejected).to.deep.equal([{ id: 'odd', status: 'rejected', reason: 'Unknown kind "mystery"' }]);
  });

  it('maps refusals to kinds: bad credentials, unknown device, conflict, invalid input', async () => {
    const bad = await expectKind(client.signIn(DEMO_EMAIL, 'wrong'), 'unauthorized');
    expect(bad.status).to.equal(401);
    expect(bad.message).to.equal('OKTO Cloud refused POST /sign_in (HTTP 401): Invalid email or password');
    expect(bad.transient).to.equal(false);

    const { userToken } = await client.signIn(DEMO_EMAIL, DEMO_PASSWORD);
    await expectKind(client.activate(userToken, 'device-404', 'inst-A'), 'not_found');
    await client.activate(userToken, 'device-001', 'inst-A');
    const conflict = await expectKind(client.activate(userToken, 'device-001', 'inst-B'), 'conflict');
    expect(conflict.status).to.equal(409);
    expect(conflict.message).to.contain('already activated by another installation');
    await expectKind(client.activate(userToken, 'device-002', ''), 'invalid');
    await expectKind(client.sync('whatever', []), 'unauthorized');
  });

  it('never puts a token in an error message', async () => {
    const { userToken } = await client.signIn(DEMO_EMAIL, DEMO_PASSWORD);
    const { deviceToken } = await client.activate(userToken, 'device-001', 'inst-A');
    sim.store.expireTokens();
    for (const error of [
      await expectKind(client.listDevices(userToken), 'unauthorized'),
      await expectKind(client.lines(deviceToken), 'unauthorized'),
      await expectKind(client.sync(deviceToken, bottleItems(milkCodes(1))), 'unauthorized'),
    ]) {
      expect(error.message).to.not.contain(userToken).and.not.contain(deviceToken);
      expect(String(error.stack)).to.not.contain(deviceToken);
    }
  });
});

describe('cloud client against misbehaving peers', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  const peer = async (respond: (req: http.IncomingMessage, res: http.ServerResponse) => void) => {
    const fake = await fakeCloud(respond);
    closers.push(fake.close);
    return createCloudClient({ baseUrl: fake.url });
  };

  it('says "connection refused" for a port nobody listens on', async () => {
    const fake = await fakeCloud(() => {});
    await fake.close();
    const error = await expectKind(createCloudClient({ baseUrl: fake.url }).company('t'), 'unreachable');
    expect(error.message).to.equal(`OKTO Cloud unreachable at ${fake.url}: connection refused (GET /device/company)`);
    expect(error.transient).to.equal(true);
  });

  it('reports a body that is not JSON or not the envelope as a protocol error', async () => {
    const html = await peer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    await expectKind(html.company('t'), 'protocol');
    const bare = await peer((_req, res) => res.writeHead(200).end(JSON.stringify({ id: 'company-001' })));
    await expectKind(bare.company('t'), 'protocol');
    const wrongShape = await peer((_req, res) => res.writeHead(200).end(JSON.stringify({ success: true, data: { results: 'many' } })));
    await expectKind(wrongShape.sync('t', [{ id: 'a', kind: 'k', payload: {} }]), 'protocol');
    const missing = await peer((_req, res) => res.writeHead(200).end(JSON.stringify({ success: true, data: { results: [] } })));
    await expectKind(missing.sync('t', [{ id: 'a', kind: 'k', payload: {} }]), 'protocol');
  });

  it('maps statuses without an envelope (a proxy’s error page) by their status', async () => {
    const gateway = await peer((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>'));
    expect((await expectKind(gateway.company('t'), 'server')).status).to.equal(502);
    const limited = await peer((_req, res) => res.writeHead(429).end('{}'));
    await expectKind(limited.company('t'), 'server');
    const forbidden = await peer((_req, res) => res.writeHead(403).end('{}'));
    await expectKind(forbidden.company('t'), 'unauthorized');
    const tooLarge = await peer((_req, res) => res.writeHead(413).end('{"success":false,"error":{"code":"PAYLOAD_TOO_LARGE","message":"too big"}}'));
    await expectKind(tooLarge.company('t'), 'invalid');
  });

  it('scrubs a token that a peer echoes back in its error message', async () => {
    const echo = await peer((req, res) =>
      res.writeHead(401).end(JSON.stringify({ success: false, error: { code: 'UNAUTHORIZED', message: `bad token ${req.headers.authorization}` } })),
    );
    const error = await expectKind(echo.lines('s3cr3t-device-token'), 'unauthorized');
    expect(error.message).to.not.contain('s3cr3t-device-token');
    expect(error.message).to.contain('[redacted]');
  });

  it('sends the token as a bearer header and the path under the base URL’s prefix', async () => {
    const seen: Array<{ url?: string; auth?: string; type?: string }> = [];
    const fake = await fakeCloud((req, res) => {
      seen.push({ url: req.url, auth: req.headers.authorization, type: req.headers['content-type'] });
      res.writeHead(200).end(JSON.stringify({ success: true, data: { results: [{ id: 'a', status: 'accepted' }] } }));
    });
    closers.push(fake.close);
    const client = createCloudClient({ baseUrl: `${fake.url}/okto/api/` });
    await client.sync('tok', [{ id: 'a', kind: 'k', payload: {} }]);
    expect(seen).to.deep.equal([{ url: '/okto/api/device/sync', auth: 'Bearer tok', type: 'application/json' }]);
  });

  it('refuses a token that cannot be a header value, without quoting it', async () => {
    const client = createCloudClient({ baseUrl: 'http://127.0.0.1:1' });
    for (const token of ['', 'line\nbreak-secret', 'space secret']) {
      const error = await expectKind(client.lines(token), 'invalid');
      if (token) expect(error.message).to.not.contain(token);
    }
  });

  it('does not show credentials from the base URL and refuses a non-http URL', async () => {
    const error = await cloudErrorOf(createCloudClient({ baseUrl: 'http://admin:hunter2@127.0.0.1:1' }).company('t'));
    expect(error.message).to.not.contain('hunter2');
    expect(() => createCloudClient({ baseUrl: 'ftp://cloud' })).to.throw(RangeError);
  });
});
