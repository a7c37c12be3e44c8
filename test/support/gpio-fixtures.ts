import { createActor, fromCallback, setup } from 'xstate';
import { gpioBoardActor } from '../../adapters/gpio/board-actor.js';
import { createSimulatedBoard } from '../../adapters/gpio/simulated-board.js';
import type { ScanLineEvent } from '../../machines/edge/scan-line.machine.js';
import { type GpioActor, type GpioEmitted, type GpioInput, gpioMachine } from '../../machines/edge/gpio.machine.js';
import type { GpioButtonConfig, GpioLedConfig } from '../../adapters/gpio/gpio-config.js';

/** A cabinet with one button per action and one LED per kind of state. */
export const CABINET_BUTTONS: GpioButtonConfig[] = [
  { name: 'start', pin: 5, activeLow: true, debounceMs: 20, action: 'line_start' },
  { name: 'stop', pin: 6, activeLow: true, debounceMs: 20, action: 'line_stop' },
  { name: 'ack', pin: 13, activeLow: true, debounceMs: 20, action: 'ack_alarm' },
  { name: 'spare', pin: 19, activeLow: false, debounceMs: 0, action: 'none' },
];
export const CABINET_LEDS: GpioLedConfig[] = [
  { name: 'running', pin: 17, activeLow: false, shows: 'running' },
  { name: 'alarm', pin: 27, activeLow: false, shows: 'alarm' },
  { name: 'onBattery', pin: 22, activeLow: true, shows: 'on_battery' },
  { name: 'beacon', pin: 23, activeLow: false, shows: 'manual' },
];

/**
 * The gpio machine on a simulated board, next to a stand-in scan line that follows PAUSE/RESUME
 * like the real one and tells the gpio actor its state (as the edge's bus forwarding does).
 */
export function startGpioRig(input: Partial<GpioInput> = {}) {
  const board = createSimulatedBoard({ buttons: CABINET_BUTTONS, leds: CABINET_LEDS });
  const lineEvents: ScanLineEvent[] = [];
  const line = { state: 'running' as 'running' | 'paused', reason: null as string | null };
  const fakeLine = fromCallback<ScanLineEvent>(({ receive, system }) => {
    receive((event) => {
      lineEvents.push(event);
      if (event.type === 'PAUSE' && line.state === 'running') Object.assign(line, { state: 'paused', reason: event.reason });
      else if (event.type === 'RESUME' && line.state === 'paused') Object.assign(line, { state: 'running', reason: null });
      else return;
      system.get('gpio')?.send({ type: 'line.state', state: line.state, reason: line.reason });
    });
  });
  const gpioInput: GpioInput = { buttons: CABINET_BUTTONS, leds: CABINET_LEDS, lineState: 'running', ...input };
  const rig = setup({ actors: { line: fakeLine, gpio: gpioMachine.provide({ actors: { board: gpioBoardActor(board) } }) } }).createMachine({
    invoke: [
      { id: 'line', src: 'line', systemId: 'scanLine' },
      { id: 'gpio', src: 'gpio', systemId: 'gpio', input: gpioInput },
    ],
  });
  const errors: unknown[] = [];
  const root = createActor(rig);
  root.subscribe({ error: (error) => errors.push(error) });
  root.start();
  const gpio = root.getSnapshot().children.gpio as GpioActor;
  const emitted: GpioEmitted[] = [];
  gpio.on('*', (event) => emitted.push(event));
  return {
    board,
    gpio,
    line,
    lineEvents,
    emitted,
    errors,
    /** A press and release, as a finger gives. */
    click(name: string) {
      board.press(name);
      board.release(name);
    },
    context: () => gpio.getSnapshot().context,
    led: (name: string) => gpio.getSnapshot().context.leds.find((l) => l.name === name)?.on,
    stop: () => root.stop(),
  };
}

export type GpioRig = ReturnType<typeof startGpioRig>;
