import { expect } from 'chai';
import { createModbusDriver } from '../../../adapters/plcs/modbus-driver.js';
import type { PlcDriver } from '../../../adapters/plcs/plc-driver.js';
import { peerMissing } from '../../support/peers.js';
import { pymodbusMissing, startPymodbusRtu, type PymodbusPeer } from '../../support/pymodbus-peer.js';
import { type PtyPair, socatPath, startPtyPair } from '../../support/socat-pty.js';
import { tempDir } from '../../support/temp-dir.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * Modbus RTU against a PLC we did not write: pymodbus's serial server (RTU framing, CRC) on one
 * end of a socat pty pair, our driver on the other as it would open /dev/ttyUSB0. What the PLC
 * received is pymodbus's own record of the writes.
 */
describe('modbus RTU driver against pymodbus over a socat pty pair (real peers)', function () {
  const missing = !socatPath() ? 'socat (apt install socat) for a pseudo-terminal pair' : pymodbusMissing();
  if (missing) {
    peerMissing(`needs ${missing}`);
    return;
  }
  this.timeout(30_000);
  let dir: ReturnType<typeof tempDir>;
  let pty: PtyPair;
  let plc: PymodbusPeer;
  let driver: PlcDriver;

  before(async () => {
    dir = tempDir('okto-rtu-pymodbus-');
    pty = await startPtyPair(dir.dir, ['plc', 'edge']);
    plc = await startPymodbusRtu(pty.links[0], 19200);
    driver = createModbusDriver({ transport: 'rtu', path: pty.links[1], baudRate: 19200, unitId: 1, timeoutMs: 1000 });
    await driver.connect();
  });
  after(async () => {
    await driver?.close();
    await plc?.stop();
    await pty?.stop();
    dir?.cleanup();
  });

  it('writes a coil and a register that pymodbus records, and reads them back', async () => {
    await driver.write('coil:7', true);
    await driver.write('hr:12', 4242);
    // pymodbus prints a write before it answers; its stdout and the serial line race to us.
    await waitFor(() => plc.writes.length >= 2, 5000, () => `two writes recorded; output: ${plc.output()}`);
    expect(plc.writes, plc.output()).to.deep.equal([
      { table: 'coil', address: 7, value: 1 },
      { table: 'hr', address: 12, value: 4242 },
    ]);
    expect(await driver.read('hr:12')).to.equal(4242);
    expect(await driver.read('coil:7')).to.equal(true);
    expect(await driver.read('coil:8')).to.equal(false);
  });
});
