/** The GPIO board port: what a board actor (adapters/gpio) and the gpio machine exchange. */

/** From the board actor: a button changed (logical level, after debouncing). */
export type BoardEvent = { type: 'board.button'; name: string; pressed: boolean; at: string };
/** To the board actor. */
export type BoardCommand = { type: 'board.led'; name: string; on: boolean };
