import { type ActorRefFrom, type AnyActorRef, assign, enqueueActions, fromCallback, setup } from 'xstate';
import type { ScanLineEvent } from './scan-line.machine.js';
import { SCAN_LINE } from '../../src/domain/actor-ids.js';

/**
 * The cabinet's buttons and LEDs. Buttons become line commands (start → RESUME, stop → PAUSE,
 * acknowledge → clears the alarm); LEDs follow what the line announces (running, an alarm not yet
 * acknowledged, the UPS on battery). The pins are the `board` actor supplied by the composition
 * root: it sends `board.button` for every debounced change and drives LEDs on `board.led`.
 */

export type GpioButtonAction = 'line_start' | 'line_stop' | 'ack_alarm' | 'none';
export type GpioLedShows = 'running' | 'alarm' | 'on_battery' | 'manual';

/** Why the line is paused when the operator stops it with the cabinet's button. */
export const CABINET_STOP_REASON = 'stopped at the cabinet';

export interface LineAlarm {
  code: string;
  message: string;
  at: string;
}

export interface GpioInput {
  buttons: Array<{ name: string; action: GpioButtonAction }>;
  leds: Array<{ name: string; shows: GpioLedShows }>;
  /** The scan line, by systemId. */
  lineSystemId?: string;
  /** What is known when the actor (re)starts: the line's state, an alarm not yet acknowledged, the UPS. */
  lineState?: string | null;
  alarm?: LineAlarm | null;
  onBattery?: boolean;
  /** LEDs switched on through the service or API before a restart. */
  requested?: Record<string, boolean>;
}

export interface GpioButtonState {
  name: string;
  action: GpioButtonAction;
  pressed: boolean;
  presses: number;
}

export interface GpioLedState {
  name: string;
  shows: GpioLedShows;
  on: boolean;
}

export interface GpioContext {
  buttons: GpioButtonState[];
  leds: GpioLedState[];
  lineSystemId: string;
  lineState: string | null;
  alarm: LineAlarm | null;
  onBattery: boolean;
  requested: Record<string, boolean>;
}

import type { BoardCommand, BoardEvent } from '../../src/domain/ports/gpio-board.js';
export type { BoardCommand, BoardEvent } from '../../src/domain/ports/gpio-board.js';

export type GpioEvent =
  | BoardEvent
  | { type: 'line.state'; state: string; reason: string | null }
  | ({ type: 'line.alarm' } & LineAlarm)
  /** The UPS policy's state; `onBattery`, when given, says it outright. */
  | { type: 'ups.policy'; state: string; onBattery?: boolean }
  /** A feature or the API switches an LED: manual LEDs show exactly this, others light for it too. */
  | { type: 'LED.SET'; name: string; on: boolean };

export type GpioEmitted =
  | { type: 'gpio.button'; name: string; pressed: boolean }
  | { type: 'gpio.led'; name: string; on: boolean }
  | ({ type: 'line.alarmAcknowledged'; by: string } & LineAlarm);

/** Policy states in which the cabinet runs on battery, for a `ups.policy` without `onBattery`. */
const ON_BATTERY_STATE = /batt|low|fsd|shut/i;
export const upsOnBattery = (event: { state: string; onBattery?: boolean }) => event.onBattery ?? ON_BATTERY_STATE.test(event.state);

/** What an LED shows now: its source of truth, or'ed with what a feature asked for. */
export function ledShouldBeOn(led: { name: string; shows: GpioLedShows }, context: Pick<GpioContext, 'lineState' | 'alarm' | 'onBattery' | 'requested'>): boolean {
  const requested = context.requested[led.name] === true;
  switch (led.shows) {
    case 'running':
      return requested || context.lineState === 'running';
    case 'alarm':
      return requested || context.alarm !== null;
    case 'on_battery':
      return requested || context.onBattery;
    case 'manual':
      return requested;
  }
}

/** The LEDs as they should be now, the board commands to get there (every LED if `all`), the changes to announce. */
function ledsFor(context: GpioContext, all: boolean) {
  const leds = context.leds.map((led) => ({ ...led, on: ledShouldBeOn(led, context) }));
  const commands: BoardCommand[] = [];
  const changes: Array<Extract<GpioEmitted, { type: 'gpio.led' }>> = [];
  leds.forEach((led, i) => {
    const changed = led.on !== context.leds[i]!.on;
    if (changed || all) commands.push({ type: 'board.led', name: led.name, on: led.on });
    if (changed) changes.push({ type: 'gpio.led', name: led.name, on: led.on });
  });
  return { leds, commands, changes };
}

const boardPlaceholder = fromCallback<BoardCommand, unknown, BoardEvent>(() => {
  throw new Error('gpio: board not provided');
});

export const gpioMachine = setup({
  types: {
    context: {} as GpioContext,
    events: {} as GpioEvent,
    input: {} as GpioInput,
    emitted: {} as GpioEmitted,
  },
  actors: { board: boardPlaceholder },
  actions: {
    /** Drives every LED whose state changed and announces it; `all` drives unchanged ones too (at start). */
    syncLeds: enqueueActions(({ context, enqueue }, params: { all: boolean }) => {
      const { leds, commands, changes } = ledsFor(context, params.all);
      for (const command of commands) enqueue.sendTo('board', command);
      for (const change of changes) enqueue.emit(change);
      enqueue.assign({ leds });
    }),
    onButton: enqueueActions(({ context, enqueue, system }, params: BoardEvent) => {
      const button = context.buttons.find((b) => b.name === params.name);
      if (!button || button.pressed === params.pressed) return;
      enqueue.assign({
        buttons: context.buttons.map((b) => (b === button ? { ...b, pressed: params.pressed, presses: b.presses + (params.pressed ? 1 : 0) } : b)),
      });
      enqueue.emit({ type: 'gpio.button', name: button.name, pressed: params.pressed });
      if (!params.pressed) return;
      const line = system.get(context.lineSystemId) as AnyActorRef | undefined;
      switch (button.action) {
        case 'line_stop':
          if (line) enqueue.sendTo(line, { type: 'PAUSE', reason: CABINET_STOP_REASON } satisfies ScanLineEvent);
          return;
        case 'line_start':
          // Only a paused line: RESUME also restarts a drained one, and a line drains to shut down.
          if (line && context.lineState === 'paused') enqueue.sendTo(line, { type: 'RESUME' } satisfies ScanLineEvent);
          return;
        case 'ack_alarm':
          if (!context.alarm) return;
          const { leds, commands, changes } = ledsFor({ ...context, alarm: null }, false);
          enqueue.emit({ type: 'line.alarmAcknowledged', ...context.alarm, by: button.name });
          for (const command of commands) enqueue.sendTo('board', command);
          for (const change of changes) enqueue.emit(change);
          enqueue.assign({ alarm: null, leds });
          return;
        case 'none':
          return;
      }
    }),
  },
}).createMachine({
  id: 'gpio',
  context: ({ input }) => ({
    buttons: input.buttons.map((b) => ({ name: b.name, action: b.action, pressed: false, presses: 0 })),
    leds: input.leds.map((l) => ({ name: l.name, shows: l.shows, on: false })),
    lineSystemId: input.lineSystemId ?? SCAN_LINE,
    lineState: input.lineState ?? null,
    alarm: input.alarm ?? null,
    onBattery: input.onBattery ?? false,
    requested: input.requested ?? {},
  }),
  invoke: { id: 'board', src: 'board' },
  initial: 'active',
  states: {
    active: {
      // The board starts with every LED off; bring it to what the line shows now.
      entry: { type: 'syncLeds', params: { all: true } },
      on: {
        'board.button': { actions: { type: 'onButton', params: ({ event }) => event } },
        'line.state': {
          actions: [assign({ lineState: ({ event }) => event.state }), { type: 'syncLeds', params: { all: false } }],
        },
        'line.alarm': {
          actions: [assign({ alarm: ({ event }) => ({ code: event.code, message: event.message, at: event.at }) }), { type: 'syncLeds', params: { all: false } }],
        },
        'ups.policy': {
          actions: [assign({ onBattery: ({ event }) => upsOnBattery(event) }), { type: 'syncLeds', params: { all: false } }],
        },
        'LED.SET': {
          guard: ({ context, event }) => context.leds.some((l) => l.name === event.name),
          actions: [assign({ requested: ({ context, event }) => ({ ...context.requested, [event.name]: event.on }) }), { type: 'syncLeds', params: { all: false } }],
        },
      },
    },
  },
});

export type GpioActor = ActorRefFrom<typeof gpioMachine>;
