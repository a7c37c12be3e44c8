import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { FactoryError, factorySyncTarget } from '../../../adapters/factory-link/factory-sync-target.js';
import type { SyncItem } from '../../../adapters/cloud/cloud-types.js';

const TOKEN = 'device-token-abcdefgh';
const items: SyncItem[] = [
  { id: 'bottle.created:b1', kind: 'bottle.created', payload: { bottleId: 'b1' } },
  { id: 'bottle.created:b2', kind: 'bottle.created', payload: { bottleId: 'b2' } },
];

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

/** A one-route HTTP server whose answer each test sets. */
async function startServer(answer: (seen: Seen) => { status: number; body: string }) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const entry: Seen = { method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(text || 'null') };
      seen.push(entry);
      const { status, body } = answer(entry);
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function failureOf(promise: Promise<unknown>): Promise<FactoryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(FactoryError);
    expect((error as Error).message).to.not.include(TOKEN);
    return error as FactoryError;
  }
  throw new Error('expected a FactoryError');
}

describe('factory sync target', () => {
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('POSTs {items} to /api/v1/sync with the bearer device token and returns the per-item results', async () => {
    const results = [
      { id: 'bottle.created:b1', status: 'accepted' },
      { id: 'bottle.created:b2', status: 'rejected', reason: 'unknown product' },
    ];
    server = await startServer(() => ({ status: 200, body: JSON.stringify({ success: true, data: { results } }) }));
    const target = factorySyncTarget({ factoryUrl: `${server.url}/`, deviceToken: TOKEN });
    expect(target.name).to.equal('factory server');
    expect(await target.send(items)).to.deep.equal(results);
    expect(server.seen).to.deep.equal([{ method: 'POST', url: '/api/v1/sync', authorization: `Bearer ${TOKEN}`, body: { items } }]);
  });

  it('keeps a path prefix of the factory URL', async () => {
    server = await startServer(() => ({ status: 200, body: JSON.stringify({ success: true, data: { results: items.map((i) => ({ id: i.id, status: 'duplicate' })) } }) }));
    await factorySyncTarget({ factoryUrl: `${server.url}/site-a`, deviceToken: TOKEN }).send(items);
    expect(server.seen[0]!.url).to.equal('/site-a/api/v1/sync');
  });

  it('401 → unauthorized, with the server message (the token scrubbed from it)', async () => {
    server = await startServer(() => ({ status: 401, body: JSON.stringify({ success: false, error: { code: 'UNAUTHORIZED', message: `token ${TOKEN} revoked` } }) }));
    const error = await failureOf(factorySyncTarget({ factoryUrl: server.url, deviceToken: TOKEN }).send(items));
    expect(error.kind).to.equal('unauthorized');
    expect(error.status).to.equal(401);
    expect(error.message).to.equal('Factory server refused POST /api/v1/sync (HTTP 401): token [redacted] revoked');
  });

  it('500 → server; 400 → invalid; a proxy page that is not JSON keeps the kind of its status', async () => {
    server = await startServer(() => ({ status: 500, body: JSON.stringify({ success: false, error: { code: 'INTERNAL', message: 'boom' } }) }));
    const target = factorySyncTarget({ factoryUrl: server.url, deviceToken: TOKEN });
    expect((await failureOf(target.send(items))).kind).to.equal('server');
    await server.close();

    server = await startServer(() => ({ status: 400, body: JSON.stringify({ success: false, error: { message: 'items: too many' } }) }));
    expect((await failureOf(factorySyncTarget({ factoryUrl: server.url, deviceToken: TOKEN }).send(items))).kind).to.equal('invalid');
    await server.close();

    server = await startServer(() => ({ status: 502, body: '<html>Bad gateway</html>' }));
    const proxy = await failureOf(factorySyncTarget({ factoryUrl: server.url, deviceToken: TOKEN }).send(items));
    expect(proxy.kind).to.equal('server');
    expect(proxy.message).to.match(/HTTP 502 and a body that is not JSON/);
  });

  it('a 2xx that is not the envelope, or with the wrong number of results → protocol', async () => {
    server = await startServer(() => ({ status: 200, body: JSON.stringify({ results: [] }) }));
    expect((await failureOf(factorySyncTarget({ factoryUrl: server.url, deviceToken: TOKEN }).send(items))).kind).to.equal('protocol');
    await server.close();

    server = await startServer(() => ({ status: 200, body: JSON.stringify({ success: true, data: { results: [{ id: 'bottle.created:b1', status: 'accepted' }] } }) }));
    const short = await failureOf(factorySyncTarget({ factoryUrl: server.url, deviceToken: TOKEN }).send(items));
    expect(short.kind).to.equal('protocol');
    expect(short.message).to.equal('Factory server answered 2 sync items with 1 results');
  });

  it('a refused port → unreachable, saying so', async () => {
    server = await startServer(() => ({ status: 200, body: '{}' }));
    const url = server.url;
    await server.close();
    server = undefined;
    const error = await failureOf(factorySyncTarget({ factoryUrl: url, deviceToken: TOKEN }).send(items));
    expect(error.kind).to.equal('unreachable');
    expect(error.message).to.equal(`Factory server unreachable at ${url}: connection refused (POST /api/v1/sync)`);
  });

  it('no answer in time → timeout', async () => {
    const hanging = http.createServer(() => {
      /* never answers */
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', () => resolve()));
    const { port } = hanging.address() as AddressInfo;
    try {
      const error = await failureOf(factorySyncTarget({ factoryUrl: `http://127.0.0.1:${port}`, deviceToken: TOKEN, timeoutMs: 100 }).send(items));
      expect(error.kind).to.equal('timeout');
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    }
  });

  it('refuses a token a header cannot carry without sending anything', async () => {
    const error = await failureOf(factorySyncTarget({ factoryUrl: 'http://127.0.0.1:9', deviceToken: 'bad token' }).send(items));
    expect(error.kind).to.equal('invalid');
  });
});
