import { fromCallback } from 'xstate';
import type { TransportCommand, TransportEvent } from './tcp-transport.js';

/**
 * The transport of a mock scanner: always connected, fed by /api/v1/mock/scan rather than a
 * socket. Lets a fresh edge with no hardware be used (and demonstrated) at once.
 */
export const mockScannerTransport = fromCallback<TransportCommand, unknown, TransportEvent>(({ sendBack }) => {
  sendBack({ type: 'transport.connected', peer: 'mock' });
});
