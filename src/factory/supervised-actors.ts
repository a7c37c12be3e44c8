import type { AnyActorRef } from 'xstate';
import type { SupervisedActors } from './extension.js';

/** System id of the supervisor the firmware deployments' machines run under. */
export const DEPLOYMENTS = 'deployments';

/**
 * Children of the supervisor `supervisorSystemId` (under `root`), spawned with
 * `supervisor.spawn` by key like every other supervised actor; each child's system id is
 * `<supervisor>.<id>`, by which it is found after the spawn.
 */
export function supervisedActors(root: AnyActorRef, supervisorSystemId: string): SupervisedActors {
  const supervisor = () => root.system.get(supervisorSystemId) as AnyActorRef | undefined;
  return {
    spawn(id, src, input) {
      const systemId = `${supervisorSystemId}.${id}`;
      supervisor()?.send({ type: 'supervisor.spawn', child: { id, src, input, systemId } });
      return root.system.get(systemId) as AnyActorRef | undefined;
    },
    remove(id) {
      supervisor()?.send({ type: 'supervisor.remove', id });
    },
  };
}
