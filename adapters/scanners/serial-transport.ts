import fs from 'node:fs';
import { SerialPort } from 'serialport';
import { fromCallback } from 'xstate';
import { FrameDecoder } from './frame-decoder.js';
import type { FramingConfig } from './framing.js';
import { createQueryTracker } from './query-tracker.js';
import type { TransportCommand, TransportEvent } from './tcp-transport.js';

/**
 * A scanner on a serial line (RS-232 through a converter, or a handheld in USB-COM mode — a
 * USB-CDC ACM device the OS shows as /dev/ttyACM0, which is how transport USB_HID is carried).
 * Same contract as the TCP transport: `transport.connected` once the port is open, frames as they
 * are decoded, `transport.failed` (terminal) when it cannot be opened or goes away — an unplugged
 * USB reader closes the port; the owning scanner machine backs off and opens it again.
 */

export interface SerialScannerConfig {
  path: string;
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits: 1 | 1.5 | 2;
  framing: FramingConfig;
  trigger?: string;
  queryTimeoutMs?: number;
}

/**
 * How often an open port checks that its device file is still there. When the other end of a tty
 * goes away the kernel usually wakes the pending read (EIO) and serialport closes the port — but
 * not always: a port that is only read from can sit open on a vanished device indefinitely (seen
 * with socat ptys: about one unplug in six). An unplugged USB reader removes its /dev node too.
 */
const PRESENCE_CHECK_MS = 500;

export const serialScannerTransport = fromCallback<TransportCommand, SerialScannerConfig, TransportEvent>(({ input, sendBack, receive }) => {
  let done = false;
  const send = (event: TransportEvent): void => {
    if (!done) sendBack(event);
  };
  const fail = (reason: string): void => {
    send({ type: 'transport.failed', reason });
    done = true;
  };
  const queries = createQueryTracker(send, input.queryTimeoutMs);
  const decoder = new FrameDecoder(input.framing);
  let lastError: string | null = null;
  let opened = false;

  const port = new SerialPort({
    path: input.path,
    baudRate: input.baudRate,
    dataBits: input.dataBits,
    parity: input.parity,
    stopBits: input.stopBits,
    autoOpen: false,
  });
  port.on('data', (chunk: Buffer) => {
    // Bytes from the device must never end the process: a decoder failing on them closes the
    // port (reported through 'close' as a failure), nothing more.
    try {
      for (const frame of decoder.push(chunk)) if (!queries.intercept(frame)) send({ type: 'transport.frame', frame });
    } catch (error) {
      lastError = `could not decode what ${input.path} sent: ${error instanceof Error ? error.message : String(error)}`;
      if (port.isOpen) port.close(() => undefined);
    }
  });
  port.on('error', (err: Error) => {
    lastError = err.message;
  });
  let presence: NodeJS.Timeout | undefined;
  port.on('close', (err: (Error & { disconnected?: boolean }) | null) => {
    clearInterval(presence);
    if (!opened) return;
    for (const frame of decoder.flush()) send({ type: 'transport.frame', frame });
    fail(err?.message ?? lastError ?? `${input.path} closed`);
  });
  port.open((err) => {
    if (err) {
      fail(`${input.path}: ${err.message}`);
      return;
    }
    opened = true;
    presence = setInterval(() => {
      fs.stat(input.path, (error) => {
        if (!error || !port.isOpen) return;
        lastError = `${input.path} is gone (device unplugged)`;
        port.close(() => undefined);
      });
    }, PRESENCE_CHECK_MS);
    send({ type: 'transport.connected', peer: input.path });
  });

  const write = (data: string) => {
    if (opened && port.isOpen) port.write(data);
  };
  receive((command) => {
    if (done) return;
    if (command.type === 'transport.write') write(command.data);
    else if (command.type === 'transport.trigger' && input.trigger) write(input.trigger);
    else if (command.type === 'transport.query') {
      queries.started();
      write(command.data);
    }
  });
  return () => {
    done = true;
    clearInterval(presence);
    queries.dispose();
    if (port.isOpen) port.close(() => undefined);
    else port.once('open', () => port.close(() => undefined));
  };
});
