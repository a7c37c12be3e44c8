import { expect } from 'chai';
import { createEthernetIpScannerTransport, type EipTagClient, type EthernetIpScannerConfig, tagText } from '../../../adapters/scanners/ethernet-ip-scanner-transport.js';
import { DEFAULT_MAX_FRAME_BYTES, DEFAULT_NO_READ } from '../../../adapters/scanners/framing.js';
import { waitFor } from '../../support/wait-for.js';
import { startTransport } from './callback-harness.js';

/**
 * No EtherNet/IP controller or simulator is available here (none in Debian, none in npm that
 * st-ethernet-ip can talk to), so the transport's polling and handshake logic runs against a fake
 * controller behind the EipTagClient interface; the st-ethernet-ip client itself is not exercised.
 */
function fakeController() {
  const tags = new Map<string, unknown>();
  const writes: Array<[string, number]> = [];
  let down: string | null = null;
  let connects = 0;
  const client: EipTagClient = {
    async connect(host) {
      if (down) throw new Error(down);
      connects++;
      if (host === 'refuse') throw new Error('ECONNREFUSED');
    },
    async read(tag) {
      if (down) throw new Error(down);
      if (!tags.has(tag)) throw new Error(`tag ${tag} does not exist`);
      return tags.get(tag);
    },
    async write(tag, value) {
      if (down) throw new Error(down);
      writes.push([tag, value]);
      tags.set(tag, value);
    },
    async disconnect() {},
  };
  return {
    tags,
    writes,
    connects: () => connects,
    fail: (reason: string | null) => (down = reason),
    logic: createEthernetIpScannerTransport(() => client),
  };
}

const config = (over: Partial<EthernetIpScannerConfig> = {}): EthernetIpScannerConfig => ({
  host: '192.0.2.20',
  slot: 0,
  codeTag: 'Scanner1.Code',
  pollIntervalMs: 5,
  framing: { suffix: 'CRLF', noRead: [...DEFAULT_NO_READ], maxFrameBytes: DEFAULT_MAX_FRAME_BYTES },
  ...over,
});

describe('EtherNet/IP scanner transport (fake controller)', () => {
  let transport: ReturnType<typeof startTransport> | null = null;
  afterEach(() => {
    transport?.stop();
    transport = null;
  });

  it('tag values as text: strings and byte buffers, NUL padding dropped; numbers are not codes', () => {
    expect(tagText('abc\0\0')).to.equal('abc');
    expect(tagText(Buffer.from('xyz\0'))).to.equal('xyz');
    expect(tagText(42)).to.equal(null);
  });

  it('with a ready tag: reads the code when it is set, then writes 0 back', async () => {
    const plc = fakeController();
    plc.tags.set('Scanner1.Code', '');
    plc.tags.set('Scanner1.Ready', 0);
    transport = startTransport(plc.logic, config({ readyTag: 'Scanner1.Ready' }));
    const { event } = await transport.next('transport.connected');
    expect(event.peer).to.equal('enip://192.0.2.20/0');
    plc.tags.set('Scanner1.Code', 'CODE-1');
    plc.tags.set('Scanner1.Ready', 1);
    await waitFor(() => plc.tags.get('Scanner1.Ready') === 0);
    plc.tags.set('Scanner1.Code', 'NoRead');
    plc.tags.set('Scanner1.Ready', true);
    expect(await transport.frames(2)).to.deep.equal([
      { kind: 'code', text: 'CODE-1' },
      { kind: 'noread', text: 'NoRead' },
    ]);
    expect(plc.writes).to.deep.equal([
      ['Scanner1.Ready', 0],
      ['Scanner1.Ready', 0],
    ]);
  });

  it('without a ready tag: a change of the code tag is a new code; the value found at connect is not replayed', async () => {
    const plc = fakeController();
    plc.tags.set('Scanner1.Code', 'OLD');
    transport = startTransport(plc.logic, config());
    await transport.next('transport.connected');
    plc.tags.set('Scanner1.Code', 'NEW-1');
    await transport.frames(1);
    plc.tags.set('Scanner1.Code', 'NEW-2');
    expect(await transport.frames(2)).to.deep.equal([
      { kind: 'code', text: 'NEW-1' },
      { kind: 'code', text: 'NEW-2' },
    ]);
    expect(plc.writes).to.deep.equal([]);
  });

  it('fails at connect (refused, missing tag) and when a poll fails; a fresh invocation reconnects', async () => {
    const refused = fakeController();
    const first = startTransport(refused.logic, config({ host: 'refuse' }));
    expect((await first.next('transport.failed')).event.reason).to.match(/ECONNREFUSED/);
    first.stop();

    const plc = fakeController();
    const missing = startTransport(plc.logic, config());
    expect((await missing.next('transport.failed')).event.reason).to.match(/does not exist/);
    missing.stop();

    plc.tags.set('Scanner1.Code', '');
    transport = startTransport(plc.logic, config());
    await transport.next('transport.connected');
    plc.fail('connection reset');
    const { event, index } = await transport.next('transport.failed');
    expect(event.reason).to.match(/poll failed: connection reset/);
    plc.fail(null);
    transport.restart();
    await transport.next('transport.connected', index + 1);
    plc.tags.set('Scanner1.Code', 'BACK');
    expect(await transport.frames(1, index + 1)).to.deep.equal([{ kind: 'code', text: 'BACK' }]);
    expect(transport.of('transport.failed')).to.have.length(1);
  });
});
