/**
 * What the GPIO feature needs from a board: buttons it hears, LEDs it drives. The onoff board
 * talks to the kernel's GPIO sysfs; the simulated board stands in everywhere else (development
 * machines, CI, the line simulator) and lets code press buttons and read LEDs.
 */

export interface BoardButton {
  name: string;
  pin: number;
  /** The pin reads 0 when pressed (button to ground with a pull-up). */
  activeLow: boolean;
  debounceMs: number;
}

export interface BoardLed {
  name: string;
  pin: number;
  /** The LED lights when the pin is driven low. */
  activeLow: boolean;
}

export interface BoardLayout {
  buttons: BoardButton[];
  leds: BoardLed[];
}

export type GpioBoardKind = 'onoff' | 'simulated';

/** Called with the logical state (activeLow already applied): true = pressed. */
export type ButtonListener = (name: string, pressed: boolean) => void;

export interface GpioBoard {
  readonly kind: GpioBoardKind;
  /** Every button change, after debouncing. Returns a function that stops listening. */
  onButton(listener: ButtonListener): () => void;
  /** The button's last known logical state (false for an unknown name). */
  buttonPressed(name: string): boolean;
  /** Drives an LED (logical: true = lit). Unknown names are ignored. */
  setLed(name: string, on: boolean): void;
  /** The LED's last driven state (false for an unknown name). */
  ledOn(name: string): boolean;
  /**
   * A button change as if the pin had moved: it takes the same path as a real one (listeners,
   * state), so a test press over the API exercises what a finger on the button would.
   */
  inject(name: string, pressed: boolean): void;
  /** Turns the LEDs off and releases the pins. */
  close(): Promise<void>;
}

/** Fans one change out to every listener; a listener that throws must not starve the others. */
export function createButtonListeners(onError: (error: unknown) => void = () => {}) {
  const listeners = new Set<ButtonListener>();
  return {
    add(listener: ButtonListener): () => void {
      const entry: ButtonListener = (name, pressed) => listener(name, pressed);
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    notify(name: string, pressed: boolean): void {
      for (const listener of [...listeners]) {
        try {
          listener(name, pressed);
        } catch (error) {
          onError(error);
        }
      }
    },
    clear: () => listeners.clear(),
  };
}
