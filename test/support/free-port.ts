import net from 'node:net';

/**
 * The suite's one free-port helper: a TCP port nobody listens on right now (bound to port 0, then
 * released). Only for what must be told its port before it starts (upsd, a pymodbus server, an
 * address that must refuse connections); everything we start ourselves listens on port 0 and
 * reports the port it got, which no other test file running in parallel can take from it.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
