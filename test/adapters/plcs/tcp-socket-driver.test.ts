import net from 'node:net';
import { expect } from 'chai';
import type { PlcRequestError } from '../../../adapters/plcs/modbus-driver.js';
import type { PlcDriver } from '../../../adapters/plcs/plc-driver.js';
import { createTcpSocketDriver, formatValue, parseValue } from '../../../adapters/plcs/tcp-socket-driver.js';
import { waitFor } from '../../support/wait-for.js';

const rejection = async (promise: Promise<unknown>): Promise<PlcRequestError> => {
  try {
    await promise;
  } catch (error) {
    return error as PlcRequestError;
  }
  throw new Error('expected a rejection');
};

/**
 * A PLC speaking the TCP_SOCKET line protocol, with a tag table; `respond` can be replaced to
 * misbehave (garbage, silence, slowness).
 */
async function startSocketPeer() {
  const tags = new Map<string, string>();
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  const peer = {
    tags,
    received,
    respond(line: string, socket: net.Socket): void {
      const [verb, address, ...rest] = line.split(' ');
      if (verb === 'READ' && address) socket.write(tags.has(address) ? `OK ${tags.get(address)}\r\n` : `ERR unknown tag ${address}\n`);
      else if (verb === 'WRITE' && address) {
        tags.set(address, rest.join(' '));
        socket.write('OK\n');
      } else socket.write('ERR bad request\n');
    },
    port: 0,
    dropAll: () => sockets.forEach((s) => s.destroy()),
    close: () => new Promise<void>((resolve) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => resolve());
    }),
  };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    let buffer = '';
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let i: number;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        received.push(line);
        peer.respond(line, socket);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.port = (server.address() as net.AddressInfo).port;
  return peer;
}

describe('TCP_SOCKET driver (raw line protocol)', () => {
  let peer: Awaited<ReturnType<typeof startSocketPeer>>;
  let driver: PlcDriver;
  let lost: string[];

  beforeEach(async () => {
    peer = await startSocketPeer();
    lost = [];
    driver = createTcpSocketDriver({ host: '127.0.0.1', port: peer.port, timeoutMs: 200 });
    driver.onDisconnect((reason) => lost.push(reason));
    await driver.connect();
  });
  afterEach(async () => {
    await driver.close();
    await peer.close();
  });

  it('formats and parses values: booleans, numbers, JSON strings, bare text', () => {
    expect([true, false, 12, -1.5, 'a "b"'].map(formatValue)).to.deep.equal(['true', 'false', '12', '-1.5', '"a \\"b\\""']);
    expect(['true', 'false', '12', '-1.5', '"a \\"b\\""', 'RUNNING'].map(parseValue)).to.deep.equal([true, false, 12, -1.5, 'a "b"', 'RUNNING']);
  });

  it('writes and reads tags with the documented requests', async () => {
    await driver.write('Line.Eject', true);
    await driver.write('Line.Gtin', '04601234567890');
    await driver.write('Line.Good', 17);
    expect(peer.received).to.deep.equal(['WRITE Line.Eject true', 'WRITE Line.Gtin "04601234567890"', 'WRITE Line.Good 17']);
    expect(await driver.read('Line.Eject')).to.equal(true);
    expect(await driver.read('Line.Gtin')).to.equal('04601234567890');
    expect(await driver.read('Line.Good')).to.equal(17);
  });

  it('an ERR reply fails that request only', async () => {
    const error = await rejection(driver.read('Nope'));
    expect(error.code).to.equal('DEVICE');
    expect(error.message).to.equal('unknown tag Nope');
    peer.tags.set('A', '1');
    expect(await driver.read('A')).to.equal(1);
    expect(lost).to.deep.equal([]);
  });

  it('rejects addresses with spaces before sending anything', async () => {
    expect((await rejection(driver.read('two words'))).code).to.equal('BAD_ADDRESS');
    expect(peer.received).to.deep.equal([]);
  });

  it('garbage from the PLC ends the link (pairing by order cannot be trusted after it)', async () => {
    peer.respond = (_line, socket) => socket.write('\u0000\u00ffHELLO?\n');
    const error = await rejection(driver.read('A'));
    expect(error.code).to.equal('GARBAGE');
    expect(lost).to.have.length(1);
    expect(lost[0]).to.match(/garbage/);
    expect((await rejection(driver.read('A'))).code).to.equal('NOT_CONNECTED');
  });

  it('an unsolicited line, and an over-long line, end the link too', async () => {
    const sockets: net.Socket[] = [];
    peer.respond = (_line, socket) => sockets.push(socket);
    const pendingRead = rejection(driver.read('A'));
    await waitFor(() => sockets.length === 1, 2000, 'the request');
    sockets[0]!.write('x'.repeat(2000));
    expect((await pendingRead).code).to.equal('GARBAGE');
    expect(lost[0]).to.match(/longer than 1024/);

    // A reply with nobody waiting for it.
    await driver.connect();
    peer.respond = (_line, socket) => socket.write('OK 1\nOK 2\n');
    expect(await driver.read('A')).to.equal(1);
    await waitFor(() => lost.length === 2, 2000, 'the unsolicited reply to end the link');
    expect(lost[1]).to.match(/nobody asked/);
  });

  it('a slow peer: a request beyond timeoutMs fails with TIMEOUT and the link is renewed, so the late reply cannot be mispaired', async () => {
    peer.respond = (line, socket) => setTimeout(() => !socket.destroyed && socket.write('OK 5\n'), 400);
    expect((await rejection(driver.read('A'))).code).to.equal('TIMEOUT');
    expect(lost).to.have.length(1);
    expect(lost[0]).to.match(/no answer/);
  });

  it('reports the peer closing the connection, and connects again', async () => {
    peer.dropAll();
    await waitFor(() => lost.length === 1, 2000, 'the disconnect');
    await driver.connect();
    await driver.write('B', false);
    expect(peer.tags.get('B')).to.equal('false');
  });
});
