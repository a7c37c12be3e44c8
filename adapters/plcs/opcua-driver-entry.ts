import { LazyPlcDriver } from './lazy-plc-driver.js';
import type { PlcDriverEntry } from './plc-driver-entry.js';

// NodeId strings node-opcua's resolveNodeId accepts: numeric, string, GUID and opaque identifiers.
const NODE_ID = /^(?:ns=\d{1,5};)?(?:i=\d{1,10}|s=.+|g=[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|b=[A-Za-z0-9+/]+={0,2})$/;

export function opcUaAddressProblem(address: string): string | null {
  return NODE_ID.test(address) ? null : 'an OPC UA address is a NodeId such as ns=2;s=Line.Eject or ns=3;i=1001';
}

/**
 * OPC_UA in the driver registry. node-opcua is imported on the first connect (see LazyPlcDriver).
 * The PLC's `timeoutMs` bounds each request; connecting (TCP, hello, secure channel, session) gets
 * at least 5 s because the first session also creates the client certificate.
 */
export const opcUaDriverEntry: PlcDriverEntry = {
  create: (config) => {
    if (!config.endpointUrl) throw new Error('an OPC_UA PLC needs an endpointUrl');
    const endpointUrl = config.endpointUrl;
    return new LazyPlcDriver('OPC_UA', async () => {
      const { OpcUaDriver } = await import('./opcua-driver.js');
      return new OpcUaDriver({ endpointUrl, requestTimeoutMs: config.timeoutMs, connectTimeoutMs: Math.max(5000, config.timeoutMs), connectRetries: 0 });
    });
  },
  checkAddress: (_config, address) => opcUaAddressProblem(address),
  browses: true,
};
