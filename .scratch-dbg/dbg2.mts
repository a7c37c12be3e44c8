import { assign, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
type ModelEvent = { type: 'SCAN' } | { type: 'PAUSE'; reason: string } | { type: 'RESUME' } | { type: 'DRAIN' } | { type: 'COMMIT_COMPLETES' };
const outstanding = ({ context }: { context: { inFlight: number } }) => context.inFlight > 0;
const model = setup({
  types: { context: {} as { inFlight: number }, events: {} as ModelEvent },
  actions: {
    startCommit: assign({ inFlight: ({ context }) => context.inFlight + 1 }),
    completeCommits: assign({ inFlight: 0 }),
  },
}).createMachine({
  id: 'scanLineModel',
  context: { inFlight: 0 },
  initial: 'running',
  states: {
    running: { on: { SCAN: { actions: 'startCommit' }, PAUSE: 'paused', DRAIN: [{ guard: outstanding, target: 'draining' }, { target: 'drained' }], COMMIT_COMPLETES: { guard: outstanding, actions: 'completeCommits' } } },
    paused: { on: { SCAN: { actions: 'startCommit' }, PAUSE: 'paused', RESUME: 'running', DRAIN: [{ guard: outstanding, target: 'draining' }, { target: 'drained' }], COMMIT_COMPLETES: { guard: outstanding, actions: 'completeCommits' } } },
    draining: { on: { SCAN: 'draining', COMMIT_COMPLETES: { target: 'drained', actions: 'completeCommits' } } },
    drained: { on: { SCAN: 'drained', RESUME: 'running' } },
  },
});
const serializeState = (s: any) => JSON.stringify(s.value) + (s.context.inFlight > 0);
const tm = createTestModel(model, { serializeState, events: [{ type: 'SCAN' }, { type: 'PAUSE', reason: 'jam' }, { type: 'RESUME' }, { type: 'DRAIN' }, { type: 'COMMIT_COMPLETES' }] });
console.time('adj'); const adj = tm.getAdjacencyMap(); console.timeEnd('adj'); console.log(Object.keys(adj));
console.time('sp'); const sp = tm.getShortestPaths({ allowDuplicatePaths: true }); console.timeEnd('sp'); console.log(sp.length);
for (const p of sp) { console.log(p.description); const t = Date.now(); const x = tm.getPathsFromEvents(p.steps.map(s => s.event).filter((e: any) => e.type !== 'xstate.init') as any); console.log(' ', Date.now() - t, x.length); }
