import { expect } from 'chai';
import { SimulatedClock } from 'xstate';
import { printerHealth, printerState } from '../../../machines/edge/printer.machine.js';
import { startPrinterRig } from '../../support/printer-fixtures.js';
import { waitFor } from '../../support/wait-for.js';

describe('printer machine', () => {
  let rig: ReturnType<typeof startPrinterRig>;
  afterEach(() => {
    expect(rig.errors).to.deep.equal([]);
    rig.stop();
  });
  const connect = () => rig.driver.latest().emit({ type: 'driver.connected', peer: '10.0.0.9:9100' });
  const state = () => printerState(rig.snapshot());
  const lastPrint = () => {
    const command = rig.driver.latest().commands.filter((c) => c.type === 'driver.print').at(-1);
    if (command?.type !== 'driver.print') throw new Error('no print sent');
    return command.job;
  };

  it('answers printed only after the driver confirmed the label', async () => {
    rig = startPrinterRig();
    connect();
    let answered = false;
    const result = rig.print('CODE-1', { lot: 'A' }).then((r) => ((answered = true), r));
    await waitFor(() => rig.driver.latest().commands.length > 0);
    expect(state()).to.equal('printing');
    expect(lastPrint()).to.deep.include({ code: 'CODE-1', params: { lot: 'A' }, template: null });
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered, 'no answer before the confirmation').to.equal(false);
    rig.driver.latest().emit({ type: 'driver.printed', jobId: lastPrint().jobId });
    expect(await result).to.deep.equal({ ok: true, jobId: 'p1-1', code: 'CODE-1' });
    expect(state()).to.equal('ready');
    expect(rig.emitted).to.deep.include({ type: 'printer.printed', printerId: 'p1', jobId: 'p1-1', code: 'CODE-1' });
    expect(printerHealth(rig.snapshot())).to.deep.include({ printed: 1, failed: 0, queued: 0, connected: true });
  });

  it('queues prints and sends them one at a time, in order', async () => {
    rig = startPrinterRig();
    connect();
    const results = ['A', 'B', 'C'].map((code) => rig.print(code));
    await waitFor(() => rig.driver.latest().commands.length === 1);
    expect(printerHealth(rig.snapshot()).queued).to.equal(3);
    for (const code of ['A', 'B', 'C']) {
      await waitFor(() => lastPrint().code === code);
      rig.driver.latest().emit({ type: 'driver.printed', jobId: lastPrint().jobId });
    }
    expect((await Promise.all(results)).map((r) => r.ok)).to.deep.equal([true, true, true]);
  });

  it('refuses prints while not connected (offline)', async () => {
    rig = startPrinterRig();
    expect(await rig.print('X')).to.deep.include({ ok: false, reason: 'offline' });
    rig.driver.latest().emit({ type: 'driver.failed', reason: 'ECONNREFUSED' });
    expect(state()).to.equal('backoff');
    expect(await rig.print('X')).to.deep.include({ ok: false, reason: 'offline' });
  });

  it('a fault during a print fails it with the reason, parks the printer in error, and refuses more until clear', async () => {
    rig = startPrinterRig();
    connect();
    const first = rig.print('A');
    const second = rig.print('B');
    await waitFor(() => rig.driver.latest().commands.length === 1);
    rig.driver.latest().emit({ type: 'driver.status', status: { fault: 'ink_out', detail: 'ribbon out' } });
    rig.driver.latest().emit({ type: 'driver.printFailed', jobId: lastPrint().jobId, reason: 'ribbon out', fault: 'ink_out' });
    expect(await first).to.deep.include({ ok: false, reason: 'fault', fault: 'ink_out', detail: 'ribbon out' });
    expect(await second).to.deep.include({ ok: false, reason: 'fault', fault: 'ink_out' });
    expect(rig.snapshot().matches({ link: { connected: { error: 'ink_out' } } })).to.equal(true);
    expect(rig.emitted).to.deep.include({ type: 'printer.fault', printerId: 'p1', fault: 'ink_out', detail: 'ribbon out' });
    expect(await rig.print('C')).to.deep.include({ ok: false, reason: 'fault', fault: 'ink_out' });
    rig.driver.latest().emit({ type: 'driver.status', status: { fault: null, detail: null } });
    expect(state()).to.equal('ready');
  });

  it('reports jam and pause as their own error states', () => {
    rig = startPrinterRig();
    connect();
    rig.driver.latest().emit({ type: 'driver.status', status: { fault: 'jam', detail: 'head open' } });
    expect(rig.snapshot().matches({ link: { connected: { error: 'jam' } } })).to.equal(true);
    rig.driver.latest().emit({ type: 'driver.status', status: { fault: null, detail: null } });
    rig.driver.latest().emit({ type: 'driver.status', status: { fault: 'paused', detail: 'paused' } });
    expect(rig.snapshot().matches({ link: { connected: { error: 'paused' } } })).to.equal(true);
    expect(printerHealth(rig.snapshot()).fault).to.deep.equal({ kind: 'paused', detail: 'paused' });
  });

  it('an unconfirmed or refused print fails without parking the printer', async () => {
    rig = startPrinterRig();
    connect();
    const p = rig.print('A');
    await waitFor(() => rig.driver.latest().commands.length === 1);
    rig.driver.latest().emit({ type: 'driver.printFailed', jobId: lastPrint().jobId, reason: 'timeout', fault: null, unconfirmed: true });
    expect(await p).to.deep.include({ ok: false, reason: 'unconfirmed' });
    expect(state()).to.equal('ready');
    const q = rig.print('B');
    await waitFor(() => rig.driver.latest().commands.length === 2);
    rig.driver.latest().emit({ type: 'driver.printFailed', jobId: lastPrint().jobId, reason: 'refused: ERR', fault: null });
    expect(await q).to.deep.include({ ok: false, reason: 'rejected' });
    expect(state()).to.equal('ready');
  });

  it('ignores a confirmation for another job', async () => {
    rig = startPrinterRig();
    connect();
    const p = rig.print('A');
    await waitFor(() => rig.driver.latest().commands.length === 1);
    rig.driver.latest().emit({ type: 'driver.printed', jobId: 'p1-999' });
    expect(state()).to.equal('printing');
    rig.driver.latest().emit({ type: 'driver.printed', jobId: lastPrint().jobId });
    expect((await p).ok).to.equal(true);
  });

  it('a lost connection answers every waiting print as offline, then backs off and reconnects', async () => {
    const clock = new SimulatedClock();
    rig = startPrinterRig({ backoff: { baseMs: 100, maxMs: 400 } }, { clock });
    connect();
    const results = [rig.print('A'), rig.print('B')];
    rig.driver.latest().emit({ type: 'driver.failed', reason: 'ECONNRESET' });
    for (const r of await Promise.all(results)) expect(r).to.deep.include({ ok: false, reason: 'offline' });
    expect(state()).to.equal('backoff');
    expect(rig.driver.latest().stopped).to.equal(true);
    clock.increment(99);
    expect(rig.driver.drivers).to.have.length(1);
    clock.increment(1);
    expect(rig.driver.drivers).to.have.length(2);
    expect(state()).to.equal('connecting');
    rig.driver.latest().emit({ type: 'driver.failed', reason: 'ECONNREFUSED' });
    clock.increment(199);
    expect(rig.driver.drivers, 'the second wait is longer').to.have.length(2);
    clock.increment(1);
    expect(rig.driver.drivers).to.have.length(3);
    connect();
    expect(rig.snapshot().context.attempt, 'not reset by a connect alone (accept-and-drop peers)').to.equal(2);
    rig.driver.latest().emit({ type: 'driver.status', status: { fault: null, detail: null } });
    expect(rig.snapshot().context.attempt, 'reset once the printer answered').to.equal(0);
  });

  it('answers a status query with the next status report; at once when not connected', async () => {
    rig = startPrinterRig();
    expect(await rig.queryStatus()).to.deep.include({ state: 'connecting', status: null });
    connect();
    const pending = rig.queryStatus();
    await waitFor(() => rig.driver.latest().commands.some((c) => c.type === 'driver.queryStatus'));
    rig.driver.latest().emit({ type: 'driver.status', status: { fault: null, detail: null, info: { labelsRemaining: 0 } } });
    expect(await pending).to.deep.include({ state: 'ready', status: { fault: null, detail: null, info: { labelsRemaining: 0 } } });
  });

  it('counts garbage and reports it', () => {
    rig = startPrinterRig();
    connect();
    rig.driver.latest().emit({ type: 'driver.garbage', bytes: 7, reason: 'bytes outside a ~HS string' });
    expect(rig.snapshot().context.garbage).to.equal(1);
    expect(rig.emitted).to.deep.include({ type: 'printer.garbage', printerId: 'p1', bytes: 7, reason: 'bytes outside a ~HS string' });
    expect(state()).to.equal('ready');
  });

  it('refuses prints beyond the queue limit as busy', async () => {
    rig = startPrinterRig({ maxQueue: 1 });
    connect();
    void rig.print('A');
    await waitFor(() => rig.driver.latest().commands.length === 1);
    void rig.print('B');
    expect(await rig.print('C')).to.deep.include({ ok: false, reason: 'busy' });
  });

  it('STOP disconnects and answers what was waiting; START reconnects', async () => {
    rig = startPrinterRig();
    connect();
    const p = rig.print('A');
    rig.actor.send({ type: 'STOP' });
    expect(await p).to.deep.include({ ok: false, reason: 'offline' });
    expect(state()).to.equal('disconnected');
    rig.actor.send({ type: 'START' });
    expect(state()).to.equal('connecting');
    expect(rig.driver.drivers).to.have.length(2);
  });
});
