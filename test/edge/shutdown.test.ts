import net from 'node:net';
import { expect } from 'chai';
import { openSqliteDatabase } from '../../adapters/store/sqlite-database.js';
import { edgeMigrations } from '../../migrations/edge/index.js';
import { startKeptEdge } from '../support/kept-edge.js';
import { validCode } from '../support/scan-fixtures.js';
import { waitFor } from '../support/wait-for.js';

type Outcome = { kind: 'response'; status: number; body: any } | { kind: 'network'; error: string };

/**
 * Graceful stop under load: whatever the edge acknowledged as accepted must be on disk when it
 * has stopped, and no request may be answered with a server error on the way down.
 */
describe('edge: graceful stop under load', function () {
  this.timeout(60_000);

  it('keeps every acknowledged bottle and answers no request with a 500 when stopped mid-burst', async () => {
    const t = await startKeptEdge();
    let stopped = false;
    try {
      const codes = Array.from({ length: 200 }, (_, i) => validCode(700_000 + i));
      let answered = 0;
      const requests: Array<Promise<Outcome>> = codes.map((code) =>
        t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } }).then(
          (res): Outcome => {
            answered++;
            return { kind: 'response', status: res.status, body: res.body };
          },
          (error: unknown): Outcome => ({ kind: 'network', error: String(error) }),
        ),
      );

      await waitFor(() => answered >= 10, 10_000, 'the first answers');
      const stopping = t.stop().then(() => {
        stopped = true;
      });
      const outcomes = await Promise.all(requests);
      await stopping;

      const responses = outcomes.filter((o): o is Extract<Outcome, { kind: 'response' }> => o.kind === 'response');
      const serverErrors = responses.filter((r) => r.status >= 500 && r.status !== 503);
      expect(serverErrors.map((r) => [r.status, r.body]), 'no server errors while stopping').to.deep.equal([]);
      const accepted = responses.filter((r) => r.status === 200 && r.body?.data?.outcome === 'accepted');
      expect(accepted.length, 'some scans were acknowledged before the stop').to.be.greaterThan(0);
      for (const r of responses.filter((r) => r.status === 200)) {
        expect(['accepted', 'refused'], JSON.stringify(r.body)).to.include(r.body.data.outcome);
      }

      const db = await openSqliteDatabase({ filename: t.dbFile, migrations: edgeMigrations, synchronous: 'NORMAL' });
      try {
        const ids = accepted.map((r) => r.body.data.bottleId as string);
        const rows: Array<{ id: string }> = await db.reader('bottles').whereIn('id', ids).select('id');
        const missing = ids.filter((id) => !rows.some((row) => row.id === id));
        expect(missing, 'acknowledged bottles missing after the stop').to.deep.equal([]);
        // Each acknowledged code also has its outbox row (same transaction).
        const outbox: Array<{ ref_id: string }> = await db.reader('outbox').where({ kind: 'bottle.created' }).whereIn('ref_id', ids).select('ref_id');
        expect(outbox).to.have.length(ids.length);
      } finally {
        await db.close();
      }
    } finally {
      if (!stopped) await t.stop().catch(() => undefined);
      t.removeDataDir();
    }
  });

  it('answers a request still arriving when the stop begins (its scan refused) before closing anything it needs', async () => {
    const t = await startKeptEdge();
    let stopped = false;
    const socket = net.connect({ host: '127.0.0.1', port: t.edge.port });
    try {
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      let response = '';
      socket.on('data', (chunk: Buffer) => {
        response += chunk.toString('utf8');
      });
      const body = JSON.stringify({ code: validCode(800_001) });
      socket.write(
        `POST /api/v1/scanner/scan HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t.tokens.operator}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 50)); // pacing only: let the server parse the head
      const stopping = t.stop().then(() => {
        stopped = true;
      });
      // The rest of the body comes once the line is drained: the request must still be served.
      await waitFor(() => t.edge.system.scanLine().getSnapshot().value === 'drained', 10_000, 'the line to drain');
      socket.write(body.slice(10));
      await waitFor(() => /\r\n\r\n\{.*\}$/s.test(response), 5000, () => `a response, got ${JSON.stringify(response)}`);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
      expect(status, response).to.equal(200);
      const payload = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
      expect(payload.data).to.deep.include({ outcome: 'refused', valid: false });
      expect(response, 'the connection is not kept alive on a stopping server').to.match(/^connection: close$/im);
      await stopping;
      expect(stopped).to.equal(true);
    } finally {
      socket.destroy();
      if (!stopped) await t.stop().catch(() => undefined);
      t.removeDataDir();
    }
  });
});
