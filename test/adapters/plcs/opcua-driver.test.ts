import path from 'node:path';
import { expect } from 'chai';
import { resolveNodeId } from 'node-opcua';
import { opcUaAddressProblem } from '../../../adapters/plcs/opcua-driver-entry.js';
import { OpcUaDriver, type OpcUaDriverConfig } from '../../../adapters/plcs/opcua-driver.js';
import { OpcUaPlcSimulator } from '../../../adapters/plcs/opcua-simulator.js';
import { freePort } from '../../support/free-port.js';
import { tempDir } from '../../support/temp-dir.js';
import { waitFor } from '../../support/wait-for.js';

// One node-opcua server for the whole file: initialising one (PKI, standard nodeset) takes about a second.
describe('OPC UA driver against the node-opcua line simulator', function () {
  this.timeout(15_000);
  const pki = tempDir('okto-opcua-');
  const simulator = new OpcUaPlcSimulator({ port: 0, pkiFolder: path.join(pki.dir, 'simulator') });
  const drivers: OpcUaDriver[] = [];

  // Retry limits: connectRetries 0 and short timeouts so no test waits on a dead server.
  function driver(overrides: Partial<OpcUaDriverConfig> = {}): OpcUaDriver {
    const created = new OpcUaDriver({
      endpointUrl: simulator.endpointUrl,
      connectTimeoutMs: 3000,
      requestTimeoutMs: 2000,
      connectRetries: 0,
      keepAliveIntervalMs: 1000,
      pkiFolder: path.join(pki.dir, 'client'),
      ...overrides,
    });
    drivers.push(created);
    return created;
  }

  before(async () => {
    await simulator.start();
  });

  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((d) => d.close()));
    if (!simulator.running) await simulator.start();
  });

  after(async () => {
    await simulator.stop();
    pki.cleanup();
  });

  it('reads Boolean, Int32, Double and String tags as plain values', async () => {
    simulator.set('Running', true);
    simulator.set('GoodCounter', 1234);
    simulator.set('SpeedSetpoint', 12.5);
    simulator.set('CurrentGtin', '04600000000017');
    const plc = driver();
    await plc.connect();
    expect(await plc.read(simulator.nodeId('Running'))).to.equal(true);
    expect(await plc.read(simulator.nodeId('GoodCounter'))).to.equal(1234);
    expect(await plc.read(simulator.nodeId('SpeedSetpoint'))).to.equal(12.5);
    expect(await plc.read(simulator.nodeId('CurrentGtin'))).to.equal('04600000000017');
  });

  it('writes with the type the node holds, and the PLC records each write', async () => {
    const plc = driver();
    await plc.connect();
    expect(simulator.nodeId('Eject')).to.equal('ns=2;s=Line.Eject');
    const before = simulator.writes.length;
    await plc.write(simulator.nodeId('Eject'), true);
    await plc.write(simulator.nodeId('CurrentGtin'), '04600000000024');
    await plc.write(simulator.nodeId('SpeedSetpoint'), 7.25);
    await plc.write(simulator.nodeId('StopRequest'), 1); // a 0/1 from an integer binding still drives a Boolean
    expect(simulator.writes.slice(before).map(({ tag, value }) => [tag, value])).to.deep.equal([
      ['Eject', true],
      ['CurrentGtin', '04600000000024'],
      ['SpeedSetpoint', 7.25],
      ['StopRequest', true],
    ]);
    expect(await plc.read(simulator.nodeId('Eject'))).to.equal(true);
    await plc.write(simulator.nodeId('Eject'), false);
    expect(simulator.value('Eject')).to.equal(false);
  });

  it('refuses values that do not fit the node type and writes to read-only tags, with the reason', async () => {
    const plc = driver();
    await plc.connect();
    await expectRejection(plc.write(simulator.nodeId('CurrentGtin'), 42), /CurrentGtin.*not a string/);
    await expectRejection(plc.write(simulator.nodeId('Eject'), 'yes'), /Line\.Eject.*not a boolean.*Boolean/);
    await expectRejection(plc.write(simulator.nodeId('GoodCounter'), 5), /Line\.GoodCounter: BadNotWritable/);
    expect(simulator.value('GoodCounter')).to.not.equal(5);
  });

  it('names the address when a NodeId is unknown or malformed', async () => {
    const plc = driver();
    await plc.connect();
    await expectRejection(plc.read('ns=2;s=Line.NoSuchTag'), /OPC UA read ns=2;s=Line\.NoSuchTag: BadNodeIdUnknown/);
    await expectRejection(plc.write('ns=2;s=Line.NoSuchTag', true), /ns=2;s=Line\.NoSuchTag.*BadNodeIdUnknown/);
    await expectRejection(plc.read('Line.Eject'), /"Line\.Eject" is not a NodeId/);
  });

  it('browses the line model from the Objects folder with data types and writability', async () => {
    const plc = driver();
    await plc.connect();
    const tags = await plc.browse();
    const byName = new Map(tags.map((tag) => [tag.name, tag]));
    expect(byName.get('Line.Eject')).to.deep.equal({ address: 'ns=2;s=Line.Eject', name: 'Line.Eject', dataType: 'bool', writable: true });
    expect(byName.get('Line.Running')).to.include({ dataType: 'bool', writable: false });
    expect(byName.get('Line.GoodCounter')).to.include({ dataType: 'int', writable: false });
    expect(byName.get('Line.RejectCounter')).to.include({ dataType: 'int', writable: false });
    expect(byName.get('Line.CurrentGtin')).to.include({ dataType: 'string', writable: true });
    expect(byName.get('Line.SpeedSetpoint')).to.include({ dataType: 'real', writable: true });
    expect(tags.some((tag) => tag.address.startsWith('ns=0;') || tag.address.startsWith('i='))).to.equal(false, 'the standard Server object is skipped');
  });

  it('bounds the browse walk by depth', async () => {
    const plc = driver({ browse: { maxDepth: 1 } });
    await plc.connect();
    expect(await plc.browse()).to.deep.equal([]); // depth 1 reaches Objects/Line, not its variables
  });

  it('fails connect promptly when nothing listens, and does not retry on its own', async () => {
    const port = await freePort();
    const plc = driver({ endpointUrl: `opc.tcp://127.0.0.1:${port}` });
    await expectRejection(plc.connect(), new RegExp(`cannot connect to opc\\.tcp://127\\.0\\.0\\.1:${port}`));
    expect(plc.connected).to.equal(false);
    await expectRejection(plc.read('ns=2;s=Line.Eject'), /not connected/);
  });

  it('fires onDisconnect once when the server goes away, then reconnects to the restarted server', async () => {
    const plc = driver();
    const reasons: string[] = [];
    plc.onDisconnect((reason) => reasons.push(reason));
    await plc.connect();
    expect(await plc.read(simulator.nodeId('Running'))).to.equal(true);

    await simulator.stop();
    await waitFor(() => reasons.length > 0, 5000, 'onDisconnect after the server stopped');
    expect(reasons[0]).to.match(/connection (lost|closed)|session closed/);
    expect(plc.connected).to.equal(false);
    await expectRejection(plc.read(simulator.nodeId('Running')), /not connected/);

    await simulator.start(); // same port: a PLC that rebooted
    simulator.set('RejectCounter', 7);
    await plc.connect();
    expect(await plc.read(simulator.nodeId('RejectCounter'))).to.equal(7);
    expect(reasons).to.have.length(1);
  });

  it('does not report a disconnect for a close it was asked for', async () => {
    const plc = driver();
    const reasons: string[] = [];
    plc.onDisconnect((reason) => reasons.push(reason));
    await plc.connect();
    await plc.close();
    await plc.close(); // idempotent
    expect(plc.connected).to.equal(false);
    expect(reasons).to.deep.equal([]);
  });

  it('accepts in bindings exactly the NodeId forms node-opcua resolves', () => {
    for (const address of ['ns=2;s=Line.Eject', 'i=85', 'ns=3;i=1001', 'ns=1;g=72962B91-FA75-4AE6-8D28-B404DC7DAF63', 'ns=1;b=M/RbKBsRVkePCePcx24oRA==']) {
      expect(opcUaAddressProblem(address), address).to.equal(null);
      expect(() => resolveNodeId(address), address).to.not.throw();
    }
    expect(opcUaAddressProblem('')).to.be.a('string'); // node-opcua would take '' as the null NodeId
    for (const address of ['Line.Eject', 'ns=2;x=1', 'nsu=urn:x;s=A']) {
      expect(opcUaAddressProblem(address), address).to.be.a('string');
      expect(() => resolveNodeId(address), address).to.throw();
    }
  });

  it('rejects endpoint URLs that are not opc.tcp and security modes it cannot do', () => {
    expect(() => new OpcUaDriver({ endpointUrl: 'http://plc:4840' })).to.throw(/opc\.tcp:\/\/host:port/);
    expect(() => new OpcUaDriver({ endpointUrl: 'opc.tcp://plc:4840', securityMode: 'SignAndEncrypt' as 'None' })).to.throw(/not supported/);
  });
});

async function expectRejection(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).message).to.match(pattern);
    return;
  }
  expect.fail(`expected a rejection matching ${pattern}`);
}

