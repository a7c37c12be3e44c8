import Router from '@koa/router';
import { z } from 'zod';
import type { GpioBoard } from '../../adapters/gpio/gpio-board.js';
import type { GpioConfig } from '../../adapters/gpio/gpio-config.js';
import type { GpioContext } from '../../machines/edge/gpio.machine.js';
import { requireRole, type TokenIssuer } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { ApiError, conflict, notFound, unavailable } from '../http/errors.js';
import { parseBody, parseParams } from '../http/validate.js';

export const nameParams = z.object({ name: z.string().min(1).max(64) });
export const testBody = z.object({}).strict();
export const setBody = z.object({ on: z.boolean() }).strict();

/** What the routes need from the GPIO feature (src/edge/hardware/gpio.extension.ts). */
export interface GpioRoutesFeature {
  config: Pick<GpioConfig, 'buttons' | 'leds'>;
  /** Null when GPIO can be used; otherwise the reason it cannot. */
  unavailable(): string | null;
  board(): GpioBoard | null;
  snapshot(): GpioContext | null;
  setLed(name: string, on: boolean): boolean;
}

/**
 * The cabinet's GPIO (spec: MARS L2 — GPIO). Reads are OPERATOR; pressing a button from the API
 * and switching LEDs are MANAGER. Not configured (or no board) → 503 SERVICE_UNAVAILABLE.
 */
export function gpioRoutes(tokens: TokenIssuer, feature: GpioRoutesFeature): Router {
  const router = new Router({ prefix: '/api/v1/gpio' });
  const operator = requireRole(tokens, 'OPERATOR');
  const manager = requireRole(tokens, 'MANAGER');

  const ready = () => {
    const reason = feature.unavailable();
    const board = feature.board();
    const state = feature.snapshot();
    if (reason || !board || !state) throw unavailable(reason ?? 'GPIO is starting');
    return { board, state };
  };

  router.get('/status', operator, (ctx) => {
    const { board, state } = ready();
    ok(ctx, {
      board: board.kind,
      line: { state: state.lineState },
      alarm: state.alarm,
      onBattery: state.onBattery,
      buttons: feature.config.buttons.map((button) => {
        const now = state.buttons.find((b) => b.name === button.name);
        return { ...button, pressed: now?.pressed ?? false, presses: now?.presses ?? 0 };
      }),
      leds: feature.config.leds.map((led) => ({ ...led, on: state.leds.find((l) => l.name === led.name)?.on ?? false })),
    });
  });

  /** A press and a release injected at the board, so the test takes the path a finger would. */
  router.post('/buttons/:name/test', manager, (ctx) => {
    const { board } = ready();
    const { name } = parseParams(ctx, nameParams);
    parseBody(ctx, testBody);
    const button = feature.config.buttons.find((b) => b.name === name);
    if (!button) throw notFound(`Button "${name}"`);
    if (board.buttonPressed(name)) throw conflict(`Button "${name}" is held down at the cabinet; release it first`);
    board.inject(name, true);
    board.inject(name, false);
    const after = feature.snapshot()?.buttons.find((b) => b.name === name);
    ok(ctx, { name, action: button.action, pressed: after?.pressed ?? false, presses: after?.presses ?? 0 });
  });

  router.post('/leds/:name/set', manager, (ctx) => {
    ready();
    const { name } = parseParams(ctx, nameParams);
    const { on } = parseBody(ctx, setBody);
    const led = feature.config.leds.find((l) => l.name === name);
    if (!led) throw notFound(`LED "${name}"`);
    if (led.shows !== 'manual') {
      throw conflict(`LED "${name}" follows the line state (${led.shows}); only LEDs with shows: manual can be set`, { shows: led.shows });
    }
    if (!feature.setLed(name, on)) throw new ApiError('SERVICE_UNAVAILABLE', 'GPIO is starting');
    ok(ctx, { name, on: feature.snapshot()?.leds.find((l) => l.name === name)?.on ?? on });
  });

  return router;
}
