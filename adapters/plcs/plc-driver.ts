/**
 * What the PLC actor needs from a protocol (Modbus TCP/RTU, a PROFINET gateway, OPC UA,
 * EtherNet/IP, raw TCP): connect, read and write addressed values, and say when the link drops.
 * Addresses are the protocol's own strings, parsed by the driver (e.g. Modbus `coil:10`,
 * `hr:100`, `hr:200/str10`; OPC UA `ns=2;s=Line.Eject`; EtherNet/IP `Program:Main.Eject`).
 */
import type { PlcTag, PlcValue } from '../../src/domain/ports/plc-connection.js';
export type { PlcTag, PlcValue } from '../../src/domain/ports/plc-connection.js';

export interface PlcDriver {
  readonly protocol: string;
  connect(): Promise<void>;
  read(address: string): Promise<PlcValue>;
  write(address: string, value: PlcValue): Promise<void>;
  /** Protocols that can browse (OPC UA) list their tags; the others answer null (the bindings stand in). */
  browse(): Promise<PlcTag[] | null>;
  /** Called once when an established link is lost (the actor then backs off and reconnects). */
  onDisconnect(listener: (reason: string) => void): void;
  close(): Promise<void>;
}

/** The line signals a PLC binding maps to a tag (issue 6: reject loop, line state, counters, stop request, current GTIN). */
export const LINE_SIGNALS = ['eject', 'lineRunning', 'goodCounter', 'rejectCounter', 'stopLineRequest', 'currentGtin', 'alarm'] as const;
export type LineSignal = (typeof LINE_SIGNALS)[number];
