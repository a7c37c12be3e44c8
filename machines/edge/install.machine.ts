import { assign, setup } from 'xstate';

/**
 * One firmware install on an edge, A/B style, from the download to the verdict:
 *
 *   downloading → verifying → installing → restarting → confirmed
 *                                                      → rolled_back   not healthy in time, or a crash loop
 *   any step before restarting                         → failed        (nothing changed: the old version runs on)
 *
 * `restarting` spans processes: the old version unpacks the release, switches `current` and
 * restarts; the launcher (or the new version itself under systemd) resumes this machine in
 * `restarting` (input `phase`) and feeds it what it sees: the new version's exits, its HEALTHY
 * report (it said hello to the factory with its softwareVersion and was welcomed), or the
 * confirmation deadline. A crash loop is `crashLoopLimit` exits within `crashLoopWindowMs`.
 *
 * PURE: no I/O, no clock, no timers. Events carry their time (`at`, epoch ms); the caller keeps
 * the deadline timer and acts on the final state (switch back, start the previous, report).
 */
export type InstallPhase = 'downloading' | 'restarting';

export interface InstallInput {
  target: string;
  previous: string | null;
  phase?: InstallPhase;
  crashLoopLimit: number;
  crashLoopWindowMs: number;
}

export interface InstallContext {
  /** Where this machine began: a fresh install, or one resumed after the restart. */
  phase: InstallPhase;
  target: string;
  previous: string | null;
  crashLoopLimit: number;
  crashLoopWindowMs: number;
  /** Times (epoch ms) the new version exited on its own, newest last. */
  exits: number[];
  /** Why it failed or rolled back. */
  reason: string | null;
  /** The failure's code (failed only): e.g. VERIFY_FAILED, INSTALL_FAILED. */
  code: string | null;
}

export type InstallEvent =
  | { type: 'DOWNLOADED' }
  | { type: 'VERIFIED' }
  | { type: 'UNPACKED' }
  | { type: 'FAILED'; code: string; reason: string }
  | { type: 'HEALTHY'; version: string }
  | { type: 'EXITED'; at: number; code: number | null }
  | { type: 'CONFIRM_TIMEOUT'; afterMs: number };

/** Exits that count towards the crash loop at `at`: those within the window before it. */
export const recentExits = (exits: number[], at: number, windowMs: number) => exits.filter((t) => at - t < windowMs);

export const installMachine = setup({
  types: {
    context: {} as InstallContext,
    events: {} as InstallEvent,
    input: {} as InstallInput,
  },
  guards: {
    resumesRestarting: ({ context }) => context.phase === 'restarting',
    isTarget: ({ context, event }) => event.type === 'HEALTHY' && event.version === context.target,
    crashLoop: ({ context, event }) => {
      if (event.type !== 'EXITED') return false;
      return recentExits([...context.exits, event.at], event.at, context.crashLoopWindowMs).length >= context.crashLoopLimit;
    },
  },
  actions: {
    fail: assign(({ event }) => (event.type === 'FAILED' ? { code: event.code, reason: event.reason } : {})),
    recordExit: assign({
      exits: ({ context, event }) => (event.type === 'EXITED' ? [...recentExits(context.exits, event.at, context.crashLoopWindowMs), event.at] : context.exits),
    }),
    crashLoopReason: assign(({ context }) => ({
      reason: `crash loop: version ${context.target} exited ${context.crashLoopLimit} times within ${context.crashLoopWindowMs} ms`,
    })),
    timeoutReason: assign(({ context, event }) => ({
      reason: `version ${context.target} did not say hello to the factory and report healthy within ${event.type === 'CONFIRM_TIMEOUT' ? event.afterMs : '?'} ms`,
    })),
  },
}).createMachine({
  id: 'install',
  context: ({ input }) => ({
    phase: input.phase ?? 'downloading',
    target: input.target,
    previous: input.previous,
    crashLoopLimit: input.crashLoopLimit,
    crashLoopWindowMs: input.crashLoopWindowMs,
    exits: [],
    reason: null,
    code: null,
  }),
  initial: 'starting',
  states: {
    starting: {
      always: [{ guard: 'resumesRestarting', target: 'restarting' }, { target: 'downloading' }],
    },
    downloading: { on: { DOWNLOADED: 'verifying', FAILED: { target: 'failed', actions: 'fail' } } },
    verifying: { on: { VERIFIED: 'installing', FAILED: { target: 'failed', actions: 'fail' } } },
    installing: { on: { UNPACKED: 'restarting', FAILED: { target: 'failed', actions: 'fail' } } },
    restarting: {
      on: {
        HEALTHY: { guard: 'isTarget', target: 'confirmed' },
        EXITED: [{ guard: 'crashLoop', target: 'rolled_back', actions: ['recordExit', 'crashLoopReason'] }, { actions: 'recordExit' }],
        CONFIRM_TIMEOUT: { target: 'rolled_back', actions: 'timeoutReason' },
      },
    },
    confirmed: { type: 'final' },
    rolled_back: { type: 'final' },
    failed: { type: 'final' },
  },
});

export type InstallSnapshot = ReturnType<(typeof installMachine)['getInitialSnapshot']>;
