import { expect } from 'chai';
import { startGenericTcpSimulator, type GenericTcpSimulator } from '../../../adapters/printers/generic-tcp-simulator.js';
import { classifyReply, frameBytes } from '../../../adapters/printers/generic-tcp.js';
import type { GenericDriverConfig } from '../../../adapters/printers/printer-driver.js';
import { printerState } from '../../../machines/edge/printer.machine.js';
import { genericParamsSchema, type GenericParams } from '../../../adapters/printers/printers-config.js';
import { startRealPrinter } from '../../support/printer-fixtures.js';
import { waitFor } from '../../support/wait-for.js';

describe('generic TCP printer driver against the simulator', () => {
  let sim: GenericTcpSimulator;
  let printer: ReturnType<typeof startRealPrinter>;
  const base = { template: 'PRINT {{code}} {{lot}}', framing: { suffix: 'STX_ETX' }, ackString: 'DONE', statusCommand: 'STATUS?', idleStatusMs: 50, confirmTimeoutMs: 1000 } as const;
  const start = async (params: Partial<Record<keyof GenericParams, unknown>> = {}) => {
    const parsed = genericParamsSchema.parse({ ...base, ...params });
    sim = await startGenericTcpSimulator({ params: parsed });
    const config: GenericDriverConfig = { model: 'GENERIC_TCP', host: '127.0.0.1', port: sim.port, connectTimeoutMs: 1000, params: parsed };
    printer = startRealPrinter(config);
    await ready();
  };
  const state = () => printerState(printer.snapshot());
  const ready = () => waitFor(() => state() === 'ready', 5000, () => `ready (is ${state()})`);

  afterEach(async () => {
    expect(printer.errors).to.deep.equal([]);
    printer.stop();
    await sim.stop();
  });

  it('writes the rendered template in the configured framing and is confirmed by the ack string', async () => {
    await start();
    expect(await printer.print('C1', { lot: 'L1' })).to.deep.include({ ok: true });
    expect(sim.printed).to.deep.equal(['PRINT C1 L1']);
  });

  it('a print with a missing template value is refused before anything is written', async () => {
    await start();
    expect(await printer.print('C1')).to.deep.include({ ok: false, reason: 'rejected' });
    expect(sim.printed).to.deep.equal([]);
  });

  it('jam / ink out / pause replies fail the print with that fault; the status command clears it', async () => {
    await start({ idleStatusMs: 60_000 });
    sim.jam();
    expect(await printer.print('J1', { lot: 'x' })).to.deep.include({ ok: false, fault: 'jam', detail: 'ERR JAM' });
    sim.clear();
    await printer.queryStatus();
    expect(state()).to.equal('ready');
    sim.inkOut();
    expect(await printer.print('J2', { lot: 'x' })).to.deep.include({ fault: 'ink_out' });
    sim.clear();
    await printer.queryStatus();
    sim.pause();
    expect(await printer.print('J3', { lot: 'x' })).to.deep.include({ fault: 'paused' });
  });

  it('offline and back (CRLF framing, no status command)', async () => {
    await start({ framing: { suffix: 'CRLF' }, statusCommand: undefined, ackString: 'OK' });
    await sim.sim.offline('refuse');
    await waitFor(() => printer.snapshot().context.attempt >= 2, 5000, 'reconnect attempts');
    await sim.sim.online();
    await ready();
    expect(await printer.print('R1', { lot: 'x' })).to.deep.include({ ok: true });
  });

  it('garbage is counted; a late ack after the timeout is not taken for the next print', async () => {
    await start({ framing: { suffix: 'LF' }, confirmTimeoutMs: 100, statusCommand: undefined });
    sim.garbage('noise\n');
    await waitFor(() => printer.snapshot().context.garbage > 0);
    sim.sim.delayMs = 250;
    const before = sim.sim.written;
    expect(await printer.print('S1', { lot: 'x' })).to.deep.include({ ok: false, reason: 'unconfirmed' });
    sim.sim.delayMs = 0;
    await waitFor(() => sim.sim.written > before, 2000, 'the late ack');
    expect(await printer.print('S2', { lot: 'x' })).to.deep.include({ ok: true });
  });

  it('frames and classifies', () => {
    const params = genericParamsSchema.parse({ framing: { prefix: '#', suffix: { custom: '<END>' } } });
    expect(frameBytes(params.framing, 'abc')).to.equal('#abc<END>');
    expect(classifyReply(params, 'OK')).to.deep.equal({ ok: true });
    expect(classifyReply(params, 'ERROR: ribbon low')).to.deep.equal({ ok: false, fault: 'ink_out' });
    expect(classifyReply(params, 'what?')).to.deep.equal({ ok: false, fault: null });
  });
});
