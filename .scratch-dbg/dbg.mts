import { assign, setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
const outstanding = ({ context }: { context: { inFlight: number } }) => context.inFlight > 0;
const model = setup({
  types: { context: {} as { inFlight: number }, events: {} as any },
}).createMachine({
  context: { inFlight: 0 }, initial: 'running',
  states: {
    running: { on: { SCAN: { actions: assign({ inFlight: ({ context }) => context.inFlight + 1 }) }, PAUSE: 'paused' } },
    paused: { on: { RESUME: 'running' } },
  },
});
const serializeState = (s: any) => JSON.stringify(s.value) + (s.context.inFlight > 0);
const tm = createTestModel(model, { serializeState, events: [{ type: 'SCAN' }, { type: 'PAUSE' }, { type: 'RESUME' }] });
console.time('adj'); const adj = tm.getAdjacencyMap(); console.timeEnd('adj'); console.log(Object.keys(adj));
console.time('sp'); const sp = tm.getShortestPaths(); console.timeEnd('sp'); console.log(sp.length);
