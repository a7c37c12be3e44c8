import { expect } from 'chai';
import type { VideojetDriverConfig } from '../../../adapters/printers/printer-driver.js';
import { startVideojetSimulator, type VideojetSimulator } from '../../../adapters/printers/videojet-simulator.js';
import { parseStatus, splitMessage, statusReport } from '../../../adapters/printers/videojet-protocol.js';
import { printerState } from '../../../machines/edge/printer.machine.js';
import { videojetParamsSchema } from '../../../adapters/printers/printers-config.js';
import { startRealPrinter } from '../../support/printer-fixtures.js';
import { waitFor } from '../../support/wait-for.js';

describe('Videojet-style driver against the simulator', () => {
  let sim: VideojetSimulator;
  let printer: ReturnType<typeof startRealPrinter>;
  const config = (params: Record<string, unknown> = {}): VideojetDriverConfig => ({
    model: 'VIDEOJET',
    host: '127.0.0.1',
    port: sim.port,
    connectTimeoutMs: 1000,
    params: videojetParamsSchema.parse({ job: 'MILK-1L', idleStatusMs: 50, replyTimeoutMs: 1000, confirmTimeoutMs: 2000, ...params }),
  });
  const state = () => printerState(printer.snapshot());
  const ready = () => waitFor(() => state() === 'ready' && printer.snapshot().context.lastStatus !== null, 5000, () => `ready (is ${state()})`);

  beforeEach(async () => {
    sim = await startVideojetSimulator({ printMs: 20 });
  });
  afterEach(async () => {
    expect(printer.errors).to.deep.equal([]);
    printer.stop();
    await sim.stop();
  });

  it('selects the job, sends the code as job data, and answers printed on the print-complete message', async () => {
    printer = startRealPrinter(config());
    await ready();
    expect(sim.selectedJob).to.equal('MILK-1L');
    expect(await printer.print('0104600000000017215ABC', { lot: 'L7' })).to.deep.include({ ok: true });
    expect(sim.printed).to.deep.equal([{ CODE: '0104600000000017215ABC', lot: 'L7' }]);
  });

  it('no print-complete message → unconfirmed, never printed: true', async () => {
    printer = startRealPrinter(config({ confirmTimeoutMs: 100 }));
    await ready();
    sim.withholdComplete = true;
    expect(await printer.print('X1')).to.deep.include({ ok: false, reason: 'unconfirmed' });
  });

  it('jam: data refused with ERR is reported as a jam (asked with GST); clear → prints again', async () => {
    printer = startRealPrinter(config({ idleStatusMs: 60_000 }));
    await ready();
    sim.jam();
    expect(await printer.print('J1')).to.deep.include({ ok: false, reason: 'fault', fault: 'jam', detail: 'jam' });
    expect(state()).to.equal('error');
    sim.clear();
    await printer.queryStatus();
    expect(state()).to.equal('ready');
    expect(await printer.print('J2')).to.deep.include({ ok: true });
  });

  it('ink running out during a print: FLT instead of PRC fails it as ink_out', async () => {
    printer = startRealPrinter(config({ idleStatusMs: 60_000 }));
    await ready();
    const pending = printer.print('I1');
    await waitFor(() => printer.snapshot().context.current !== null);
    sim.inkOut();
    expect(await pending).to.deep.include({ ok: false, fault: 'ink_out' });
    expect(sim.printed).to.deep.equal([]);
  });

  it('offline and back: backoff, reconnect, print', async () => {
    printer = startRealPrinter(config());
    await ready();
    await sim.sim.offline('refuse');
    await waitFor(() => printer.snapshot().context.attempt >= 2, 5000, 'reconnect attempts');
    expect(await printer.print('O1')).to.deep.include({ ok: false, reason: 'offline' });
    await sim.sim.online();
    await ready();
    expect(await printer.print('O2')).to.deep.include({ ok: true });
  });

  it('garbage is counted; a peer too slow to answer a command is dropped and redialled', async () => {
    printer = startRealPrinter(config({ replyTimeoutMs: 100, idleStatusMs: 60_000 }));
    await ready();
    sim.garbage();
    await waitFor(() => printer.snapshot().context.garbage > 0);
    expect(await printer.print('G1')).to.deep.include({ ok: true });
    sim.sim.delayMs = 300;
    expect(await printer.print('G2')).to.deep.include({ ok: false, reason: 'offline' });
    expect(printer.snapshot().context.lastError).to.match(/no reply to JDU/);
    sim.sim.delayMs = 0;
    await ready();
  });

  it('parses the protocol', () => {
    expect(splitMessage('STS|RUNNING|NONE|12|\r')).to.deep.equal(['STS', 'RUNNING', 'NONE', '12']);
    expect(statusReport(parseStatus(['FAULT', 'MAKEUP_OUT', '3'])!)).to.deep.include({ fault: 'ink_out', detail: 'makeup out' });
    expect(statusReport(parseStatus(['PAUSED', 'NONE', '3'])!)).to.deep.include({ fault: 'paused' });
    expect(parseStatus(['running?'])).to.equal(null);
  });
});
