import net from 'node:net';
import { expect } from 'chai';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { startTestFactory, type TestFactory } from '../../support/factory-harness.js';

interface RawAnswer {
  /** Everything the server wrote before it closed the connection (or before we gave up). */
  text: string;
  /** The status of the first response line, or null when the server wrote nothing. */
  status: number | null;
  /** The server closed the connection on its own (rather than our giving up after `waitMs`). */
  closedByServer: boolean;
}

/** Sends raw bytes (possibly in several writes) and collects the answer until the server closes. */
function rawExchange(port: number, chunks: Array<string | Buffer>, options: { waitMs?: number; halfClose?: boolean; reset?: boolean } = {}): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const received: Buffer[] = [];
    let settled = false;
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(received).toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ text, status: match ? Number(match[1]) : null, closedByServer });
    };
    const timer = setTimeout(() => finish(false), options.waitMs ?? 3000);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.once('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      if (options.halfClose) socket.end();
      // A client that vanishes with a reset right after its request: the server's answer hits a dead socket.
      if (options.reset) {
        socket.resetAndDestroy();
        setTimeout(() => finish(true), 100);
      }
    });
  });
}

const upgrade = (target: string, extra = ''): string =>
  `GET ${target} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

interface Service {
  port: number;
  wsPaths: string[];
  operatorToken: string;
}

function rawSocketSuite(name: string, start: () => Promise<{ service: Service; stop: () => Promise<void> }>) {
  describe(`${name}: hostile bytes on the HTTP port never end the process`, () => {
    let service: Service;
    let stop: () => Promise<void>;
    before(async () => {
      ({ service, stop } = await start());
    });
    after(async () => {
      await stop?.();
    });
    afterEach(async () => {
      // Whatever the last test sent, the service still answers.
      const health = await fetch(`http://127.0.0.1:${service.port}/health`);
      expect(health.status).to.equal(200);
    });

    const badUpgradeTargets = ['//[', 'http://[', '%', '/ws?token=%E0%A4%A', '//[::1', 'http://user@[/ws', '\\\\[x'];
    for (const target of badUpgradeTargets) {
      it(`an upgrade to the unparseable URL ${JSON.stringify(target)} gets 400 and a closed socket`, async () => {
        const answer = await rawExchange(service.port, [upgrade(target)]);
        // `%E0%A4%A` only in the query parses as a URL: its token is then simply invalid (401).
        expect(answer.status, answer.text).to.be.oneOf([400, 401, 404]);
        expect(answer.closedByServer).to.equal(true);
      });
    }

    it('an upgrade to "//[" exactly as in the report (no key, no version) gets an answer and a closed socket', async () => {
      const answer = await rawExchange(service.port, ['GET //[ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n']);
      expect(answer.status, answer.text).to.equal(400);
      expect(answer.closedByServer).to.equal(true);
    });

    it('an upgrade with a very long path is refused, not crashed on', async () => {
      const answer = await rawExchange(service.port, [upgrade(`/${'a'.repeat(12_000)}`)]);
      expect(answer.status, answer.text).to.be.oneOf([404, 414, 431]);
      expect(answer.closedByServer).to.equal(true);
    });

    it('an upgrade to a hub with an unsupported Sec-WebSocket-Version gets 400 (with a token it accepts)', async () => {
      for (const path of service.wsPaths) {
        const request = upgrade(`${path}?token=${service.operatorToken}`).replace('Sec-WebSocket-Version: 13', 'Sec-WebSocket-Version: 99');
        const answer = await rawExchange(service.port, [request]);
        // The device channel takes device tokens only: a user token is refused before the version matters.
        expect(answer.status, `${path}: ${answer.text}`).to.equal(path === '/ws/device' ? 401 : 400);
        expect(answer.closedByServer).to.equal(true);
      }
    });

    it('an upgrade without a token, from a client that resets at once, does not crash the answer', async () => {
      for (const path of service.wsPaths) {
        for (let i = 0; i < 20; i++) await rawExchange(service.port, [upgrade(path), upgrade('//[')], { reset: true });
      }
    });

    it('an upgrade with a bad-URL and a bad-token carried in the query is refused on every hub path', async () => {
      for (const path of service.wsPaths) {
        const answer = await rawExchange(service.port, [upgrade(`${path}?token=%zz`)]);
        expect(answer.status, answer.text).to.be.oneOf([400, 401]);
        expect(answer.closedByServer).to.equal(true);
      }
    });

    it('a malformed request line gets 400 and a closed socket', async () => {
      for (const line of ['GARBAGE\r\n\r\n', 'GET\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', 'GET / HTTP/1.1\r\nHost x\r\n\r\n']) {
        const answer = await rawExchange(service.port, [line]);
        expect(answer.status, `${JSON.stringify(line)}: ${answer.text}`).to.equal(400);
        expect(answer.closedByServer).to.equal(true);
      }
    });

    it('a plain GET of an unparseable URL is answered (not crashed on)', async () => {
      for (const target of ['//[', 'http://[', '%', '/api/v1/%zz']) {
        const answer = await rawExchange(service.port, [`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`]);
        expect(answer.status, answer.text).to.be.within(400, 499);
        if (target === 'http://[') expect(answer.text).to.match(/"code":"VALIDATION_ERROR"/);
      }
    });

    it('a 20 KB bearer token gets 431 and a closed socket', async () => {
      const answer = await rawExchange(service.port, [`GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'x'.repeat(20 * 1024)}\r\n\r\n`]);
      expect(answer.status, answer.text.slice(0, 200)).to.equal(431);
      expect(answer.closedByServer).to.equal(true);
    });

    it('a 20 KB token on an upgrade gets 431 and a closed socket', async () => {
      const answer = await rawExchange(service.port, [upgrade(`${service.wsPaths[0]}?token=${'x'.repeat(20 * 1024)}`)]);
      expect(answer.status, answer.text.slice(0, 200)).to.be.oneOf([414, 431]);
      expect(answer.closedByServer).to.equal(true);
    });

    it('3,000 headers get 431 and a closed socket', async () => {
      const headers = Array.from({ length: 3000 }, (_, i) => `X-H${i}: v\r\n`).join('');
      const answer = await rawExchange(service.port, [`GET /health HTTP/1.1\r\nHost: x\r\n${headers}\r\n`]);
      expect(answer.status, answer.text.slice(0, 200)).to.equal(431);
      expect(answer.closedByServer).to.equal(true);
    });

    it('3,000 headers on an upgrade get 431 and a closed socket', async () => {
      const headers = Array.from({ length: 3000 }, (_, i) => `X-H${i}: v\r\n`).join('');
      const answer = await rawExchange(service.port, [upgrade(service.wsPaths[0]!, headers)]);
      expect(answer.status, answer.text.slice(0, 200)).to.equal(431);
      expect(answer.closedByServer).to.equal(true);
    });

    it('binary garbage gets 400 and a closed socket', async () => {
      const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
      const answer = await rawExchange(service.port, [garbage]);
      expect(answer.status, answer.text.slice(0, 200)).to.equal(400);
      expect(answer.closedByServer).to.equal(true);
    });

    it('garbage after a complete upgrade request line is answered or closed', async () => {
      const answer = await rawExchange(service.port, [upgrade('//['), Buffer.from([0, 255, 1, 254, 13, 10, 13, 10])]);
      expect(answer.closedByServer).to.equal(true);
    });

    it('a half-open socket (request cut short, then FIN) is answered and closed', async () => {
      const answer = await rawExchange(service.port, ['GET /health HTTP/1.1\r\nHost: x\r\nX-Partial: '], { halfClose: true });
      expect(answer.closedByServer).to.equal(true);
    });

    it('a half-open upgrade (FIN right after the request) is answered and closed', async () => {
      for (const path of [...service.wsPaths, '//[', '/nowhere']) {
        const answer = await rawExchange(service.port, [upgrade(path)], { halfClose: true });
        expect(answer.closedByServer, path).to.equal(true);
      }
    });

    it('a connection that opens and resets without a byte is harmless', async () => {
      for (let i = 0; i < 20; i++) await rawExchange(service.port, [], { reset: true });
    });
  });
}

rawSocketSuite('edge', async () => {
  const t: TestEdge = await startTestEdge();
  return { service: { port: t.edge.port, wsPaths: ['/ws'], operatorToken: t.tokens.operator }, stop: () => t.stop() };
});

rawSocketSuite('factory (SQLite)', async () => {
  const t: TestFactory = await startTestFactory('sqlite');
  return { service: { port: t.factory.port, wsPaths: ['/ws/device', '/ws/dashboard'], operatorToken: t.tokens.operator }, stop: () => t.stop() };
});
