import { expect } from 'chai';
import type { AnyActorRef, AnyStateMachine, EventObject, InspectionEvent } from 'xstate';

/**
 * Transition coverage of a REAL machine, measured while model-based paths drive it.
 *
 * The machine's own definition says what there is to cover: every state node, and every
 * (state node, event) transition written in its config — `on` keys, `always`, `after` delays,
 * invoke `onDone`/`onError`. What was covered is read from XState's inspection events
 * (`@xstate.microstep` carries the transitions it took and the snapshot it reached), so the figure
 * is about the machine itself, not about the test's abstract model of it.
 *
 * A model test declares the gaps it leaves on purpose (with the reason). The check fails on any
 * state or transition that was neither covered nor declared — this is the drift check: a machine
 * that gains a state or an event fails its model test until the model exercises it — and on a
 * declared gap that no longer exists or that is now covered, so the list cannot go stale.
 */

interface StateNodeLike {
  id: string;
  key: string;
  states: Record<string, StateNodeLike>;
  transitions: Map<string, unknown[]>;
  always?: unknown[];
}

interface TransitionLike {
  source: StateNodeLike;
  eventType: string;
}

interface SnapshotLike {
  machine?: { id?: string };
  _nodes?: StateNodeLike[];
  children?: Record<string, AnyActorRef | undefined>;
}

export interface CoverageReport {
  machine: string;
  states: { total: number; reached: number; missed: string[] };
  transitions: { total: number; taken: number; missed: string[] };
  /** Each candidate of a guarded transition (`[{ guard, … }, { … }]`) on its own: reported, not required. */
  branches: { total: number; taken: number; missed: string[] };
}

/** The name a report uses for a state node: its path below the root, `(root)` for the root. */
function stateName(machineId: string, node: { id: string }): string {
  return node.id === machineId ? '(root)' : node.id.slice(machineId.length + 1);
}

/** The name a report uses for an event descriptor: `after <delay>` for delays, `always` for eventless. */
function eventName(node: { id: string }, descriptor: string): string {
  if (descriptor === '') return 'always';
  const after = /^xstate\.after\.(.+)$/.exec(descriptor);
  if (after) return `after ${after[1]!.endsWith(`.${node.id}`) ? after[1]!.slice(0, -(node.id.length + 1)) : after[1]}`;
  return descriptor;
}

const transitionKey = (machineId: string, node: { id: string }, descriptor: string) => `${stateName(machineId, node)} | ${eventName(node, descriptor)}`;

/** Every state and (state, event) transition the machine's definition has. */
export function machineDefinition(machine: AnyStateMachine): { states: string[]; transitions: string[] } {
  const { states, transitions } = definitionWithBranches(machine);
  return { states, transitions };
}

const branchKey = (machineId: string, node: { id: string }, descriptor: string, index: number) => `${transitionKey(machineId, node, descriptor)} #${index + 1}`;

function definitionWithBranches(machine: AnyStateMachine): { states: string[]; transitions: string[]; branches: string[] } {
  const states: string[] = [];
  const transitions: string[] = [];
  const branches: string[] = [];
  const walk = (node: StateNodeLike) => {
    if (node.id !== machine.id) states.push(stateName(machine.id, node));
    for (const [descriptor, candidates] of node.transitions) {
      transitions.push(transitionKey(machine.id, node, descriptor));
      candidates.forEach((_, i) => branches.push(branchKey(machine.id, node, descriptor, i)));
    }
    if (node.always?.length) {
      transitions.push(transitionKey(machine.id, node, ''));
      node.always.forEach((_, i) => branches.push(branchKey(machine.id, node, '', i)));
    }
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root as unknown as StateNodeLike);
  return { states, transitions, branches };
}

/** Which candidate of its (state, event) list a taken transition is. */
function branchOf(machineId: string, t: TransitionLike): string {
  const candidates = t.eventType === '' ? (t.source.always ?? []) : (t.source.transitions.get(t.eventType) ?? []);
  return branchKey(machineId, t.source, t.eventType, candidates.indexOf(t));
}

export interface MachineCoverage {
  readonly machine: AnyStateMachine;
  /** Pass as `createActor(machine, { inspect })` to see everything from the first step. */
  inspect(event: InspectionEvent): void;
  /** Attaches to an actor that already runs (a rig built it): its current state counts as reached. */
  observe(actor: AnyActorRef): void;
  /**
   * For tests that step the machine without an actor (`transition(machine, snapshot, event)`):
   * records the transitions `event` takes from `before` and the states of `after`.
   */
  step(before: unknown, event: EventObject, after: unknown): void;
  report(): CoverageReport;
}

export function trackCoverage(machine: AnyStateMachine): MachineCoverage {
  const definition = definitionWithBranches(machine);
  const reached = new Set<string>();
  const taken = new Set<string>();
  const branches = new Set<string>();
  const observed = new WeakSet<object>();
  // By id: a machine built with `.provide()` (or by a factory, like the supervisor's) is a new object.
  const isOurs = (snapshot: SnapshotLike | undefined) => (snapshot?.machine as { id?: string } | undefined)?.id === machine.id;
  const recordSnapshot = (snapshot: SnapshotLike) => {
    for (const node of snapshot._nodes ?? []) if (node.id !== machine.id) reached.add(stateName(machine.id, node));
  };
  const inspect = (event: InspectionEvent) => {
    const snapshot = (event as { snapshot?: SnapshotLike }).snapshot;
    if (!isOurs(snapshot)) return;
    recordSnapshot(snapshot!);
    if (event.type === '@xstate.microstep') {
      for (const t of (event as unknown as { _transitions: TransitionLike[] })._transitions) {
        taken.add(transitionKey(machine.id, t.source, t.eventType));
        branches.add(branchOf(machine.id, t));
        // A transient state (left by `always` in the step that entered it) shows in no snapshot.
        if (t.source.id !== machine.id) reached.add(stateName(machine.id, t.source));
      }
    }
  };
  /** Records the current snapshot of every actor of this machine in the tree below `actor`. */
  const visit = (actor: AnyActorRef) => {
    const snapshot = actor.getSnapshot() as SnapshotLike;
    if (isOurs(snapshot)) recordSnapshot(snapshot);
    for (const child of Object.values(snapshot?.children ?? {})) if (child) visit(child);
  };
  return {
    machine,
    inspect,
    observe(actor) {
      visit(actor);
      if (observed.has(actor.system)) return;
      observed.add(actor.system);
      actor.system.inspect(inspect);
    },
    step(before, event, after) {
      recordSnapshot(before as SnapshotLike);
      const transitions = (machine as unknown as { getTransitionData(s: unknown, e: EventObject): TransitionLike[] }).getTransitionData(before, event);
      for (const t of transitions) {
        taken.add(transitionKey(machine.id, t.source, t.eventType));
        branches.add(branchOf(machine.id, t));
      }
      recordSnapshot(after as SnapshotLike);
    },
    report() {
      const missedStates = definition.states.filter((s) => !reached.has(s));
      const missedTransitions = definition.transitions.filter((t) => !taken.has(t));
      return {
        machine: machine.id,
        states: { total: definition.states.length, reached: definition.states.length - missedStates.length, missed: missedStates },
        transitions: { total: definition.transitions.length, taken: definition.transitions.length - missedTransitions.length, missed: missedTransitions },
        branches: (() => {
          const missed = definition.branches.filter((b) => !branches.has(b));
          return { total: definition.branches.length, taken: definition.branches.length - missed.length, missed };
        })(),
      };
    },
  };
}

/** `12/12 states, 30/31 transitions, 40/44 guarded branches` */
export function coverageFigures(report: CoverageReport): string {
  return `${report.states.reached}/${report.states.total} states, ${report.transitions.taken}/${report.transitions.total} transitions, ${report.branches.taken}/${report.branches.total} guarded branches`;
}

/**
 * Checks a coverage report against the gaps a model test declares (state name, or
 * `state | event`, mapped to why it is left out). Throws, listing what was missed, on an
 * undeclared gap and on a declared one that is no longer a gap.
 */
export function assertFullCoverage(report: CoverageReport, declaredGaps: Record<string, string> = {}): void {
  const missed = [...report.states.missed, ...report.transitions.missed];
  const undeclared = missed.filter((m) => !(m in declaredGaps));
  const stale = Object.keys(declaredGaps).filter((gap) => !missed.includes(gap));
  const lines = [
    ...undeclared.map((m) => `  not covered: ${m}`),
    ...stale.map((g) => `  declared as a gap but covered, or not in the machine: ${g}`),
  ];
  expect(lines, `${report.machine} (${coverageFigures(report)}): the model test misses part of the machine\n${lines.join('\n')}\n`).to.deep.equal([]);
}

/**
 * Registers, at the point of the call (so: last in the describe block), the test that the paths
 * run before it covered the whole machine. Its title gets the figures once it ran.
 */
export function itCoversTheWholeMachine(coverage: MachineCoverage, declaredGaps: Record<string, string> = {}): void {
  it(`covers every state and transition of the real ${coverage.machine.id} machine`, function () {
    const report = coverage.report();
    if (this.test) this.test.title += ` (${coverageFigures(report)}${Object.keys(declaredGaps).length ? `, ${Object.keys(declaredGaps).length} declared gaps` : ''})`;
    // COVERAGE_BRANCHES=1 lists the guarded branches no path took (they are not required).
    if (process.env.COVERAGE_BRANCHES && report.branches.missed.length) console.log(`${report.machine}: branches not taken:\n  ${report.branches.missed.join('\n  ')}`);
    assertFullCoverage(report, declaredGaps);
  });
}

/**
 * For a second model of a machine that another model test covers whole (e.g. the scan line's
 * role scans): the transitions and states this model is there for, each of which must exist in
 * the machine and be covered by its paths.
 */
export function itCoversTheseParts(coverage: MachineCoverage, parts: string[]): void {
  it(`covers its part of the real ${coverage.machine.id} machine (${parts.join(', ')})`, () => {
    const definition = machineDefinition(coverage.machine);
    const report = coverage.report();
    const missed = new Set([...report.states.missed, ...report.transitions.missed]);
    const known = new Set([...definition.states, ...definition.transitions]);
    const problems = parts.flatMap((p) => (!known.has(p) ? [`  not in the machine: ${p}`] : missed.has(p) ? [`  not covered: ${p}`] : []));
    expect(problems, `${report.machine}: this model misses its part\n${problems.join('\n')}\n`).to.deep.equal([]);
  });
}
