import { expect } from 'chai';
import { PLC_DRIVERS, plcAddressProblem } from '../../../adapters/plcs/plc-driver-factory.js';
import type { PlcRequestError } from '../../../adapters/plcs/modbus-driver.js';
import { type ModbusSimulator, startModbusSimulator } from '../../../adapters/plcs/modbus-simulator.js';
import type { PlcDriver } from '../../../adapters/plcs/plc-driver.js';
import { createProfinetGatewayDriver, resolveGatewayAddress } from '../../../adapters/plcs/profinet-gateway-driver.js';
import { plcSchema } from '../../../adapters/plcs/plcs-config.js';

/** An MGate-style map: what we write in holding registers/coils, what the PLC reports in input registers. */
const REGISTERS = {
  'Q.Eject': 'coil:0',
  'Q.Gtin': 'hr:10/str14',
  'Q.GoodCount': 'hr:30/u32',
  'I.StopRequest': 'di:4',
  'I.LineRunning': 'di:5',
  'I.Speed': 'ir:2',
};

describe('PROFINET through a Modbus TCP gateway', () => {
  let sim: ModbusSimulator;
  let driver: PlcDriver;

  beforeEach(async () => {
    sim = await startModbusSimulator();
    driver = createProfinetGatewayDriver({ host: sim.host, port: sim.port, unitId: 1, timeoutMs: 300, registers: REGISTERS });
    await driver.connect();
  });
  afterEach(async () => {
    await driver.close();
    await sim.close();
  });

  it('writes process data by name to the mapped registers', async () => {
    await driver.write('Q.Eject', true);
    await driver.write('Q.Gtin', '04601234567890');
    await driver.write('Q.GoodCount', 70_000);
    expect(sim.coils.get(0)).to.equal(true);
    expect(sim.text(10, 14)).to.equal('04601234567890');
    expect([sim.holding.get(30), sim.holding.get(31)]).to.deep.equal([1, 70_000 - 65_536]);
  });

  it('reads the PLC-side process data by name', async () => {
    sim.discreteInputs.set(4, true);
    sim.input.set(2, 120);
    expect(await driver.read('I.StopRequest')).to.equal(true);
    expect(await driver.read('I.LineRunning')).to.equal(false);
    expect(await driver.read('I.Speed')).to.equal(120);
  });

  it('accepts a raw Modbus address for registers the map does not name, and refuses unknown names', async () => {
    sim.holding.set(99, 7);
    expect(await driver.read('hr:99')).to.equal(7);
    const error = await driver.read('Q.Nope').then(
      () => null,
      (e: PlcRequestError) => e,
    );
    expect(error?.code).to.equal('BAD_ADDRESS');
    expect(error?.message).to.match(/neither a process-data name/);
  });

  it('browse() lists the gateway map as tags, with types and direction from the Modbus tables', async () => {
    const tags = await driver.browse();
    expect(tags).to.deep.include({ address: 'Q.Eject', name: 'Q.Eject', dataType: 'bool', writable: true });
    expect(tags).to.deep.include({ address: 'Q.Gtin', name: 'Q.Gtin', dataType: 'string', writable: true });
    expect(tags).to.deep.include({ address: 'I.StopRequest', name: 'I.StopRequest', dataType: 'bool', writable: false });
    expect(tags).to.have.length(Object.keys(REGISTERS).length);
  });

  it('binding addresses are checked against the map up front; the registry entry builds this driver', () => {
    const config = plcSchema.parse({ id: 'pn', protocol: 'PROFINET', host: '127.0.0.1', gateway: { registers: REGISTERS } });
    expect(plcAddressProblem(config, 'Q.Eject')).to.equal(null);
    expect(plcAddressProblem(config, 'coil:3')).to.equal(null);
    expect(plcAddressProblem(config, 'Q.Missing')).to.match(/neither/);
    expect(resolveGatewayAddress({ Bad: 'hr:abc' }, 'Bad')).to.deep.equal({ error: 'gateway map entry "Bad": "hr:abc" is not a Modbus address (coil:N, di:N, hr:N, ir:N, optionally /u16 /i16 /u32 /i32 /f32 /str<len>)' });
    expect(PLC_DRIVERS.PROFINET!.create(config).protocol).to.equal('PROFINET');
  });

  it('configuration: a PROFINET PLC needs a host and a register map', () => {
    const result = plcSchema.safeParse({ id: 'pn', protocol: 'PROFINET' });
    expect(result.success).to.equal(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).to.include.members(['host', 'gateway']);
  });
});
