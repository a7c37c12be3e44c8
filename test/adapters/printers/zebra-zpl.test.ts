import { expect } from 'chai';
import { startZebraSimulator, type ZebraSimulator } from '../../../adapters/printers/zebra-simulator.js';
import type { ZebraDriverConfig } from '../../../adapters/printers/printer-driver.js';
import { formatHostStatus, HostStatusDecoder, parseHostStatus } from '../../../adapters/printers/zebra-host-status.js';
import { escapeZplField, renderTemplate, templateProblem } from '../../../adapters/printers/templates.js';
import { printerState } from '../../../machines/edge/printer.machine.js';
import { zebraParamsSchema } from '../../../adapters/printers/printers-config.js';
import { startRealPrinter } from '../../support/printer-fixtures.js';
import { waitFor } from '../../support/wait-for.js';

const GS = '\u001d';
const CODE = `0104600000000017215ABCDE${GS}93ABCD`;

describe('Zebra ZPL driver against the simulator', () => {
  let sim: ZebraSimulator;
  let printer: ReturnType<typeof startRealPrinter>;
  const config = (params: Record<string, unknown> = {}): ZebraDriverConfig => ({
    model: 'ZEBRA_ZPL',
    host: '127.0.0.1',
    port: sim.port,
    connectTimeoutMs: 1000,
    params: zebraParamsSchema.parse({ statusPollMs: 10, idleStatusMs: 50, confirmTimeoutMs: 2000, ...params }),
  });
  const state = () => printerState(printer.snapshot());
  const ready = () => waitFor(() => state() === 'ready', 5000, () => `ready (is ${state()})`);

  beforeEach(async () => {
    sim = await startZebraSimulator({ printMs: 20 });
  });
  afterEach(async () => {
    expect(printer.errors).to.deep.equal([]);
    printer.stop();
    await sim.stop();
  });

  it('prints a label and answers printed once ~HS shows it left the printer (GS escaped through ^FH)', async () => {
    printer = startRealPrinter(config());
    await ready();
    const result = await printer.print(CODE);
    expect(result).to.deep.include({ ok: true, code: CODE });
    expect(sim.printed).to.deep.equal([[CODE, CODE]]);
    expect(sim.buffered()).to.equal(0);
  });

  it('a jam (head open) fails the print with the reason, cancels the label, and clears back to ready', async () => {
    printer = startRealPrinter(config());
    await ready();
    sim.jam();
    // The idle ~HS sees the jam first, or the print's own poll does: either way the print is refused as a jam.
    const result = await printer.print('A1');
    expect(result).to.deep.include({ ok: false, reason: 'fault', fault: 'jam' });
    expect(state()).to.equal('error');
    await waitFor(() => sim.buffered() === 0, 2000, 'the unprinted label cancelled (~JA)');
    sim.clear();
    await ready();
    expect(sim.printed).to.deep.equal([]);
    expect(await printer.print('A2')).to.deep.include({ ok: true });
    expect(sim.printed.map((fields) => fields[0])).to.deep.equal(['A2']);
  });

  it('ribbon out mid-print: the print fails as ink_out; paused is reported as paused', async () => {
    printer = startRealPrinter(config({ idleStatusMs: 60_000 }));
    await ready();
    const pending = printer.print('B1');
    sim.inkOut();
    expect(await pending).to.deep.include({ ok: false, fault: 'ink_out' });
    expect(printer.snapshot().context.fault).to.deep.equal({ kind: 'ink_out', detail: 'ribbon out' });
    sim.clear();
    expect((await printer.queryStatus()).status?.fault).to.equal(null);
    expect(state()).to.equal('ready');
    sim.pause();
    expect(await printer.print('B2')).to.deep.include({ ok: false, fault: 'paused' });
  });

  it('offline (refused) → backoff and reconnect once it is back; prints meanwhile are refused as offline', async () => {
    printer = startRealPrinter(config());
    await ready();
    await sim.sim.offline('refuse');
    await waitFor(() => state() === 'backoff' || state() === 'connecting');
    expect(await printer.print('C1')).to.deep.include({ ok: false, reason: 'offline' });
    await waitFor(() => printer.snapshot().context.attempt >= 2, 5000, 'a few reconnect attempts');
    await sim.sim.online();
    await ready();
    expect(await printer.print('C2')).to.deep.include({ ok: true });
  });

  it('offline (accepts and drops) → keeps retrying, then reconnects', async () => {
    printer = startRealPrinter(config());
    await ready();
    await sim.sim.offline('close');
    // The error is kept between attempts; wait for a moment that shows both (a new attempt may be mid-dial).
    await waitFor(() => printer.snapshot().context.attempt >= 2 && typeof printer.snapshot().context.lastError === 'string', 5000, 'reconnect attempts with the error kept');
    await sim.sim.online();
    await ready();
    expect(await printer.print('D1')).to.deep.include({ ok: true });
  });

  it('garbage from the printer is counted and does not stop printing', async () => {
    printer = startRealPrinter(config());
    await ready();
    sim.garbage();
    await waitFor(() => printer.snapshot().context.garbage > 0);
    expect(await printer.print('E1')).to.deep.include({ ok: true });
  });

  it('a slow printer still confirms; one slower than confirmTimeoutMs gets the print answered unconfirmed', async () => {
    sim.sim.delayMs = 60;
    printer = startRealPrinter(config({ confirmTimeoutMs: 3000 }));
    await ready();
    expect(await printer.print('F1')).to.deep.include({ ok: true });
    printer.stop();
    sim.sim.delayMs = 500;
    printer = startRealPrinter(config({ confirmTimeoutMs: 150 }));
    await waitFor(() => state() === 'ready' || state() === 'error');
    expect(await printer.print('F2')).to.deep.include({ ok: false, reason: 'unconfirmed' });
  });
});

describe('Zebra ~HS and ZPL templates', () => {
  const healthy = { paperOut: false, paused: false, formatsInBuffer: 0, bufferFull: false, partialFormat: false, headUp: false, ribbonOut: false, labelsRemaining: 0, overTemperature: false };

  it('parses ~HS split anywhere, and reports stray bytes as garbage without losing the next status', () => {
    const wire = Buffer.from(formatHostStatus({ ...healthy, ribbonOut: true, formatsInBuffer: 2 }), 'latin1');
    const decoder = new HostStatusDecoder();
    const pieces = [...wire].flatMap((byte) => decoder.push(Buffer.from([byte])));
    expect(pieces).to.deep.equal([{ kind: 'status', status: { ...healthy, ribbonOut: true, formatsInBuffer: 2 } }]);
    const mixed = decoder.push(Buffer.concat([Buffer.from('junk'), wire.subarray(20), wire]));
    expect(mixed.filter((p) => p.kind === 'garbage').length).to.be.greaterThan(0);
    expect(mixed.at(-1)).to.deep.equal({ kind: 'status', status: { ...healthy, ribbonOut: true, formatsInBuffer: 2 } });
    expect(parseHostStatus(['1,2', '3', '4'])).to.equal(null);
  });

  it('renders templates: ZPL field data hex-escaped, missing values refused, ^FH required', () => {
    expect(escapeZplField(`A^B~C_D${GS}`)).to.equal('A_5EB_7EC_5FD_1D');
    expect(renderTemplate('^XA^FH_^FD{{code}} {{lot}}^FS^XZ', { code: 'X^', lot: 'L1' }, escapeZplField)).to.equal('^XA^FH_^FDX_5E L1^FS^XZ');
    expect(() => renderTemplate('{{code}} {{lot}}', { code: 'X' })).to.throw(/lot/);
    expect(templateProblem('ZEBRA_ZPL', '^XA^FD{{code}}^FS^XZ')).to.match(/\^FH/);
    expect(templateProblem('ZEBRA_ZPL', 'hello')).to.match(/\^XA/);
    expect(templateProblem('ZEBRA_ZPL', '^XA^FH^FD{{code}}^FS^XZ')).to.equal(null);
  });
});
