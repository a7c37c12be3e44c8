import net from 'node:net';
import { expect } from 'chai';
import { dialTcp } from '../../adapters/printers/tcp-link.js';
import { NutClient } from '../../adapters/ups/nut-client.js';
import { waitFor } from '../support/wait-for.js';

/** A one-connection peer on loopback that runs `onSocket` for whoever connects. */
async function peer(onSocket: (socket: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Fails the test if anything reaches 'uncaughtException' while `body` runs (mocha would otherwise blame a later test). */
async function noUncaught(body: () => Promise<void>): Promise<void> {
  const seen: unknown[] = [];
  const listeners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const catcher = (error: unknown) => seen.push(error);
  process.on('uncaughtException', catcher);
  try {
    await body();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.removeListener('uncaughtException', catcher);
    for (const listener of listeners) process.on('uncaughtException', listener);
  }
  expect(seen.map(String)).to.deep.equal([]);
}

describe('socket handlers: a failure while handling received bytes ends the connection, not the process', () => {
  it('printer link: a driver that throws on received data fails the link with a reason', async () => {
    const printer = await peer((socket) => socket.write('\u0000\u00ffgarbage'));
    try {
      await noUncaught(async () => {
        let failed: string | null = null;
        dialTcp({
          host: '127.0.0.1',
          port: printer.port,
          connectTimeoutMs: 2000,
          onConnected: () => undefined,
          onData: () => {
            throw new Error('cannot decode');
          },
          onFailed: (reason) => (failed = reason),
        });
        await waitFor(() => failed !== null);
        expect(failed).to.match(/cannot decode/);
      });
    } finally {
      await printer.close();
    }
  });

  it('NUT client: a close listener that throws does not escape the socket event', async () => {
    const upsd = await peer((socket) => setTimeout(() => socket.destroy(), 20));
    try {
      await noUncaught(async () => {
        const client = await NutClient.connect({ host: '127.0.0.1', port: upsd.port, timeoutMs: 2000 });
        let told = false;
        client.onClose(() => {
          told = true;
          throw new Error('listener bug');
        });
        await waitFor(() => told);
        expect(client.closed).to.equal(true);
      });
    } finally {
      await upsd.close();
    }
  });
});
