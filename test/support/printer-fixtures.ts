import { createActor, fromCallback, type SimulatedClock } from 'xstate';
import {
  type DriverCommand,
  type DriverEvent,
  type PrinterEmitted,
  type PrinterInput,
  printerMachine,
  type PrintReply,
  type PrintResult,
  type StatusReply,
} from '../../machines/edge/printer.machine.js';
import { printerDriver, type PrinterDriverConfig } from '../../adapters/printers/printer-driver.js';
import { ask } from '../../src/runtime/ask.js';

export interface FakeDriver {
  input: unknown;
  commands: DriverCommand[];
  stopped: boolean;
  emit(event: DriverEvent): void;
}

/** A driver the test plays: each invocation is recorded, with what the machine asked of it. */
export function createFakeDriver() {
  const drivers: FakeDriver[] = [];
  const logic = fromCallback<DriverCommand, unknown, DriverEvent>(({ input, sendBack, receive }) => {
    const driver: FakeDriver = { input, commands: [], stopped: false, emit: (event) => sendBack(event) };
    drivers.push(driver);
    receive((command) => void driver.commands.push(command));
    return () => {
      driver.stopped = true;
    };
  });
  return {
    logic,
    drivers,
    latest(): FakeDriver {
      const last = drivers.at(-1);
      if (!last) throw new Error('fake driver: never invoked');
      return last;
    },
  };
}

export const PRINTER_INPUT: PrinterInput = { printerId: 'p1', driver: { kind: 'fake' }, backoff: { baseMs: 10, maxMs: 40 }, random: () => 0 };

function rigOf(logic: Parameters<typeof printerMachine.provide>[0]['actors'] extends infer A ? A : never, input: PrinterInput, clock?: SimulatedClock) {
  const actor = createActor(printerMachine.provide({ actors: logic as never }), { input, ...(clock ? { clock } : {}) });
  const errors: unknown[] = [];
  const emitted: PrinterEmitted[] = [];
  actor.subscribe({ error: (error) => errors.push(error) });
  actor.on('*', (event) => emitted.push(event as PrinterEmitted));
  actor.start();
  return {
    actor,
    errors,
    emitted,
    snapshot: () => actor.getSnapshot(),
    /** Starts a print; resolves with the printer's answer. */
    print: (code: string, params: Record<string, string> = {}, timeoutMs = 10_000): Promise<PrintResult> =>
      ask<PrintReply>(actor, (replyTo) => ({ type: 'PRINT', code, params, replyTo }), { timeoutMs }).then((reply) => reply.result),
    queryStatus: (timeoutMs = 5_000) => ask<StatusReply>(actor, (replyTo) => ({ type: 'QUERY_STATUS', replyTo }), { timeoutMs }),
    stop: () => actor.stop(),
  };
}

/** A printer machine with a fake driver. */
export function startPrinterRig(input: Partial<PrinterInput> = {}, options: { clock?: SimulatedClock } = {}) {
  const driver = createFakeDriver();
  return { ...rigOf({ driver: driver.logic }, { ...PRINTER_INPUT, ...input }, options.clock), driver };
}

/** A printer machine with the real driver for `config` (against a simulator). */
export function startRealPrinter(config: PrinterDriverConfig, backoff = { baseMs: 20, maxMs: 100 }) {
  return rigOf({ driver: printerDriver }, { printerId: 'p1', driver: config, backoff });
}
