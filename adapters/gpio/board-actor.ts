import { fromCallback } from 'xstate';
import type { BoardCommand, BoardEvent } from '../../src/domain/ports/gpio-board.js';
import type { GpioBoard } from './gpio-board.js';

/**
 * The gpio machine's `board` actor over a board the feature owns. The board outlives the actor
 * (restart_service stops and restarts actors, not pins), so stopping the actor only stops
 * listening; the feature closes the board when the edge stops.
 */
export function gpioBoardActor(board: GpioBoard) {
  return fromCallback<BoardCommand, unknown, BoardEvent>(({ sendBack, receive }) => {
    const off = board.onButton((name, pressed) => sendBack({ type: 'board.button', name, pressed, at: new Date().toISOString() }));
    receive((command) => board.setLed(command.name, command.on));
    return off;
  });
}
