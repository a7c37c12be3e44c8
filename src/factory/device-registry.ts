import type { DevicePrincipal } from '../../api/http/device-auth.js';
import type { EventBus } from '../runtime/event-bus.js';
import type { FactoryEvent } from './factory-events.js';

/**
 * Which token is each registered device's current one, kept in memory so every device request
 * and channel message is checked without a database read. Filled from storage at start, then
 * kept current by the committed device events (a new token revokes the old one at once; a
 * removed device's token stops working at once).
 */
export function createDeviceRegistry(bus: EventBus<FactoryEvent>, initial: Array<{ id: string; tokenId: string | null }>) {
  const currentToken = new Map<string, string | null>(initial.map((d) => [d.id, d.tokenId]));
  const listeners = new Set<(deviceId: string) => void>();
  const revoke = (deviceId: string) => listeners.forEach((listener) => listener(deviceId));

  const offs = [
    bus.subscribe('device.registered', ({ device }) => currentToken.set(device.id, null)),
    bus.subscribe('device.removed', ({ deviceId }) => {
      currentToken.delete(deviceId);
      revoke(deviceId);
    }),
    bus.subscribe('device.tokenIssued', ({ deviceId, tokenId }) => {
      currentToken.set(deviceId, tokenId);
      revoke(deviceId);
    }),
  ];

  return {
    has: (deviceId: string) => currentToken.has(deviceId),
    isCurrent: (device: DevicePrincipal) => currentToken.get(device.deviceId) === device.tokenId,
    /** Called when a device's previous token stops being valid (re-issued or device removed): its channel must close. */
    onRevoked(listener: (deviceId: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: () => offs.forEach((off) => off()),
  };
}

export type DeviceRegistry = ReturnType<typeof createDeviceRegistry>;
