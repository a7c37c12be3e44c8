import { expect } from 'chai';
import type { TcpScannerConfig } from '../../../adapters/scanners/tcp-transport.js';
import { scannerTransportInput } from '../../../src/edge/hardware/scanner-children.js';
import { scannerSchema, scannersConfigSchema, scannersListSchema } from '../../../adapters/scanners/scanners-config.js';

const issues = (value: unknown) => {
  const result = scannersListSchema.safeParse(value);
  expect(result.success, 'expected a validation failure').to.equal(false);
  return result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('scanner configuration', () => {
  it('defaults: one mock scanner; GENERIC model, ADD role, CRLF framing', () => {
    const [mock] = scannersConfigSchema.parse(undefined);
    expect(mock).to.include({ id: 'mock-1', transport: 'MOCK', model: 'GENERIC', role: 'ADD' });
    expect(mock!.framing.suffix).to.equal('CRLF');
  });

  it("maps the earlier lower-case 'tcp' and 'mock' and accepts every spec transport", () => {
    const list = scannersListSchema.parse([
      { id: 'a', transport: 'tcp', port: 2001 },
      { id: 'b', transport: 'mock' },
      { id: 'c', transport: 'SERIAL', serial: { path: '/dev/ttyS0' } },
      { id: 'd', transport: 'USB_HID', serial: { path: '/dev/ttyACM0', baudRate: 115200 } },
      { id: 'e', transport: 'MODBUS', modbus: { host: '192.0.2.5', readyRegister: 0, codeRegister: 10 } },
      { id: 'f', transport: 'ETHERNET_IP', ethernetIp: { host: '192.0.2.6', codeTag: 'Code' } },
    ]);
    expect(list.map((s) => s.transport)).to.deep.equal(['TCP', 'MOCK', 'SERIAL', 'USB_HID', 'MODBUS', 'ETHERNET_IP']);
    expect(list[2]!.serial).to.deep.equal({ path: '/dev/ttyS0', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
    expect(list[4]!.modbus).to.include({ port: 502, unitId: 1, codeRegisters: 64, pollIntervalMs: 50 });
    expect(list[5]!.ethernetIp).to.include({ slot: 0, pollIntervalMs: 100 });
  });

  it('a model brings its defaults (Cognex: port 23, DMCC trigger); the configuration wins over them', () => {
    const cognex = scannerSchema.parse({ id: 'c1', transport: 'TCP', model: 'COGNEX_DATAMAN', host: '192.0.2.10' });
    expect(cognex).to.include({ port: 23, trigger: '||>TRIGGER ON\r\n' });
    const custom = scannerSchema.parse({ id: 'c1', transport: 'TCP', model: 'COGNEX_DATAMAN', port: 2323, trigger: '||>TRIGGER ON\n', framing: { suffix: 'STX_ETX' } });
    expect(custom).to.include({ port: 2323, trigger: '||>TRIGGER ON\n' });
    expect(custom.framing.suffix).to.equal('STX_ETX');
  });

  it('parsing its own output again gives the same scanner (overrides are stored parsed)', () => {
    const once = scannersListSchema.parse([{ id: 'c1', transport: 'tcp', model: 'COGNEX_DATAMAN', role: 'REJECTION_FEEDBACK', framing: { prefix: 'R1:' } }]);
    expect(scannersListSchema.parse(JSON.parse(JSON.stringify(once)))).to.deep.equal(once);
  });

  it('names the field: missing port / serial / modbus / ethernetIp settings, bad role, model, transport, framing, unknown keys', () => {
    expect(issues([{ id: 'a', transport: 'TCP' }])).to.deep.equal(['0.port: a tcp scanner needs a port']);
    expect(issues([{ id: 'a', transport: 'SERIAL' }])[0]).to.match(/^0\.serial:/);
    expect(issues([{ id: 'a', transport: 'USB_HID' }])[0]).to.match(/^0\.serial:/);
    expect(issues([{ id: 'a', transport: 'MODBUS' }])[0]).to.match(/^0\.modbus:/);
    expect(issues([{ id: 'a', transport: 'MODBUS', modbus: { readyRegister: 0, codeRegister: 1 } }])[0]).to.match(/^0\.modbus\.host: give either host/);
    expect(issues([{ id: 'a', transport: 'ETHERNET_IP' }])[0]).to.match(/^0\.ethernetIp:/);
    expect(issues([{ id: 'a', transport: 'MOCK', role: 'SORT' }])[0]).to.match(/^0\.role:/);
    expect(issues([{ id: 'a', transport: 'MOCK', model: 'ZEBRA' }])[0]).to.match(/^0\.model:/);
    expect(issues([{ id: 'a', transport: 'serial' }])[0]).to.match(/^0\.transport:/);
    expect(issues([{ id: 'a', transport: 'MOCK', framing: { suffix: 'TAB' } }])[0]).to.match(/^0\.framing\.suffix:/);
    expect(issues([{ id: 'a', transport: 'MOCK', colour: 'red' }])[0]).to.match(/^0:/);
  });

  it('listen mode: allowFrom (CIDRs or addresses), replacePeer and peerIdleMs reach the transport; absent, the transport keeps its defaults', () => {
    const pinned = scannerSchema.parse({ id: 'l1', transport: 'TCP', mode: 'listen', host: '0.0.0.0', port: 5001, allowFrom: ['192.168.10.0/24', '10.1.2.3', 'fd00::/8'], replacePeer: true, peerIdleMs: 30_000 });
    expect(scannerTransportInput(pinned)).to.include({ mode: 'listen', replacePeer: true, peerIdleMs: 30_000 });
    expect((scannerTransportInput(pinned) as TcpScannerConfig).allowFrom).to.deep.equal(['192.168.10.0/24', '10.1.2.3', 'fd00::/8']);
    const plain = scannerTransportInput(scannerSchema.parse({ id: 'l2', transport: 'TCP', mode: 'listen', port: 5002 })) as TcpScannerConfig;
    expect(plain).to.not.have.any.keys('allowFrom', 'replacePeer', 'peerIdleMs');
    expect(scannerSchema.parse(scannerSchema.parse({ ...pinned }))).to.deep.equal(pinned);
  });

  it('listen-mode settings: a range that is not one, an empty list, or use outside TCP listen are refused naming the field', () => {
    expect(issues([{ id: 'l', transport: 'TCP', mode: 'listen', port: 1, allowFrom: ['192.168.1.0/33'] }])).to.deep.equal(['0.allowFrom.0: an address or CIDR range, e.g. 192.168.10.0/24, 10.1.2.3 or fd00::/8']);
    expect(issues([{ id: 'l', transport: 'TCP', mode: 'listen', port: 1, allowFrom: ['scanner.local'] }])[0]).to.match(/^0\.allowFrom\.0: /);
    expect(issues([{ id: 'l', transport: 'TCP', mode: 'listen', port: 1, allowFrom: [] }])[0]).to.match(/^0\.allowFrom: /);
    expect(issues([{ id: 'l', transport: 'TCP', mode: 'listen', port: 1, peerIdleMs: 10 }])[0]).to.match(/^0\.peerIdleMs: /);
    expect(issues([{ id: 'c', transport: 'TCP', mode: 'connect', port: 1, allowFrom: ['10.0.0.0/8'] }])).to.deep.equal(['0.allowFrom: allowFrom applies to a TCP scanner in listen mode only']);
    expect(issues([{ id: 'm', transport: 'MOCK', replacePeer: true }])).to.deep.equal(['0.replacePeer: replacePeer applies to a TCP scanner in listen mode only']);
  });

  it('at most 10, ids unique', () => {
    expect(issues(Array.from({ length: 11 }, (_, i) => ({ id: `s${i}`, transport: 'MOCK' })))[0]).to.match(/at most 10/);
    expect(issues([{ id: 's', transport: 'MOCK' }, { id: 's', transport: 'MOCK' }])[0]).to.match(/unique/);
    expect(scannersListSchema.parse(Array.from({ length: 10 }, (_, i) => ({ id: `s${i}`, transport: 'MOCK' })))).to.have.length(10);
  });
});
