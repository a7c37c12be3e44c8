import type { SimulatedBoard } from '../../adapters/gpio/simulated-board.js';
import type { GpioExtension } from '../../src/edge/hardware/gpio.extension.js';
import { startTestEdge, type TestEdge } from './edge-harness.js';
import { CABINET_BUTTONS, CABINET_LEDS } from './gpio-fixtures.js';

/** The cabinet's GPIO configuration on the simulated board. */
export const CABINET_GPIO = { enabled: true, board: 'simulated', buttons: CABINET_BUTTONS, leds: CABINET_LEDS };

/** A test edge with the cabinet's GPIO on a simulated board; `board` is the board the edge drives. */
export async function startGpioEdge(gpio: Record<string, unknown> = CABINET_GPIO): Promise<TestEdge & { extension: GpioExtension; board: SimulatedBoard }> {
  const t = await startTestEdge({ gpio });
  const extension = t.edge.system.extensions.find((e) => e.name === 'gpio') as GpioExtension;
  return Object.assign(t, { extension, board: extension.feature.board() as SimulatedBoard });
}
