import type { Knex } from 'knex';
import { fromPromise } from 'xstate';
import type { DeviceTokenIssuer } from '../../../src/auth/device-token-issuer.js';
import type { WorkOutcome } from '../../../src/domain/ports/work-outcome.js';
import { DomainError } from '../../../src/domain/domain-error.js';
import { type AuditActor, audited } from './audit-log.js';
import { createDeviceStore, type DeviceFields, type DeviceRecord } from './device-store.js';

export type DeviceRequest = { actor: AuditActor } & (
  | { op: 'create'; device: DeviceFields & { id: string } }
  | { op: 'update'; id: string; patch: Partial<DeviceFields> }
  | { op: 'remove'; id: string }
  | { op: 'issueToken'; id: string }
);

export interface IssuedToken {
  deviceId: string;
  token: string;
  tokenId: string;
  expiresAt: string;
}

/** What the audit log keeps of a device: its fields, never its token. */
const audited_ = (device: DeviceRecord | null) => device && { id: device.id, name: device.name, lineId: device.lineId, connectionMode: device.connectionMode, description: device.description };

/**
 * The device registry's writes, run one at a time by a serial worker: each commits with its audit
 * entry, then announces what changed (the fleet starts or stops the session, the registry swaps
 * tokens). Issuing a token stores its id as the device's current one, which revokes the previous.
 */
export function createDeviceExecutor(db: Knex, tokens: DeviceTokenIssuer) {
  return fromPromise<WorkOutcome<DeviceRecord | IssuedToken | { id: string }>, DeviceRequest>(async ({ input }) => {
    const { actor } = input;
    switch (input.op) {
      case 'create': {
        const device = await audited(db, { actor, action: 'device.create', entityType: 'device', entityId: input.device.id }, async (trx) => {
          const created = await createDeviceStore(trx).create(input.device);
          return { result: created, after: audited_(created) };
        });
        return { ok: true, result: device, events: [{ type: 'device.registered', device }] };
      }
      case 'update': {
        const device = await audited(db, { actor, action: 'device.update', entityType: 'device', entityId: input.id }, async (trx) => {
          const store = createDeviceStore(trx);
          const before = await store.get(input.id);
          const updated = await store.update(input.id, input.patch);
          return { result: updated, before: audited_(before), after: audited_(updated) };
        });
        return { ok: true, result: device, events: [{ type: 'device.updated', device }] };
      }
      case 'remove': {
        await audited(db, { actor, action: 'device.delete', entityType: 'device', entityId: input.id }, async (trx) => {
          const store = createDeviceStore(trx);
          const before = await store.get(input.id);
          if (!before || !(await store.delete(input.id))) throw new DomainError('NOT_FOUND', `Device ${input.id} not found`);
          return { result: null, before: audited_(before) };
        });
        return { ok: true, result: { id: input.id }, events: [{ type: 'device.removed', deviceId: input.id }] };
      }
      case 'issueToken': {
        const issued = await audited(db, { actor, action: 'device.token.issue', entityType: 'device', entityId: input.id }, async (trx) => {
          const store = createDeviceStore(trx);
          const device = await store.get(input.id);
          if (!device) throw new DomainError('NOT_FOUND', `Device ${input.id} not found`);
          const token = tokens.issue(input.id);
          await store.setTokenId(input.id, token.tokenId);
          // The token id only: the token itself is shown once to the caller and kept nowhere.
          return { result: token, before: { tokenId: device.tokenId }, after: { tokenId: token.tokenId, expiresAt: token.expiresAt } };
        });
        return { ok: true, result: { deviceId: input.id, ...issued }, events: [{ type: 'device.tokenIssued', deviceId: input.id, tokenId: issued.tokenId }] };
      }
    }
  });
}
