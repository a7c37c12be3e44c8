import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import { onShutdownSignals, type ShutdownSignal } from '../../src/runtime/shutdown.js';
import { captureLogger } from './log-capture.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function harness(handler: (signal: ShutdownSignal) => Promise<void>, forceAfterMs?: number) {
  const proc = new EventEmitter();
  const exits: number[] = [];
  const { logger, lines } = captureLogger();
  const dispose = onShutdownSignals(handler, logger, { process: proc, exit: (code) => exits.push(code), forceAfterMs });
  return { proc, exits, lines, dispose };
}

describe('onShutdownSignals', () => {
  it('runs the handler once on SIGTERM and exits 0 when it completes', async () => {
    const calls: ShutdownSignal[] = [];
    const { proc, exits } = harness(async (signal) => void calls.push(signal));
    proc.emit('SIGTERM');
    await tick();
    expect(calls).to.deep.equal(['SIGTERM']);
    expect(exits).to.deep.equal([0]);
  });

  it('forces the exit on a second signal while the handler is still running', async () => {
    let release!: () => void;
    const calls: ShutdownSignal[] = [];
    const { proc, exits, lines } = harness((signal) => {
      calls.push(signal);
      return new Promise<void>((resolve) => (release = resolve));
    });
    proc.emit('SIGINT');
    await tick();
    expect(exits).to.deep.equal([]);
    proc.emit('SIGINT');
    expect(calls).to.deep.equal(['SIGINT']);
    expect(exits).to.deep.equal([130]);
    expect(lines.some((l) => l.msg === 'second signal: forcing exit')).to.equal(true);
    release();
    await tick();
    expect(exits, 'no second exit once forced').to.deep.equal([130]);
  });

  it('exits 1 and logs when the handler fails', async () => {
    const { proc, exits, lines } = harness(async () => {
      throw new Error('drain failed');
    });
    proc.emit('SIGTERM');
    await tick();
    expect(exits).to.deep.equal([1]);
    expect(lines.some((l) => l.msg === 'shutdown failed')).to.equal(true);
  });

  it('forces the exit when the handler hangs past forceAfterMs', async () => {
    const { proc, exits } = harness(() => new Promise<void>(() => {}), 5);
    proc.emit('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(exits).to.deep.equal([143]);
  });

  it('stops listening once disposed', async () => {
    let called = false;
    const { proc, exits, dispose } = harness(async () => void (called = true));
    dispose();
    expect(proc.listenerCount('SIGINT') + proc.listenerCount('SIGTERM')).to.equal(0);
    proc.emit('SIGTERM');
    await tick();
    expect(called).to.equal(false);
    expect(exits).to.deep.equal([]);
  });
});
