import { expect } from 'chai';
import { type DmccSimulator, startDmccSimulator } from '../../../adapters/scanners/dmcc-simulator.js';
import { DEFAULT_MAX_FRAME_BYTES, DEFAULT_NO_READ } from '../../../adapters/scanners/framing.js';
import { createQueryTracker, looksLikeMarkingCode } from '../../../adapters/scanners/query-tracker.js';
import { SCANNER_MODEL_PROFILES } from '../../../adapters/scanners/scanner-models.js';
import { tcpScannerTransport, type TcpScannerConfig, type TransportEvent } from '../../../adapters/scanners/tcp-transport.js';
import { waitFor } from '../../support/wait-for.js';
import { startTransport } from './callback-harness.js';

const GS = '\u001d';
const CODE = `0104600000000017215ABCDE${GS}93ABCD`;
const cognex = SCANNER_MODEL_PROFILES.COGNEX_DATAMAN;

describe('Cognex DataMan over DMCC (TCP simulator)', () => {
  let sim: DmccSimulator | undefined;
  let transport: ReturnType<typeof startTransport> | null = null;
  const config = (over: Partial<TcpScannerConfig> = {}): TcpScannerConfig => ({
    mode: 'connect',
    host: '127.0.0.1',
    port: sim!.port,
    framing: { suffix: 'CRLF', noRead: [...DEFAULT_NO_READ], maxFrameBytes: DEFAULT_MAX_FRAME_BYTES },
    trigger: cognex.trigger!,
    ...over,
  });
  afterEach(async () => {
    transport?.stop();
    transport = null;
    await sim?.close();
    sim = undefined;
  });

  it('the model profile: DMCC trigger and device-name query, telnet port 23', () => {
    expect(cognex).to.include({ trigger: '||>TRIGGER ON\r\n', healthCheck: '||>GET DEVICE.NAME\r\n', defaultPort: 23 });
  });

  it('TRIGGER ON reads the next code (or the no-read string); GET DEVICE.NAME is answered, not taken for a code', async () => {
    sim = await startDmccSimulator({ deviceName: 'DM262-5C3A2B' });
    sim.queue.push(CODE);
    transport = startTransport(tcpScannerTransport, config());
    await transport.next('transport.connected');
    transport.command({ type: 'transport.trigger' });
    transport.command({ type: 'transport.trigger' });
    expect(await transport.frames(2)).to.deep.equal([
      { kind: 'code', text: CODE },
      { kind: 'noread', text: 'NoRead' },
    ]);
    transport.command({ type: 'transport.query', data: cognex.healthCheck! });
    const { event } = await transport.next('transport.response');
    expect(event).to.deep.equal({ type: 'transport.response', text: 'DM262-5C3A2B' });
    expect(sim.commands).to.deep.equal(['TRIGGER ON', 'TRIGGER ON', 'GET DEVICE.NAME']);
    expect(transport.of('transport.frame')).to.have.length(2);
  });

  it('understands extended answers (||[status]value) and never passes them to the line', async () => {
    sim = await startDmccSimulator({ deviceName: 'DM474', extended: true });
    transport = startTransport(tcpScannerTransport, config());
    await transport.next('transport.connected');
    transport.command({ type: 'transport.query', data: cognex.healthCheck! });
    const { event } = await transport.next('transport.response');
    expect(event).to.deep.equal({ type: 'transport.response', text: 'DM474', status: 0 });
    transport.command({ type: 'transport.write', data: '||>BOGUS\r\n' }); // answered ||[101], unasked
    sim.push(CODE);
    expect(await transport.frames(1)).to.deep.equal([{ kind: 'code', text: CODE }]);
    await waitFor(() => transport!.of('transport.response').length === 2);
    expect(transport.of('transport.response')[1]).to.deep.include({ text: '', status: 101 });
  });

  it('a code pushed while the query waits is still a code; the name line after it is the answer', async () => {
    sim = await startDmccSimulator({ deviceName: 'DM150' });
    transport = startTransport(tcpScannerTransport, config());
    await transport.next('transport.connected');
    // Simulate the race: the reader pushes a read result just before answering.
    sim.push(CODE);
    transport.command({ type: 'transport.query', data: cognex.healthCheck! });
    const { event } = await transport.next('transport.response');
    expect(event.text).to.equal('DM150');
    expect(transport.of('transport.frame').map((e) => e.frame)).to.deep.equal([{ kind: 'code', text: CODE }]);
  });
});

describe('query tracker', () => {
  it('answers null when nothing comes within the timeout, and takes nothing after that', async () => {
    const events: TransportEvent[] = [];
    const tracker = createQueryTracker((e) => events.push(e), 20);
    tracker.started();
    await waitFor(() => events.length === 1);
    expect(events).to.deep.equal([{ type: 'transport.response', text: null }]);
    expect(tracker.intercept({ kind: 'code', text: 'late-name' })).to.equal(false);
    tracker.dispose();
  });

  it('marking codes look like marking codes: symbology ids, GS1 strings, tobacco packs, GS', () => {
    for (const code of [`]d2${CODE}`, CODE, '04600000000017ABCDEFG1234XYZW', `abc${GS}def`]) expect(looksLikeMarkingCode(code), code).to.equal(true);
    for (const name of ['DM262-5C3A2B', 'Gryphon-4500', 'HIK-ID2000']) expect(looksLikeMarkingCode(name), name).to.equal(false);
  });
});
