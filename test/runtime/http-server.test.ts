import { expect } from 'chai';
import { startHttpServer } from '../../src/runtime/http-server.js';

describe('startHttpServer: errors after listening never end the process', () => {
  it('a server error once listening (e.g. EMFILE on accept) is logged, and the server keeps answering', async () => {
    const logged: unknown[] = [];
    const http = await startHttpServer((_req, res) => res.end('ok'), { port: 0, host: '127.0.0.1' }, undefined, { error: (fields: unknown) => void logged.push(fields) } as never);
    try {
      const accept = Object.assign(new Error('accept EMFILE'), { code: 'EMFILE', syscall: 'accept' });
      expect(() => http.server.emit('error', accept)).to.not.throw();
      expect(logged).to.have.length(1);
      const res = await fetch(`http://127.0.0.1:${http.port}/`);
      expect(await res.text()).to.equal('ok');
    } finally {
      await http.close();
    }
  });

  it('a port already in use still fails the start', async () => {
    const first = await startHttpServer((_req, res) => res.end('ok'), { port: 0, host: '127.0.0.1' });
    try {
      const second = startHttpServer((_req, res) => res.end('ok'), { port: first.port, host: '127.0.0.1' });
      const error = await second.then(
        () => null,
        (e: NodeJS.ErrnoException) => e,
      );
      expect(error?.code).to.equal('EADDRINUSE');
    } finally {
      await first.close();
    }
  });
});
