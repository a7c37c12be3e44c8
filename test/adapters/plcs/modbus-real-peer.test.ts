import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { createModbusDriver } from '../../../adapters/plcs/modbus-driver.js';
import { freePort } from '../../support/free-port.js';
import type { PlcDriver } from '../../../adapters/plcs/plc-driver.js';
import { waitFor } from '../../support/wait-for.js';
import { peerMissing } from '../../support/peers.js';

/**
 * The Modbus TCP driver against real peers from Debian: a pymodbus 3.0 server (Debian's
 * /usr/bin/python3 has python3-pymodbus; the pyenv python on PATH does not) and mbpoll reading
 * back what our driver wrote. Without them the tests are pending and say what is missing.
 */

const PYTHON = '/usr/bin/python3';
const MBPOLL = '/usr/bin/mbpoll';
const run = promisify(execFile);

// Addresses are 0-based on the wire (zero_mode=True), as our driver's are.
const SERVER = `
import sys
from pymodbus.server import StartTcpServer
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusSlaveContext, ModbusServerContext
hr = [0] * 200; hr[5] = 1234; hr[6] = int(sys.argv[2])
di = [0] * 200; di[3] = 1
store = ModbusSlaveContext(di=ModbusSequentialDataBlock(0, di), co=ModbusSequentialDataBlock(0, [0] * 200),
                           hr=ModbusSequentialDataBlock(0, hr), ir=ModbusSequentialDataBlock(0, [0] * 200), zero_mode=True)
StartTcpServer(context=ModbusServerContext(slaves=store, single=True), address=("127.0.0.1", int(sys.argv[1])))
`;

function missingPeers(): string | null {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} is missing`;
  if (spawnSync(PYTHON, ['-c', 'import pymodbus.server'], { stdio: 'ignore' }).status !== 0) return `pymodbus is not installed for ${PYTHON} (apt install python3-pymodbus)`;
  if (!fs.existsSync(MBPOLL)) return `${MBPOLL} is missing (apt install mbpoll)`;
  return null;
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** mbpoll's one-shot poll: `[ref]: value` lines → values by 1-based reference. */
async function mbpoll(port: number, args: string[]): Promise<Map<number, number>> {
  const { stdout } = await run(MBPOLL, ['-m', 'tcp', '-a', '1', '-1', ...args, '127.0.0.1', '-p', String(port)], { timeout: 10_000 });
  return new Map([...stdout.matchAll(/^\[(\d+)\]:\s+(-?\d+)/gm)].map((m) => [Number(m[1]), Number(m[2])]));
}

describe('modbus TCP driver against pymodbus and mbpoll (real peers)', function () {
  const missing = missingPeers();
  if (missing) {
    peerMissing(`needs the Debian Modbus peers: ${missing}`);
    return;
  }
  this.timeout(30_000);
  let server: ChildProcess;
  let port: number;
  let driver: PlcDriver;
  const lost: string[] = [];

  before(async () => {
    // Another process may take the probed port before python binds it; a nonce in hr:6 proves
    // that what answers is our server.
    for (let attempt = 0; attempt < 5 && !driver; attempt++) {
      port = await freePort();
      const nonce = 1000 + Math.floor(Math.random() * 60_000);
      const child = spawn(PYTHON, ['-c', SERVER, String(port), String(nonce)], { stdio: 'ignore' });
      let exited = false;
      child.once('exit', () => (exited = true));
      await waitFor(async () => exited || (await canConnect(port)), 15_000, 'the pymodbus server to listen');
      const candidate = createModbusDriver({ transport: 'tcp', host: '127.0.0.1', port, unitId: 1, timeoutMs: 1000 });
      const ours = !exited && (await candidate.connect().then(() => candidate.read('hr:6'), () => null)) === nonce;
      if (ours) {
        server = child;
        driver = candidate;
      } else {
        await candidate.close();
        child.kill('SIGKILL');
      }
    }
    if (!driver) throw new Error('could not start a pymodbus server on a free port');
    driver.onDisconnect((reason) => lost.push(reason));
  });
  after(async () => {
    await driver?.close();
    server?.kill('SIGKILL');
  });

  it('a coil our driver writes is read back by mbpoll', async () => {
    await driver.write('coil:11', true);
    // mbpoll numbers from 1: coil 11 on the wire is reference 12; -t 0 = coils.
    expect((await mbpoll(port, ['-r', '12', '-t', '0', '-c', '1'])).get(12)).to.equal(1);
    await driver.write('coil:11', false);
    expect((await mbpoll(port, ['-r', '12', '-t', '0', '-c', '1'])).get(12)).to.equal(0);
  });

  it('a string our driver writes lands two characters per register, high byte first', async () => {
    await driver.write('hr:20/str4', 'AB12');
    const words = await mbpoll(port, ['-r', '21', '-t', '4', '-c', '2']);
    expect([words.get(21), words.get(22)]).to.deep.equal([0x4142, 0x3132]);
    expect(await driver.read('hr:20/str4')).to.equal('AB12');
  });

  it('reads what the server holds and what mbpoll wrote', async () => {
    expect(await driver.read('hr:5')).to.equal(1234);
    expect(await driver.read('di:3')).to.equal(true);
    await run(MBPOLL, ['-m', 'tcp', '-a', '1', '-1', '-r', '31', '-t', '4', '127.0.0.1', '-p', String(port), '4321'], { timeout: 10_000 });
    expect(await driver.read('hr:30')).to.equal(4321);
  });

  it('reports the loss when the server goes away', async () => {
    // SIGKILL: a TERM can be ignored by a python whose parent ignores it, and the OS closes the socket either way.
    server.kill('SIGKILL');
    await waitFor(() => lost.length > 0 || driver.read('hr:5').then(() => false, () => lost.length > 0), 10_000, 'the disconnect');
    expect(lost[0]).to.be.a('string');
  });
});
