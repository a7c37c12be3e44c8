import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ServerSerial } from 'modbus-serial';
import { createModbusDriver } from '../../../adapters/plcs/modbus-driver.js';
import type { PlcDriver } from '../../../adapters/plcs/plc-driver.js';
import { tempDir } from '../../support/temp-dir.js';
import { waitFor } from '../../support/wait-for.js';
import { peerMissing } from '../../support/peers.js';

/**
 * Modbus RTU over a real tty: socat joins two pseudo-terminals, modbus-serial's ServerSerial
 * plays the PLC on one end, our driver opens the other as it would /dev/ttyUSB0.
 */
const SOCAT = '/usr/bin/socat';

describe('modbus RTU driver over a socat pty pair', function () {
  if (!fs.existsSync(SOCAT)) {
    peerMissing(`needs ${SOCAT} (apt install socat) for a pseudo-terminal pair`);
    return;
  }
  let socat: ChildProcess;
  let server: ServerSerial;
  let driver: PlcDriver;
  let dir: { dir: string; cleanup: () => void };
  const coils = new Map<number, boolean>();
  const holding = new Map<number, number>([[3, 321]]);

  before(async () => {
    dir = tempDir('okto-rtu-');
    const plcEnd = path.join(dir.dir, 'plc');
    const edgeEnd = path.join(dir.dir, 'edge');
    socat = spawn(SOCAT, [`pty,raw,echo=0,link=${plcEnd}`, `pty,raw,echo=0,link=${edgeEnd}`], { stdio: 'ignore' });
    await waitFor(() => fs.existsSync(plcEnd) && fs.existsSync(edgeEnd), 5000, 'the pty pair');
    server = new ServerSerial(
      {
        getCoil: (addr: number, _unit: number) => coils.get(addr) ?? false,
        getHoldingRegister: (addr: number, _unit: number) => holding.get(addr) ?? 0,
        setCoil: (addr: number, value: boolean, _unit: number) => void coils.set(addr, value),
        setRegister: (addr: number, value: number, _unit: number) => void holding.set(addr, value),
      },
      { path: plcEnd, baudRate: 19200, unitID: 7 },
    );
    server.on('error', () => undefined);
    driver = createModbusDriver({ transport: 'rtu', path: edgeEnd, baudRate: 19200, unitId: 7, timeoutMs: 500 });
    await driver.connect();
  });
  after(async () => {
    await driver?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    socat?.kill();
    dir?.cleanup();
  });

  it('writes a coil and a register, and reads them back through the serial line', async () => {
    await driver.write('coil:2', true);
    await driver.write('hr:10', 4242);
    expect(coils.get(2)).to.equal(true);
    expect(holding.get(10)).to.equal(4242);
    expect(await driver.read('hr:3')).to.equal(321);
    expect(await driver.read('coil:2')).to.equal(true);
  });
});
