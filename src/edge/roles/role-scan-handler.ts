import { type AnyActorRef, fromCallback } from 'xstate';
import type { RolesEvent, ScanLineEvent } from '../../../machines/edge/scan-line.machine.js';
import type { WorkReply } from '../../../machines/shared/serial-worker.machine.js';
import { reasons } from '../../domain/codes/reasons.js';
import { roleRefusal, type RoleJob, type RoleResult, type RoleScanRequest } from '../../domain/scanner-role.js';
import { ask } from '../../runtime/ask.js';

export interface RoleScanHandlerOptions {
  /** systemId of the bottle ledger (serial worker) that runs each role scan as one transaction. */
  ledgerSystemId: string;
  /** Sizes for a batch/pallet a role scan opens, read at each scan (config can change at run time). */
  sizes(): { batchSize: number | null; palletSize: number | null };
  /** A role scan not answered in time is answered as a storage error (default 10 s). */
  timeoutMs?: number;
}

/**
 * The scan line's role handler (its `roles` actor): every non-ADD scan becomes one request to the
 * bottle ledger actor, so role changes (statuses, batches, pallets, the buffer) are serialised with
 * manual ones; its answer goes back to the line as `role.done`. ADD scans never come here.
 * Like the committer, the handler outlives any one scan line actor, so `whenIdle` can be awaited
 * when the edge drains.
 */
export function createRoleScanHandler(options: RoleScanHandlerOptions) {
  let pending = 0;
  let idleWaiters: Array<() => void> = [];
  const settle = () => {
    pending--;
    if (pending > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  async function run(worker: AnyActorRef | undefined, job: RoleJob<AnyActorRef>): Promise<RoleResult> {
    if (!worker) return roleRefusal('error', reasons.storageUnavailable('the bottle ledger is not running'));
    const request: RoleScanRequest = { op: 'roleScan', role: job.role, item: job.item, deviceId: job.deviceId, productionLineId: job.productionLineId, ...options.sizes() };
    try {
      const reply = await ask<WorkReply<RoleResult>>(worker, (replyTo) => ({ type: 'work', request, replyTo }), { timeoutMs: options.timeoutMs ?? 10_000 });
      if (reply.ok) return reply.result;
      // A refusal is already a result (see role-scan-store.ts): what is left here is storage failing.
      return roleRefusal('error', reasons.storageUnavailable(reply.error.message));
    } catch (error) {
      return roleRefusal('error', reasons.storageUnavailable(error instanceof Error ? error.message : String(error)));
    }
  }

  const logic = fromCallback<RolesEvent, void>(({ receive, sendBack, system }) => {
    const reply = sendBack as (event: ScanLineEvent) => void;
    receive(({ job }) => {
      pending++;
      void run(system.get(options.ledgerSystemId) as AnyActorRef | undefined, job)
        .then((result) => reply({ type: 'role.done', job, result }))
        .finally(settle);
    });
  });

  return {
    logic,
    /** Resolves when no role scan is waiting for its transaction. */
    whenIdle(): Promise<void> {
      if (pending === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}

export type RoleScanHandler = ReturnType<typeof createRoleScanHandler>;
