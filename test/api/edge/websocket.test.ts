import { expect } from 'chai';
import { edgeSecret, expectData, expiredToken, signToken } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { codes, createBottles, SPEC_EXAMPLE_CODE } from '../../support/edge-fixtures.js';
import { waitFor } from '../../support/wait-for.js';
import { openWs, refusalStatus, type TestWsClient } from '../../support/ws-client.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('edge API: WebSocket /ws', () => {
  let t: TestEdge;
  let wsUrl: string;
  const clients: TestWsClient[] = [];

  before(async () => {
    t = await startTestEdge();
    wsUrl = t.url.replace(/^http/, 'ws');
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await t?.stop();
  });

  const connect = async (query = `?token=${t.tokens.operator}`, headers: Record<string, string> = {}) => {
    const client = await openWs(`${wsUrl}/ws${query}`, headers);
    clients.push(client);
    return client;
  };

  describe('authentication', () => {
    it('accepts a token in ?token=', async () => {
      const client = await connect();
      expect(client.ws.readyState).to.equal(client.ws.OPEN);
    });

    it('accepts a token in the Authorization header', async () => {
      const client = await connect('', { authorization: `Bearer ${t.tokens.manager}` });
      expect(client.ws.readyState).to.equal(client.ws.OPEN);
    });

    it('refuses the upgrade with 401 without a token', async () => {
      expect(await refusalStatus(`${wsUrl}/ws`)).to.equal(401);
    });

    it('refuses the upgrade with 401 for a bad, foreign, expired or non-user token', async () => {
      const secret = edgeSecret(t);
      const bad = [
        'garbage',
        signToken('another-secret-that-is-long-enough-000000'),
        expiredToken(secret),
        signToken(secret, { typ: 'device' }),
      ];
      for (const token of bad) {
        expect(await refusalStatus(`${wsUrl}/ws?token=${encodeURIComponent(token)}`), token).to.equal(401);
        expect(await refusalStatus(`${wsUrl}/ws`, { authorization: `Bearer ${token}` }), token).to.equal(401);
      }
      expect(await refusalStatus(`${wsUrl}/ws`, { authorization: 'Basic YWRtaW46YWRtaW4xMjM=' })).to.equal(401);
    });

    it('refuses other paths (the spec: NOT /api/v1/ws) even with a valid token', async () => {
      for (const path of ['/api/v1/ws', '/ws/', '/websocket', '/']) {
        const status = await refusalStatus(`${wsUrl}${path}?token=${t.tokens.operator}`);
        expect(status, path).to.be.within(400, 499);
      }
    });

    it('a refused upgrade leaves the HTTP API working', async () => {
      await refusalStatus(`${wsUrl}/ws?token=garbage`);
      expectData(await t.request('GET', '/health'));
    });
  });

  describe('events', () => {
    it('a scan is broadcast as {type:"scan", data:{code, valid, timestamp, …}}', async () => {
      const client = await connect();
      const [code] = codes(1);
      const decision = expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } }));
      const message = await client.next((m) => m.type === 'scan' && m.data.code === code);
      expect(Object.keys(message).sort()).to.deep.equal(['data', 'type']);
      expect(message.data).to.include({ code, valid: true, duplicate: false, outcome: 'accepted', bottleId: decision.bottleId, gtin: decision.gtin, source: 'api', message: null });
      expect(message.data.timestamp).to.match(ISO);
    });

    it('duplicates and invalid codes are broadcast with valid:false', async () => {
      const client = await connect();
      const [code] = codes(1);
      for (let i = 0; i < 2; i += 1) expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } }));
      expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code: SPEC_EXAMPLE_CODE } }));
      const duplicate = await client.next((m) => m.type === 'scan' && m.data.code === code && m.data.outcome === 'duplicate');
      expect(duplicate.data).to.include({ valid: false, duplicate: true });
      const invalid = await client.next((m) => m.type === 'scan' && m.data.code === SPEC_EXAMPLE_CODE);
      expect(invalid.data).to.include({ valid: false, outcome: 'invalid' });
      expect(invalid.data.message).to.match(/GTIN check digit/i);
    });

    it('a mock scan is broadcast with the mock scanner as source', async () => {
      const client = await connect();
      const data = expectData(await t.request('POST', '/api/v1/mock/scan', { token: t.tokens.operator }));
      const message = await client.next((m) => m.type === 'scan' && m.data.bottleId === data.bottleId);
      expect(message.data).to.include({ valid: true, source: 'mock-1' });
    });

    it('every connected client receives the event', async () => {
      const a = await connect();
      const b = await connect('', { authorization: `Bearer ${t.tokens.admin}` });
      const [code] = codes(1);
      expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } }));
      for (const client of [a, b]) expect((await client.next((m) => m.type === 'scan' && m.data.code === code)).data.valid).to.equal(true);
    });

    it('a batch creation is broadcast as {type:"batch", data:{action:"created", batchId}}', async () => {
      const client = await connect();
      const created = expectData(await t.request('POST', '/api/v1/batches', { token: t.tokens.operator, body: { batch: { name: 'ws' } } }), 201);
      const message = await client.next((m) => m.type === 'batch' && m.data.batchId === created.batch.id);
      expect(message.data).to.include({ action: 'created', batchId: created.batch.id, identifier: created.batch.identifier });
    });

    it('adding bottles and completing a batch are broadcast too', async () => {
      const client = await connect();
      const bottles = await createBottles(t, 2);
      const { batch } = expectData(await t.request('POST', '/api/v1/batches', { token: t.tokens.operator, body: { batch: { name: 'ws', batchSize: 2 } } }), 201);
      expectData(await t.request('POST', `/api/v1/batches/${batch.id}/bottles`, { token: t.tokens.operator, body: { bottles: bottles.map((b) => b.id) } }));
      const added = await client.next((m) => m.type === 'batch' && m.data.batchId === batch.id && m.data.action === 'bottles_added');
      expect(added.data.bottleCount).to.equal(2);
      await client.next((m) => m.type === 'batch' && m.data.batchId === batch.id && m.data.action === 'completed');
    });

    it('a closed client is dropped by the hub', async () => {
      const hub = t.edge.server.hub;
      const client = await connect();
      expect(hub.clientCount).to.be.at.least(1);
      const before = hub.clientCount;
      await client.close();
      await waitFor(() => hub.clientCount === before - 1);
    });
  });
});
