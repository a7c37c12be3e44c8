import { createActor, fromCallback, setup, type SimulatedClock } from 'xstate';
import type { TransportCommand, TransportEvent } from '../../adapters/scanners/tcp-transport.js';
import type { ScanLineEvent } from '../../machines/edge/scan-line.machine.js';
import { type ScannerActor, type ScannerEmitted, type ScannerInput, scannerMachine } from '../../machines/edge/scanner.machine.js';

export interface FakeConnection {
  input: unknown;
  /** Commands the scanner sent to this transport (transport.write …). */
  commands: TransportCommand[];
  stopped: boolean;
  /** Sends a transport event to the scanner, as a socket would. */
  emit(event: TransportEvent): void;
}

/** A transport the test drives: each invocation is recorded, and the test plays the socket. */
export function createFakeTransport() {
  const connections: FakeConnection[] = [];
  const logic = fromCallback<TransportCommand, unknown, TransportEvent>(({ input, sendBack, receive }) => {
    const connection: FakeConnection = {
      input,
      commands: [],
      stopped: false,
      emit: (event) => sendBack(event),
    };
    connections.push(connection);
    receive((command) => {
      connection.commands.push(command);
    });
    return () => {
      connection.stopped = true;
    };
  });
  return {
    logic,
    connections,
    latest(): FakeConnection {
      const last = connections.at(-1);
      if (!last) throw new Error('fake transport: never invoked');
      return last;
    },
  };
}

export const SCANNER_INPUT: ScannerInput = { scannerId: 's1', transport: { kind: 'fake', port: 1234 }, backoff: { baseMs: 10, maxMs: 40 } };

/**
 * A scanner machine (fake transport) and a recorder standing in for the scan line, spawned in one
 * actor system by a parent, as the edge's supervisor does: the scanner finds the line by systemId.
 */
export function startScannerRig(input: Partial<ScannerInput> = {}, options: { clock?: SimulatedClock; lineSystemId?: string } = {}) {
  const transport = createFakeTransport();
  const lineEvents: ScanLineEvent[] = [];
  const line = fromCallback<ScanLineEvent>(({ receive }) => {
    receive((event) => {
      lineEvents.push(event);
    });
  });
  const scannerInput: ScannerInput = { ...SCANNER_INPUT, ...input };
  const rig = setup({ actors: { line, scanner: scannerMachine.provide({ actors: { transport: transport.logic } }) } }).createMachine({
    invoke: [
      { id: 'line', src: 'line', systemId: options.lineSystemId ?? scannerInput.lineSystemId ?? 'scanLine' },
      { id: 'scanner', src: 'scanner', systemId: `scanner.${scannerInput.scannerId}`, input: scannerInput },
    ],
  });
  const errors: unknown[] = [];
  const root = createActor(rig, options.clock ? { clock: options.clock } : {});
  root.subscribe({ error: (error) => errors.push(error) });
  root.start();
  const scanner = root.getSnapshot().children.scanner as ScannerActor;
  const emitted: ScannerEmitted[] = [];
  scanner.on('*', (event) => emitted.push(event));
  return {
    root,
    scanner,
    transport,
    lineEvents,
    emitted,
    errors,
    snapshot: () => scanner.getSnapshot(),
    stop: () => root.stop(),
  };
}

export type ScannerRig = ReturnType<typeof startScannerRig>;
