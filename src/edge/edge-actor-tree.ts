import { type AnyActorLogic, createActor } from 'xstate';
import { type ChildSpec, createSupervisorMachine } from '../../machines/shared/supervisor.machine.js';
import { bridgeEmitsToBus } from '../runtime/emit-bridge.js';
import type { EventBus } from '../runtime/event-bus.js';
import type { Inspection } from '../runtime/inspection.js';
import type { Logger } from '../runtime/logger.js';
import { startRoot } from '../runtime/root-observer.js';
import { connectionRestored } from './connection-ready.js';
import type { EdgeEvent } from './edge-events.js';
import type { EdgeExtension } from './extension.js';

type RootActor = ReturnType<typeof createActor<ReturnType<typeof createSupervisorMachine>>>;

/**
 * A start step of the edge: the actor tree under the root supervisor, and its replacement by a
 * fresh one (restart_service). The root exists (as `current`) before it starts, so whatever looks
 * actors up through the tree finds them from the first event on; `start()` bridges the root's
 * emits to the bus, starts it, waits until the connection actor has read its saved mode, and
 * tells the features the tree runs.
 */
export async function createEdgeActorTree(options: {
  logic: Record<string, AnyActorLogic>;
  /** The children as they must start now (asked again at every restart). */
  childSpecs(): Promise<ChildSpec[]>;
  bus: EventBus<EdgeEvent>;
  logger: Logger;
  inspect?: Inspection['inspect'];
  extensions: readonly EdgeExtension[];
}) {
  const { bus, logger } = options;
  const supervisor = createSupervisorMachine(options.logic);
  const createRoot = (children: ChildSpec[]): RootActor =>
    createActor(supervisor, { input: { children }, systemId: 'root', ...(options.inspect ? { inspect: options.inspect } : {}) });

  const announceStarted = () => {
    for (const extension of options.extensions) {
      try {
        extension.started?.();
      } catch (error) {
        logger.error({ err: error, extension: extension.name }, 'extension failed to start');
      }
    }
  };
  const launch = async (root: RootActor) => {
    const unbridge = bridgeEmitsToBus(root, bus);
    startRoot(root, logger);
    await connectionRestored(root, logger);
    announceStarted();
    return unbridge;
  };

  let current = createRoot(await options.childSpecs());
  let unbridge: () => void = () => undefined;
  let restarts = 0;

  return {
    /** The root actor running now (a new one after each restart). */
    get current() {
      return current;
    },
    restarts: () => restarts,
    /** Starts the first tree (once). */
    async start(): Promise<void> {
      unbridge = await launch(current);
    },
    /** Replaces the whole tree by a fresh one; the caller drains the line first. */
    async restart(): Promise<{ restartedAt: string; restarts: number }> {
      const next = createRoot(await options.childSpecs());
      unbridge();
      current.stop();
      current = next;
      unbridge = await launch(next);
      restarts++;
      const restartedAt = new Date().toISOString();
      logger.warn({ restarts, restartedAt }, 'actor system restarted');
      return { restartedAt, restarts };
    },
    stop() {
      unbridge();
      current.stop();
    },
  };
}

export type EdgeActorTree = Awaited<ReturnType<typeof createEdgeActorTree>>;

/** What the edge logs of its actors' lives (the journal records them for people). */
export function logActorEvents(bus: EventBus<EdgeEvent>, logger: Logger): Array<() => void> {
  return [
    bus.subscribe('supervisor.childFailed', (event) => logger.error(event, 'actor failed for good')),
    bus.subscribe('supervisor.childRestarted', (event) => logger.warn(event, 'actor restarted')),
    bus.subscribe('scanner.state', (event) => logger.info(event, 'scanner')),
    bus.subscribe('scanner.refused', (event) => logger.warn(event, 'scanner connection refused')),
    bus.subscribe('factory.link', (event) => (event.state === 'unauthorized' ? logger.error(event, 'factory link') : logger.info(event, 'factory link'))),
  ];
}
