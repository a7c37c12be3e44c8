import type { DriverCommand, DriverEvent } from '../../src/domain/ports/printer-driver.js';
import type { GenericParams, VideojetParams, ZebraParams } from './printers-config.js';

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
