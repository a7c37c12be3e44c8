import { fromCallback } from 'xstate';
import type { DriverCommand, DriverEvent } from '../../machines/edge/printer.machine.js';
import type { GenericParams, PrinterModel, VideojetParams, ZebraParams } from '../../src/edge/hardware/printers-config.js';
import { genericTcpDriver } from './generic-tcp.js';
import { videojetDriver } from './videojet.js';
import { zebraZplDriver } from './zebra-zpl.js';

/** What the printer machine hands its driver actor: one model's connection and parameters. */
interface Endpoint {
  host: string;
  port: number;
  connectTimeoutMs: number;
}
export type ZebraDriverConfig = Endpoint & { model: 'ZEBRA_ZPL'; params: ZebraParams };
export type VideojetDriverConfig = Endpoint & { model: 'VIDEOJET'; params: VideojetParams };
export type GenericDriverConfig = Endpoint & { model: 'GENERIC_TCP'; params: GenericParams };
export type PrinterDriverConfig = ZebraDriverConfig | VideojetDriverConfig | GenericDriverConfig;

export type SendDriverEvent = (event: DriverEvent) => void;

/** One connection's protocol: commands in, events out through `send`, closed by the owner. */
export interface DriverSession {
  command(command: DriverCommand): void;
  close(): void;
}

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
