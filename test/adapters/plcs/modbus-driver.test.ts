import { expect } from 'chai';
import { decodeRegisters, encodeRegisters, parseModbusAddress } from '../../../adapters/plcs/modbus-address.js';
import { createModbusDriver, PlcRequestError } from '../../../adapters/plcs/modbus-driver.js';
import { type ModbusSimulator, startModbusSimulator } from '../../../adapters/plcs/modbus-simulator.js';
import { freePort } from '../../support/free-port.js';
import type { PlcDriver } from '../../../adapters/plcs/plc-driver.js';
import { waitFor } from '../../support/wait-for.js';

const rejection = async (promise: Promise<unknown>): Promise<PlcRequestError> => {
  try {
    await promise;
  } catch (error) {
    return error as PlcRequestError;
  }
  throw new Error('expected a rejection');
};

describe('modbus addresses', () => {
  it('parses tables, offsets and formats', () => {
    expect(parseModbusAddress('coil:10')).to.deep.include({ table: 'coil', offset: 10, count: 1, writable: true, format: null });
    expect(parseModbusAddress('di:3')).to.deep.include({ table: 'di', writable: false });
    expect(parseModbusAddress('ir:7/f32')).to.deep.include({ table: 'ir', count: 2, writable: false });
    expect(parseModbusAddress('hr:200/str10')).to.deep.include({ table: 'hr', offset: 200, count: 5, format: { type: 'str', length: 10 } });
    expect(parseModbusAddress('hr:1/str3')).to.deep.include({ count: 2 });
  });

  it('rejects what is not an address, with the reason', () => {
    for (const bad of ['coil', 'coil:x', 'xx:1', 'coil:1/u32', 'hr:70000', 'hr:65535/u32', 'hr:1/str0', 'hr:1/str999', 'hr:1/f64', ' ']) {
      expect(parseModbusAddress(bad), bad).to.be.a('string');
    }
  });

  it('round-trips every register format', () => {
    const cases: Array<[string, number | string]> = [
      ['hr:0', 65535],
      ['hr:0/i16', -2],
      ['hr:0/u32', 4_000_000_000],
      ['hr:0/i32', -123_456],
      ['hr:0/f32', 1.5],
      ['hr:0/str7', 'ABCdefg'],
      ['hr:0/str8', 'short'],
    ];
    for (const [address, value] of cases) {
      const parsed = parseModbusAddress(address);
      if (typeof parsed === 'string') throw new Error(parsed);
      expect(decodeRegisters(parsed, encodeRegisters(parsed, value)), address).to.equal(value);
    }
  });

  it('refuses values the format cannot hold', () => {
    const u16 = parseModbusAddress('hr:0');
    const str = parseModbusAddress('hr:0/str2');
    if (typeof u16 === 'string' || typeof str === 'string') throw new Error('parse');
    expect(() => encodeRegisters(u16, 70_000)).to.throw(RangeError);
    expect(() => encodeRegisters(u16, 1.5)).to.throw(RangeError);
    expect(() => encodeRegisters(u16, 'abc')).to.throw(RangeError);
    expect(() => encodeRegisters(str, 'abc')).to.throw(RangeError);
  });
});

describe('modbus TCP driver against the modbus-serial simulator', () => {
  let sim: ModbusSimulator;
  let driver: PlcDriver;
  let lost: string[];

  beforeEach(async () => {
    sim = await startModbusSimulator();
    lost = [];
    driver = createModbusDriver({ transport: 'tcp', host: sim.host, port: sim.port, unitId: 1, timeoutMs: 200 });
    driver.onDisconnect((reason) => lost.push(reason));
  });
  afterEach(async () => {
    await driver.close();
    await sim.close();
  });

  it('writes coils and registers the simulator records, with timestamps, and reads them back', async () => {
    await driver.connect();
    await driver.write('coil:11', true);
    await driver.write('hr:100/str10', '4601234567');
    await driver.write('hr:20/i32', -7);
    expect(sim.coils.get(11)).to.equal(true);
    expect(sim.text(100, 10)).to.equal('4601234567');
    expect(sim.writes[0]).to.deep.include({ table: 'coil', address: 11, value: true });
    expect(sim.writes[0]!.at).to.be.a('number');
    expect(await driver.read('coil:11')).to.equal(true);
    expect(await driver.read('hr:100/str10')).to.equal('4601234567');
    expect(await driver.read('hr:20/i32')).to.equal(-7);
  });

  it('reads discrete inputs and input registers set on the simulator, and refuses to write them', async () => {
    sim.discreteInputs.set(2, true);
    sim.input.set(5, 0x3fc0);
    sim.input.set(6, 0);
    await driver.connect();
    expect(await driver.read('di:2')).to.equal(true);
    expect(await driver.read('ir:5/f32')).to.equal(1.5);
    expect((await rejection(driver.write('di:2', true))).code).to.equal('BAD_ADDRESS');
    expect((await rejection(driver.write('ir:5', 1))).code).to.equal('BAD_ADDRESS');
    expect((await rejection(driver.read('nonsense'))).code).to.equal('BAD_ADDRESS');
    expect((await rejection(driver.write('hr:1', 99_999))).code).to.equal('BAD_VALUE');
  });

  it('serialises concurrent requests: every one is answered, in order', async () => {
    await driver.connect();
    const writes = Array.from({ length: 50 }, (_, i) => driver.write(`hr:${i}`, i * 3));
    await Promise.all(writes);
    expect(sim.writes.map((w) => w.address)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
    expect(await Promise.all(Array.from({ length: 50 }, (_, i) => driver.read(`hr:${i}`)))).to.deep.equal(Array.from({ length: 50 }, (_, i) => i * 3));
  });

  it('reports a dropped connection once, fails requests fast afterwards, and connects again', async () => {
    await driver.connect();
    sim.dropConnections();
    await waitFor(() => lost.length === 1, 2000, 'the disconnect');
    expect(lost[0]).to.match(/closed/);
    expect((await rejection(driver.read('coil:1'))).code).to.equal('NOT_CONNECTED');
    await driver.connect();
    await driver.write('coil:1', true);
    expect(sim.coils.get(1)).to.equal(true);
    expect(lost).to.have.length(1);
  });

  it('a slow peer: a request beyond timeoutMs fails with TIMEOUT; the link stays until several are missed in a row', async () => {
    await driver.connect();
    sim.delayMs = 500;
    expect((await rejection(driver.read('hr:1'))).code).to.equal('TIMEOUT');
    expect(lost).to.deep.equal([]);
    sim.delayMs = 0;
    // The late answer to the timed-out request must not be taken for this one's.
    sim.holding.set(2, 77);
    expect(await driver.read('hr:2')).to.equal(77);
  });

  it('a silent peer (hung PLC, wrong unit id): three unanswered requests in a row mean the link is lost', async () => {
    await driver.connect();
    sim.silent = true;
    for (let i = 0; i < 3; i++) expect((await rejection(driver.read('coil:1'))).code).to.equal('TIMEOUT');
    expect(lost).to.have.length(1);
    expect(lost[0]).to.match(/no answer to 3 requests/);
  });

  it('a wrong unit id times out', async () => {
    const other = createModbusDriver({ transport: 'tcp', host: sim.host, port: sim.port, unitId: 9, timeoutMs: 150 });
    try {
      await other.connect();
      expect((await rejection(other.read('coil:1'))).code).to.equal('TIMEOUT');
    } finally {
      await other.close();
    }
  });

  it('connect fails when nothing listens, and when the peer refuses', async () => {
    const port = await freePort();
    const nobody = createModbusDriver({ transport: 'tcp', host: '127.0.0.1', port, unitId: 1, timeoutMs: 200 });
    await rejection(nobody.connect());
    await nobody.close();
    sim.refusing = true;
    await driver.connect().catch(() => undefined);
    // Accepted and closed at once: either connect failed or the loss is reported.
    await waitFor(async () => lost.length > 0 || (await driver.read('coil:1').then(() => false, () => true)), 2000, 'a refused link');
  });

  it('close() is idempotent and never hangs, connected or not', async () => {
    await driver.close();
    await driver.connect();
    await driver.close();
    await driver.close();
    expect(lost).to.deep.equal([]);
  });
});
