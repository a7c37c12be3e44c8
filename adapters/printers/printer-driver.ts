import { fromCallback } from 'xstate';
import type { DriverCommand, DriverEvent } from '../../src/domain/ports/printer-driver.js';
import type { PrinterModel } from './printers-config.js';
import { genericTcpDriver } from './generic-tcp.js';
import { videojetDriver } from './videojet.js';
import { zebraZplDriver } from './zebra-zpl.js';
import type { DriverSession, PrinterDriverConfig, SendDriverEvent } from './printer-session.js';

export type { DriverSession, GenericDriverConfig, PrinterDriverConfig, SendDriverEvent, VideojetDriverConfig, ZebraDriverConfig } from './printer-session.js';

const SESSIONS: { [M in PrinterModel]: (config: Extract<PrinterDriverConfig, { model: M }>, send: SendDriverEvent) => DriverSession } = {
  ZEBRA_ZPL: zebraZplDriver,
  VIDEOJET: videojetDriver,
  GENERIC_TCP: genericTcpDriver,
};

/**
 * The printer machine's `driver` actor for every model. Events stop after `driver.failed` and
 * after cleanup, so the machine never sees a late event from a dead connection.
 */
export const printerDriver = fromCallback<DriverCommand, PrinterDriverConfig, DriverEvent>(({ input, sendBack, receive }) => {
  let done = false;
  const send: SendDriverEvent = (event) => {
    if (done) return;
    if (event.type === 'driver.failed') done = true;
    sendBack(event);
  };
  const session = (SESSIONS[input.model] as (config: PrinterDriverConfig, send: SendDriverEvent) => DriverSession)(input, send);
  receive((command) => {
    if (!done) session.command(command);
  });
  return () => {
    done = true;
    session.close();
  };
});
