import { expect } from 'chai';
import { ethernetIpDriverEntry } from '../../../adapters/plcs/ethernet-ip-driver-entry.js';
import { LazyPlcDriver } from '../../../adapters/plcs/lazy-plc-driver.js';
import { opcUaAddressProblem, opcUaDriverEntry } from '../../../adapters/plcs/opcua-driver-entry.js';
import type { PlcDriver, PlcValue } from '../../../adapters/plcs/plc-driver.js';
import { createPlcDriver, plcAddressProblem, plcBrowses } from '../../../adapters/plcs/plc-driver-factory.js';
import { plcSchema } from '../../../adapters/plcs/plcs-config.js';

function stubDriver(): PlcDriver & { drop(reason: string): void; closed: boolean } {
  const listeners: Array<(reason: string) => void> = [];
  const values = new Map<string, PlcValue>();
  return {
    protocol: 'STUB',
    closed: false,
    async connect() {},
    async read(address) {
      return values.get(address) ?? false;
    },
    async write(address, value) {
      values.set(address, value);
    },
    async browse() {
      return [];
    },
    onDisconnect(listener) {
      listeners.push(listener);
    },
    async close() {
      this.closed = true;
    },
    drop(reason) {
      for (const listener of listeners) listener(reason);
    },
  };
}

describe('LazyPlcDriver (protocol libraries loaded on first connect)', () => {
  it('does not load before connect, then forwards everything, including listeners registered early', async () => {
    const stub = stubDriver();
    let loads = 0;
    const lazy = new LazyPlcDriver('OPC_UA', async () => {
      loads++;
      return stub;
    });
    const reasons: string[] = [];
    lazy.onDisconnect((reason) => reasons.push(reason));
    expect(loads).to.equal(0);
    let refused: unknown;
    await lazy.read('x').catch((error: unknown) => (refused = error));
    expect((refused as Error).message).to.equal('OPC_UA read x: not connected');
    await lazy.connect();
    await lazy.connect();
    expect(loads).to.equal(1);
    await lazy.write('x', 3);
    expect(await lazy.read('x')).to.equal(3);
    stub.drop('gone');
    expect(reasons).to.deep.equal(['gone']);
    await lazy.close();
    expect(stub.closed).to.equal(true);
  });

  it('reports a driver that cannot load, and tries again on the next connect', async () => {
    let attempts = 0;
    const lazy = new LazyPlcDriver('ETHERNET_IP', async () => {
      attempts++;
      if (attempts === 1) throw new Error('module missing');
      return stubDriver();
    });
    try {
      await lazy.connect();
      expect.fail('connect should fail');
    } catch (error) {
      expect((error as Error).message).to.equal('ETHERNET_IP: cannot load the driver: module missing');
    }
    await lazy.connect();
    expect(attempts).to.equal(2);
    await lazy.close();
  });
});

describe('OPC_UA and ETHERNET_IP in the PLC driver registry', () => {
  const opcua = plcSchema.parse({ id: 'opc', protocol: 'OPC_UA', endpointUrl: 'opc.tcp://127.0.0.1:4840' });
  const enip = plcSchema.parse({ id: 'logix', protocol: 'ETHERNET_IP', host: '127.0.0.1', slot: 0, timeoutMs: 500 });

  it('creates lazy drivers for both protocols, which browse', () => {
    expect(createPlcDriver(opcua)).to.be.instanceOf(LazyPlcDriver).and.include({ protocol: 'OPC_UA' });
    expect(createPlcDriver(enip)).to.be.instanceOf(LazyPlcDriver).and.include({ protocol: 'ETHERNET_IP' });
    expect(plcBrowses(opcua)).to.equal(true);
    expect(plcBrowses(enip)).to.equal(true);
  });

  it('checks addresses before they are bound', () => {
    expect(plcAddressProblem(opcua, 'ns=2;s=Line.Eject')).to.equal(null);
    expect(plcAddressProblem(opcua, 'ns=3;i=1001')).to.equal(null);
    expect(plcAddressProblem(opcua, 'Line.Eject')).to.match(/NodeId such as ns=2;s=Line\.Eject/);
    expect(opcUaAddressProblem('ns=2;x=1')).to.not.equal(null);
    expect(plcAddressProblem(enip, 'Program:Main.Eject')).to.equal(null);
    expect(plcAddressProblem(enip, 'Eject; DROP')).to.match(/not a Logix tag name/);
  });

  it('refuses an EtherNet/IP port st-ethernet-ip cannot dial, and a missing endpoint', () => {
    expect(() => ethernetIpDriverEntry.create({ ...enip, port: 2222 })).to.throw(/always connects to port 44818/);
    expect(() => opcUaDriverEntry.create({ ...opcua, endpointUrl: undefined })).to.throw(/needs an endpointUrl/);
  });

  it('loads st-ethernet-ip on connect and reports a refused connection (nothing on 127.0.0.1:44818)', async () => {
    const driver = createPlcDriver(enip);
    try {
      await driver.connect();
      expect.fail('connect should fail');
    } catch (error) {
      expect((error as Error).message).to.match(/EtherNet\/IP: cannot connect to 127\.0\.0\.1 slot 0/);
    }
    await driver.close();
  });
});
