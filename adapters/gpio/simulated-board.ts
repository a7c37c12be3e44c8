import { type BoardLayout, createButtonListeners, type GpioBoard } from './gpio-board.js';

export interface SimulatedBoard extends GpioBoard {
  readonly kind: 'simulated';
  /** A finger on the button. Repeating a press while held changes nothing (as on a real pin). */
  press(name: string): void;
  release(name: string): void;
  /** Every LED's state, by name. */
  leds(): Record<string, boolean>;
  /** Whether close() was called. */
  readonly closed: boolean;
}

/**
 * A board in memory with the real one's behaviour at the level the feature sees: a change is
 * reported once per level change (what onoff's edge 'both' plus debouncing delivers), and LEDs
 * hold the last state driven. Debouncing itself is not simulated: code presses do not bounce.
 */
export function createSimulatedBoard(layout: BoardLayout): SimulatedBoard {
  const listeners = createButtonListeners();
  const pressed = new Map(layout.buttons.map((b) => [b.name, false]));
  const lit = new Map(layout.leds.map((l) => [l.name, false]));
  let closed = false;

  const change = (name: string, value: boolean) => {
    if (closed) throw new Error('simulated GPIO board is closed');
    if (!pressed.has(name)) throw new Error(`no button named "${name}" on the simulated board`);
    if (pressed.get(name) === value) return;
    pressed.set(name, value);
    listeners.notify(name, value);
  };

  return {
    kind: 'simulated',
    get closed() {
      return closed;
    },
    onButton: (listener) => listeners.add(listener),
    buttonPressed: (name) => pressed.get(name) ?? false,
    setLed(name, on) {
      if (!closed && lit.has(name)) lit.set(name, on);
    },
    ledOn: (name) => lit.get(name) ?? false,
    inject: change,
    press: (name) => change(name, true),
    release: (name) => change(name, false),
    leds: () => Object.fromEntries(lit),
    async close() {
      if (closed) return;
      for (const name of lit.keys()) lit.set(name, false);
      listeners.clear();
      closed = true;
    },
  };
}
