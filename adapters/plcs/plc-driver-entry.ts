import type { PlcDriver } from './plc-driver.js';
import type { PlcConfig } from './plcs-config.js';

/**
 * Protocol → driver. Each entry builds a driver from a PLC's configuration and says how to check
 * an address before it is bound (so PUT /plc/bindings rejects `hr:abc` up front, not at the first
 * eject). Protocols without an entry fail to connect with a clear message (the PLC shows it in
 * its health) instead of crashing the edge.
 */
export interface PlcDriverEntry {
  create(config: PlcConfig): PlcDriver;
  /** null when the address is fine for this PLC, else why not. Absent = any non-empty address. */
  checkAddress?(config: PlcConfig, address: string): string | null;
  /** The protocol lists its tags itself (browse()); others show the configured bindings. */
  browses?: boolean;
}
