import type { EventObject } from 'xstate';

/** The parts of an xstate/graph TestModel the path builder uses (kept loose: models differ in types). */
interface PathModel<TPath extends { description: string; state: unknown; steps: Array<{ event: unknown }> }> {
  getAdjacencyMap(): object;
  getShortestPaths(options: { allowDuplicatePaths: boolean }): TPath[];
  getSimplePaths(options: { allowDuplicatePaths: boolean }): TPath[];
  getPathsFromEvents(events: EventObject[]): TPath[];
}

/**
 * Every simple path (no state twice) to every state, plus transition-pair coverage: the shortest
 * path to each state extended by every event that state accepts, and then by every event the
 * state it leads to accepts. Cycles are walked once around; longer walks repeat what these check.
 */
export function coveringPaths<TPath extends { description: string; state: unknown; steps: Array<{ event: unknown }> }>(
  model: PathModel<TPath>,
  serializeState: (state: never) => string,
): TPath[] {
  const key = serializeState as (state: unknown) => string;
  const adjacency = model.getAdjacencyMap() as Record<string, { transitions: Record<string, { event: unknown; state: unknown }> }>;
  const eventsFrom = (state: unknown) => Object.values(adjacency[key(state)]!.transitions);
  const pairPaths = model.getShortestPaths({ allowDuplicatePaths: true }).flatMap((toState) => {
    const prefix = toState.steps.map((step) => step.event as EventObject).filter((e) => e.type !== 'xstate.init');
    return eventsFrom(toState.state).flatMap(({ event, state }) =>
      eventsFrom(state).flatMap((next) => model.getPathsFromEvents([...prefix, event as EventObject, next.event as EventObject])),
    );
  });
  return [...model.getSimplePaths({ allowDuplicatePaths: true }), ...pairPaths].filter(
    (path, i, all) => all.findIndex((other) => other.description === path.description) === i,
  );
}

/** Every transition of the model as `state|eventType`, to check that the paths cover them all. */
export function modelTransitions(model: { getAdjacencyMap(): object }): string[] {
  const adjacency = model.getAdjacencyMap() as Record<string, { transitions: Record<string, { event: { type: string } }> }>;
  return Object.entries(adjacency).flatMap(([state, { transitions }]) => Object.values(transitions).map(({ event }) => `${state}|${event.type}`));
}
