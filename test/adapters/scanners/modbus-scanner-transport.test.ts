import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import modbusSerial from 'modbus-serial';
import { DEFAULT_MAX_FRAME_BYTES, DEFAULT_NO_READ } from '../../../adapters/scanners/framing.js';
import { type ModbusScannerSimulator, startModbusScannerSimulator } from '../../../adapters/scanners/modbus-scanner-simulator.js';
import { type ModbusScannerConfig, modbusScannerTransport, registersToBytes, stringToRegisters } from '../../../adapters/scanners/modbus-scanner-transport.js';
import { waitFor } from '../../support/wait-for.js';
import { startTransport } from './callback-harness.js';
import { freePort } from '../../support/free-port.js';
import { skipForMissingPeer } from '../../support/peers.js';

const GS = '\u001d';
const CODE = `0104600000000017215ABCDE${GS}93ABCD`;
const base = (over: Partial<ModbusScannerConfig>): ModbusScannerConfig => ({
  port: 502,
  baudRate: 9600,
  dataBits: 8,
  parity: 'none',
  stopBits: 1,
  unitId: 1,
  readyRegister: 0,
  codeRegister: 10,
  codeRegisters: 32,
  swapBytes: false,
  pollIntervalMs: 5,
  timeoutMs: 300,
  framing: { suffix: 'CRLF', noRead: [...DEFAULT_NO_READ], maxFrameBytes: DEFAULT_MAX_FRAME_BYTES },
  ...over,
});

describe('modbus scanner transport', () => {
  describe('register text', () => {
    it('two bytes per register, high byte first (or swapped), NUL padding dropped', () => {
      const registers = stringToRegisters('ABC', 4);
      expect(registers).to.deep.equal([0x4142, 0x4300, 0, 0]);
      expect(registersToBytes(registers).toString()).to.equal('ABC');
      expect(registersToBytes(stringToRegisters('ABC', 4, true), true).toString()).to.equal('ABC');
      expect(stringToRegisters('ABCDEFGH', 2)).to.deep.equal([0x4142, 0x4344]); // cut at the register count
    });
  });

  describe('against a modbus-serial ServerTCP simulator', () => {
    let sim: ModbusScannerSimulator;
    let transport: ReturnType<typeof startTransport> | null = null;
    beforeEach(async () => {
      sim = await startModbusScannerSimulator();
    });
    afterEach(async () => {
      transport?.stop();
      transport = null;
      await sim.close();
    });

    it('reads a code when the ready flag rises, then clears the flag; a no-read string and an empty code are no-reads', async () => {
      transport = startTransport(modbusScannerTransport, base({ host: sim.host, port: sim.port }));
      const { event } = await transport.next('transport.connected');
      expect(event.peer).to.equal(`modbus-tcp://127.0.0.1:${sim.port}/1`);
      sim.present(CODE);
      await waitFor(sim.taken, 5000, 'the flag cleared');
      sim.present('NoRead');
      await waitFor(sim.taken, 5000, 'the flag cleared');
      sim.present('');
      const frames = await transport.frames(3);
      expect(frames).to.deep.equal([
        { kind: 'code', text: CODE },
        { kind: 'noread', text: 'NoRead' },
        { kind: 'noread', text: '' },
      ]);
    });

    it('a device that stops answering fails the invocation (once); a fresh one reads again when it is back', async () => {
      transport = startTransport(modbusScannerTransport, base({ host: sim.host, port: sim.port }));
      await transport.next('transport.connected');
      sim.setSilent(true);
      const { event, index } = await transport.next('transport.failed');
      expect(event.reason).to.match(/poll failed/);
      sim.setSilent(false);
      transport.restart();
      await transport.next('transport.connected', index + 1);
      sim.present('after');
      expect(await transport.frames(1, index + 1)).to.deep.equal([{ kind: 'code', text: 'after' }]);
      expect(transport.of('transport.failed')).to.have.length(1);
    });

    it('a dropped connection fails the invocation', async () => {
      transport = startTransport(modbusScannerTransport, base({ host: sim.host, port: sim.port }));
      await transport.next('transport.connected');
      sim.dropConnections();
      await transport.next('transport.failed');
    });

    it('a refused connection fails at connect', async () => {
      transport = startTransport(modbusScannerTransport, base({ host: '127.0.0.1', port: await freePort() }));
      const { event } = await transport.next('transport.failed');
      expect(event.reason).to.match(/connect to modbus-tcp/);
    });
  });

  describe('against a pymodbus server (Debian python3-pymodbus)', function () {
    const python = '/usr/bin/python3';
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../support/pymodbus-server.py');
    let server: ChildProcess | null = null;
    let port = 0;

    before(async function () {
      if (!fs.existsSync(python)) return;
      port = await freePort();
      server = spawn(python, [script, String(port)], { stdio: ['ignore', 'pipe', 'ignore'] });
      const ready = await new Promise<boolean>((resolve) => {
        let out = '';
        const timer = setTimeout(() => resolve(false), 10_000);
        server!.once('exit', () => resolve(false));
        server!.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('READY')) {
            clearTimeout(timer);
            resolve(true);
          }
        });
      });
      if (!ready) {
        server.kill();
        server = null;
      }
    });
    after(() => {
      server?.kill();
    });

    it('reads a code a device wrote, and clears the flag on the real server', async function () {
      if (!server) return skipForMissingPeer(this, 'pymodbus is not installed for /usr/bin/python3 (apt install python3-pymodbus)');
      const transport = startTransport(modbusScannerTransport, base({ host: '127.0.0.1', port, readyRegister: 100, codeRegister: 110 }));
      const device = new modbusSerial.default();
      try {
        await transport.next('transport.connected');
        await device.connectTCP('127.0.0.1', { port });
        device.setID(1);
        device.setTimeout(1000);
        await device.writeRegisters(110, stringToRegisters(CODE, 32));
        await device.writeRegister(100, 1);
        expect(await transport.frames(1)).to.deep.equal([{ kind: 'code', text: CODE }]);
        await waitFor(async () => (await device.readHoldingRegisters(100, 1)).data[0] === 0, 5000, 'the flag cleared on the server');
      } finally {
        transport.stop();
        device.close(() => undefined);
      }
    });
  });
});
