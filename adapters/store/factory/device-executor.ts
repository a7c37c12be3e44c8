import { fromPromise } from 'xstate';
import type { DeviceTokenIssuer } from '../../../api/http/device-auth.js';
import type { WorkOutcome } from '../../../machines/shared/serial-worker.machine.js';
import { DomainError } from '../../../src/domain/domain-error.js';
import type { DeviceFields, DeviceRecord, DeviceStore } from './device-store.js';

export type DeviceRequest =
  | { op: 'create'; device: DeviceFields & { id: string } }
  | { op: 'update'; id: string; patch: Partial<DeviceFields> }
  | { op: 'remove'; id: string }
  | { op: 'issueToken'; id: string };

export interface IssuedToken {
  deviceId: string;
  token: string;
  tokenId: string;
  expiresAt: string;
}

/**
 * The device registry's writes, run one at a time by a serial worker: each commits, then
 * announces what changed (the fleet starts or stops the session, the registry swaps tokens).
 * Issuing a token stores its id as the device's current one, which revokes the previous token.
 */
export function createDeviceExecutor(store: DeviceStore, tokens: DeviceTokenIssuer) {
  return fromPromise<WorkOutcome<DeviceRecord | IssuedToken | { id: string }>, DeviceRequest>(async ({ input }) => {
    switch (input.op) {
      case 'create': {
        const device = await store.create(input.device);
        return { ok: true, result: device, events: [{ type: 'device.registered', device }] };
      }
      case 'update': {
        const device = await store.update(input.id, input.patch);
        return { ok: true, result: device, events: [{ type: 'device.updated', device }] };
      }
      case 'remove': {
        if (!(await store.delete(input.id))) throw new DomainError('NOT_FOUND', `Device ${input.id} not found`);
        return { ok: true, result: { id: input.id }, events: [{ type: 'device.removed', deviceId: input.id }] };
      }
      case 'issueToken': {
        if (!(await store.get(input.id))) throw new DomainError('NOT_FOUND', `Device ${input.id} not found`);
        const issued = tokens.issue(input.id);
        await store.setTokenId(input.id, issued.tokenId);
        return { ok: true, result: { deviceId: input.id, ...issued }, events: [{ type: 'device.tokenIssued', deviceId: input.id, tokenId: issued.tokenId }] };
      }
    }
  });
}
