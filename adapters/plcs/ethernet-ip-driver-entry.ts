import { parseTagAddress } from './ethernet-ip-address.js';
import { LazyPlcDriver } from './lazy-plc-driver.js';
import type { PlcDriverEntry } from './plc-driver-entry.js';

/** The port st-ethernet-ip always dials (EtherNet/IP explicit messaging). */
const ENIP_PORT = 44818;

/**
 * ETHERNET_IP in the driver registry: `host`, `slot` (0 for CompactLogix), `timeoutMs` per
 * request. st-ethernet-ip is imported on the first connect (see LazyPlcDriver).
 */
export const ethernetIpDriverEntry: PlcDriverEntry = {
  create: (config) => {
    if (!config.host) throw new Error('an ETHERNET_IP PLC needs a host');
    if (config.port !== undefined && config.port !== ENIP_PORT) throw new Error(`ETHERNET_IP: st-ethernet-ip always connects to port ${ENIP_PORT}, not ${config.port}`);
    const host = config.host;
    return new LazyPlcDriver('ETHERNET_IP', async () => {
      const { EthernetIpDriver } = await import('./ethernet-ip-driver.js');
      return new EthernetIpDriver({ host, slot: config.slot ?? 0, requestTimeoutMs: config.timeoutMs, connectTimeoutMs: Math.max(5000, config.timeoutMs) });
    });
  },
  checkAddress: (_config, address) => {
    try {
      parseTagAddress(address);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  },
  // The tag list read at connect (when readTagList is on, the default).
  browses: true,
};
