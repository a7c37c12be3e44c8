/**
 * No EtherNet/IP controller simulator is available (none in Debian or npm that st-ethernet-ip can
 * reach; the library also dials the fixed port 44818), so the driver runs against a fake of the
 * st-ethernet-ip Controller it is given through its controller factory. These tests cover the
 * driver's own behaviour — address parsing, value/type mapping, CIP error reporting, timeouts and
 * disconnects — not st-ethernet-ip's CIP framing.
 */
import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import { EthernetIpDriver, parseTagAddress, type EnipController, type EnipTag, type EthernetIpDriverConfig } from '../../../adapters/plcs/ethernet-ip-driver.js';

interface FakeTagState {
  type: string;
  value: unknown;
  readOnly?: boolean;
}

class FakeTag implements EnipTag {
  type: string | null = null;
  value: unknown = null;
  constructor(
    readonly name: string,
    readonly program: string | null,
  ) {}
  get key(): string {
    return this.program ? `Program:${this.program}.${this.name}` : this.name;
  }
}

/** Behaves like st-ethernet-ip's Controller as far as the driver can see; knobs make it fail. */
class FakeController extends EventEmitter implements EnipController {
  timeout_sp = 10_000;
  connectedTo: { host: string; slot: number | undefined; setup: boolean | undefined } | null = null;
  destroyed = false;
  disconnected = false;
  readonly writes: Array<[string, unknown]> = [];
  connectBehaviour: 'ok' | 'hang' | 'refuse' = 'ok';
  /** The next request of this kind never gets an answer (a PLC that stopped responding). */
  hang: 'read' | 'write' | null = null;

  constructor(readonly tags: Map<string, FakeTagState>) {
    super();
  }

  get tagList(): EnipController['tagList'] {
    return [...this.tags].map(([key, state]) => {
      const scoped = /^Program:(\w+)\.(.+)$/.exec(key);
      return { name: scoped ? scoped[2]! : key, program: scoped ? scoped[1]! : null, type: { typeName: state.type, structure: state.type === 'STRING', arrayDims: 0 } };
    });
  }

  async connect(host: string, slot?: number, setup?: boolean): Promise<void> {
    if (this.connectBehaviour === 'hang') return new Promise(() => undefined);
    if (this.connectBehaviour === 'refuse') throw new Error('SOCKET error');
    this.connectedTo = { host, slot, setup };
  }

  newTag(name: string, program?: string | null): EnipTag {
    return new FakeTag(name, program ?? null);
  }

  async readTag(tag: EnipTag): Promise<void> {
    if (this.hang === 'read') return new Promise(() => undefined);
    const state = this.tags.get((tag as FakeTag).key);
    if (!state) throw { generalStatusCode: 0x04, extendedStatus: [0] }; // what st-ethernet-ip rejects with
    Object.assign(tag, { type: state.type, value: state.value });
  }

  async writeTag(tag: EnipTag): Promise<unknown> {
    if (this.hang === 'write') return new Promise(() => undefined);
    const state = this.tags.get((tag as FakeTag).key);
    if (!state) throw { generalStatusCode: 0x04, extendedStatus: [0] };
    if (state.readOnly) throw { generalStatusCode: 0x0f, extendedStatus: [] };
    state.value = tag.value;
    this.writes.push([(tag as FakeTag).key, tag.value]);
    return undefined;
  }

  async disconnect(): Promise<string> {
    this.disconnected = true;
    return 'disconnected';
  }

  destroy(): void {
    this.destroyed = true;
  }

  /** The socket closing under the driver (cable pulled, PLC power-cycled). */
  dropLink(): void {
    this.emit('close', true);
  }
}

function lineTags(): Map<string, FakeTagState> {
  return new Map<string, FakeTagState>([
    ['Program:Main.Eject', { type: 'BOOL', value: false }],
    ['LineRunning', { type: 'BOOL', value: 1 }],
    ['GoodCounter', { type: 'DINT', value: 41 }],
    ['RejectCounter', { type: 'INT', value: 3, readOnly: true }],
    ['Speed', { type: 'REAL', value: 1.5 }],
    ['CurrentGtin', { type: 'STRING', value: '04600000000017' }],
    ['BigCount', { type: 'LINT', value: 9007199254740993n }],
  ]);
}

describe('EtherNet/IP driver (fake st-ethernet-ip controller: no simulator exists)', () => {
  let controllers: FakeController[];
  let tags: Map<string, FakeTagState>;

  function driver(config: Partial<EthernetIpDriverConfig> = {}, prepare: (c: FakeController) => void = () => undefined): EthernetIpDriver {
    return new EthernetIpDriver({ host: '10.0.0.20', slot: 2, connectTimeoutMs: 200, requestTimeoutMs: 100, ...config }, () => {
      const controller = new FakeController(tags);
      prepare(controller);
      controllers.push(controller);
      return controller;
    });
  }

  beforeEach(() => {
    controllers = [];
    tags = lineTags();
  });

  it('connects to host and slot, with the request timeout handed to st-ethernet-ip', async () => {
    const plc = driver();
    await plc.connect();
    expect(controllers[0]!.connectedTo).to.deep.equal({ host: '10.0.0.20', slot: 2, setup: true });
    expect(controllers[0]!.timeout_sp).to.equal(100);
    expect(plc.connected).to.equal(true);
  });

  it('reads BOOL, integer, REAL and STRING tags as plain values, by controller and program scope', async () => {
    const plc = driver();
    await plc.connect();
    expect(await plc.read('Program:Main.Eject')).to.equal(false);
    expect(await plc.read('LineRunning')).to.equal(true); // a BOOL read as 1 is still a boolean
    expect(await plc.read('GoodCounter')).to.equal(41);
    expect(await plc.read('Speed')).to.equal(1.5);
    expect(await plc.read('CurrentGtin')).to.equal('04600000000017');
    await expectRejection(plc.read('BigCount'), /BigCount: 64-bit value exceeds/);
  });

  it('writes values checked against the tag type the controller reported', async () => {
    const plc = driver();
    await plc.connect();
    await plc.write('Program:Main.Eject', true);
    await plc.write('GoodCounter', 42);
    await plc.write('Speed', 2.25);
    await plc.write('CurrentGtin', '04600000000024');
    await plc.write('Program:Main.Eject', 0);
    expect(controllers[0]!.writes).to.deep.equal([
      ['Program:Main.Eject', true],
      ['GoodCounter', 42],
      ['Speed', 2.25],
      ['CurrentGtin', '04600000000024'],
      ['Program:Main.Eject', false],
    ]);
    await expectRejection(plc.write('GoodCounter', 1.5), /GoodCounter: 1\.5 is not an integer \(tag type DINT\)/);
    await expectRejection(plc.write('GoodCounter', 2 ** 31), /outside -2147483648\.\.2147483647/);
    await expectRejection(plc.write('Program:Main.Eject', 'on'), /not a boolean/);
    await expectRejection(plc.write('CurrentGtin', 7), /not a string/);
    expect(controllers[0]!.writes).to.have.length(5);
  });

  it('reports CIP errors by name: an unknown tag, a read-only tag, a malformed address', async () => {
    const plc = driver();
    await plc.connect();
    await expectRejection(plc.read('NoSuchTag'), /EtherNet\/IP read NoSuchTag: CIP status 0x04 path segment error \(no such tag\)/);
    await expectRejection(plc.write('RejectCounter', 4), /write RejectCounter: CIP status 0x0f privilege violation/);
    await expectRejection(plc.read('Eject; DROP'), /"Eject; DROP" is not a Logix tag name/);
    expect(plc.connected).to.equal(true, 'a refused request does not end the link');
  });

  it('parses controller-scope, program-scope, member and array addresses', () => {
    expect(parseTagAddress('Eject')).to.deep.equal({ program: null, name: 'Eject' });
    expect(parseTagAddress('Program:Main.Eject')).to.deep.equal({ program: 'Main', name: 'Eject' });
    expect(parseTagAddress('Line.Counters[3]')).to.deep.equal({ program: null, name: 'Line.Counters[3]' });
    expect(() => parseTagAddress('')).to.throw(/not a Logix tag name/);
  });

  it('lists the tag list read at connect, and null when it was not read', async () => {
    const plc = driver();
    await plc.connect();
    const listed = await plc.browse();
    expect(listed).to.deep.include({ address: 'Program:Main.Eject', name: 'Program:Main.Eject', dataType: 'bool', writable: true });
    expect(listed).to.deep.include({ address: 'Speed', name: 'Speed', dataType: 'real', writable: true });
    expect(listed).to.deep.include({ address: 'CurrentGtin', name: 'CurrentGtin', dataType: 'string', writable: true });
    const bare = driver({ readTagList: false });
    await bare.connect();
    expect(controllers[1]!.connectedTo!.setup).to.equal(false);
    expect(await bare.browse()).to.equal(null);
  });

  it('gives up a connect that hangs or is refused, and cleans the socket up', async () => {
    const hanging = driver({}, (c) => (c.connectBehaviour = 'hang'));
    await expectRejection(hanging.connect(), /cannot connect to 10\.0\.0\.20 slot 2: EtherNet\/IP connect to 10\.0\.0\.20: timed out after 200 ms/);
    expect(controllers[0]!.destroyed).to.equal(true);
    const refused = driver({}, (c) => (c.connectBehaviour = 'refuse'));
    await expectRejection(refused.connect(), /cannot connect.*SOCKET error/);
    expect(refused.connected).to.equal(false);
  });

  it('ends the link when a request times out, since a late reply would answer the next request', async () => {
    const plc = driver();
    const reasons: string[] = [];
    plc.onDisconnect((reason) => reasons.push(reason));
    await plc.connect();
    controllers[0]!.hang = 'write';
    await expectRejection(plc.write('Program:Main.Eject', true), /write Program:Main\.Eject: timed out after 100 ms/);
    expect(reasons).to.deep.equal(['write Program:Main.Eject timed out']);
    expect(controllers[0]!.destroyed).to.equal(true);
    await expectRejection(plc.read('GoodCounter'), /read GoodCounter: not connected/);
  });

  it('fires onDisconnect once when the socket closes, and connects afresh after', async () => {
    const plc = driver();
    const reasons: string[] = [];
    plc.onDisconnect((reason) => reasons.push(reason));
    await plc.connect();
    controllers[0]!.dropLink();
    controllers[0]!.dropLink();
    expect(reasons).to.deep.equal(['connection closed by the controller or the network']);
    expect(plc.connected).to.equal(false);
    await plc.connect();
    expect(controllers).to.have.length(2, 'a new controller (socket) per connection');
    expect(await plc.read('GoodCounter')).to.equal(41);
  });

  it('closes without reporting a disconnect, and tolerates a second close', async () => {
    const plc = driver();
    const reasons: string[] = [];
    plc.onDisconnect((reason) => reasons.push(reason));
    await plc.connect();
    await plc.close();
    controllers[0]!.dropLink(); // the close event of our own disconnect
    await plc.close();
    expect(controllers[0]!.disconnected).to.equal(true);
    expect(controllers[0]!.destroyed).to.equal(true);
    expect(reasons).to.deep.equal([]);
  });

  it('with the real st-ethernet-ip Controller, a refused connect (nothing on 127.0.0.1:44818) fails promptly', async () => {
    const plc = new EthernetIpDriver({ host: '127.0.0.1', connectTimeoutMs: 2000 });
    await expectRejection(plc.connect(), /cannot connect to 127\.0\.0\.1 slot 0: SOCKET error/);
    expect(plc.connected).to.equal(false);
  });

  it('validates host and slot up front', () => {
    expect(() => new EthernetIpDriver({ host: '' })).to.throw(/host is required/);
    expect(() => new EthernetIpDriver({ host: 'plc', slot: -1 })).to.throw(/slot must be 0\.\.255/);
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
