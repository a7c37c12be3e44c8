import type { BoardLayout, GpioBoard } from './gpio-board.js';
import { createOnoffBoard, type OnoffBoardOptions, type OnoffGpioClass } from './onoff-board.js';
import { createSimulatedBoard } from './simulated-board.js';

export type BoardChoice = 'auto' | 'onoff' | 'simulated';

export interface ChooseBoardOptions extends OnoffBoardOptions {
  /**
   * Loads onoff's Gpio class. Loaded only when a real board may be used: onoff pulls in a native
   * module (epoll) that a development machine need not have built.
   */
  loadGpio?: () => Promise<OnoffGpioClass>;
}

const loadOnoff = async (): Promise<OnoffGpioClass> => (await import('onoff')).Gpio;

/**
 * The board the configuration asks for. 'auto' uses onoff when the kernel's GPIO sysfs is
 * writable (`Gpio.accessible`) and the simulated board otherwise; 'onoff' insists on real pins
 * and fails with the reason when there are none.
 */
export async function chooseBoard(choice: BoardChoice, layout: BoardLayout, options: ChooseBoardOptions = {}): Promise<GpioBoard> {
  if (choice === 'simulated') return createSimulatedBoard(layout);
  let Gpio: OnoffGpioClass;
  try {
    Gpio = await (options.loadGpio ?? loadOnoff)();
  } catch (error) {
    if (choice === 'auto') return createSimulatedBoard(layout);
    throw new Error(`GPIO board 'onoff' cannot be loaded: ${(error as Error).message}`);
  }
  if (!Gpio.accessible) {
    if (choice === 'auto') return createSimulatedBoard(layout);
    throw new Error("GPIO board 'onoff' is not accessible here (/sys/class/gpio/export cannot be written)");
  }
  return createOnoffBoard(layout, Gpio, options);
}
