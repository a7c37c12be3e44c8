import { type BoardLayout, createButtonListeners, type GpioBoard } from './gpio-board.js';

/** The part of onoff's Gpio this board uses (onoff's class satisfies it; tests pass a fake). */
export interface OnoffPin {
  readSync(): 0 | 1;
  writeSync(value: 0 | 1): void;
  watch(callback: (error: Error | null | undefined, value: 0 | 1) => void): void;
  unexport(): void;
}

export interface OnoffGpioClass {
  new (
    gpio: number,
    direction: 'in' | 'out' | 'high' | 'low',
    edge?: 'none' | 'rising' | 'falling' | 'both',
    options?: { debounceTimeout?: number; activeLow?: boolean; reconfigureDirection?: boolean },
  ): OnoffPin;
  readonly accessible: boolean;
}

export interface OnoffBoardOptions {
  /** A pin's watcher reported an error (the kernel's poll failed); the pin keeps its last state. */
  onError?: (error: unknown, pin: { name: string; pin: number }) => void;
}

/**
 * The cabinet's real GPIO through onoff (Linux sysfs). Buttons are inputs interrupting on both
 * edges with onoff's debounce, so one press gives one "pressed" and one "released"; activeLow is
 * handed to the kernel (sysfs active_low) so values read are already logical. LEDs are outputs.
 * close() turns the LEDs off and unexports every pin, so the next start can export them again.
 */
export function createOnoffBoard(layout: BoardLayout, Gpio: OnoffGpioClass, options: OnoffBoardOptions = {}): GpioBoard {
  const onError = options.onError ?? (() => {});
  const listeners = createButtonListeners((error) => onError(error, { name: '(listener)', pin: -1 }));
  const exported: OnoffPin[] = [];
  const buttons = new Map<string, { pin: OnoffPin; pressed: boolean }>();
  const leds = new Map<string, { pin: OnoffPin; on: boolean }>();
  let closed = false;

  const change = (name: string, pressed: boolean) => {
    const button = buttons.get(name);
    if (!button) throw new Error(`no button named "${name}" on the GPIO board`);
    if (closed || button.pressed === pressed) return;
    button.pressed = pressed;
    listeners.notify(name, pressed);
  };

  const unexportAll = () => {
    for (const pin of exported.splice(0)) {
      try {
        pin.unexport();
      } catch (error) {
        onError(error, { name: '(unexport)', pin: -1 });
      }
    }
  };

  try {
    for (const spec of layout.buttons) {
      const pin = new Gpio(spec.pin, 'in', 'both', { debounceTimeout: spec.debounceMs, activeLow: spec.activeLow });
      exported.push(pin);
      buttons.set(spec.name, { pin, pressed: pin.readSync() === 1 });
      pin.watch((error, value) => {
        if (error) onError(error, spec);
        else change(spec.name, value === 1);
      });
    }
    for (const spec of layout.leds) {
      // The kernel's 'high'/'low' directions set the raw level, so start at the level that is off:
      // an active-low LED would otherwise flash on between export and the first write.
      const pin = new Gpio(spec.pin, spec.activeLow ? 'high' : 'low', 'none', { activeLow: spec.activeLow });
      exported.push(pin);
      pin.writeSync(0);
      leds.set(spec.name, { pin, on: false });
    }
  } catch (error) {
    // A pin that fails (taken, no permission) must not leave the ones before it exported.
    unexportAll();
    throw error;
  }

  return {
    kind: 'onoff',
    onButton: (listener) => listeners.add(listener),
    buttonPressed: (name) => buttons.get(name)?.pressed ?? false,
    setLed(name, on) {
      const led = leds.get(name);
      if (!led || closed) return;
      led.pin.writeSync(on ? 1 : 0);
      led.on = on;
    },
    ledOn: (name) => leds.get(name)?.on ?? false,
    inject: change,
    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      for (const [name, led] of leds) {
        try {
          led.pin.writeSync(0);
          led.on = false;
        } catch (error) {
          onError(error, { name, pin: -1 });
        }
      }
      unexportAll();
    },
  };
}
