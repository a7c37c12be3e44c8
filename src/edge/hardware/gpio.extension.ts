import type { AnyActorRef } from 'xstate';
import { gpioBoardActor } from '../../../adapters/gpio/board-actor.js';
import { type ChooseBoardOptions, chooseBoard } from '../../../adapters/gpio/choose-board.js';
import type { GpioBoard } from '../../../adapters/gpio/gpio-board.js';
import { gpioRoutes } from '../../../api/edge/gpio.routes.js';
import { type GpioContext, type GpioEvent, type GpioInput, gpioMachine, type LineAlarm, upsOnBattery } from '../../../machines/edge/gpio.machine.js';
import type { EdgeContext, EdgeExtension } from '../extension.js';
import { SCAN_LINE } from '../../domain/actor-ids.js';
import type { GpioConfig } from '../../../adapters/gpio/gpio-config.js';

/** The gpio actor's systemId and supervisor key. */
export const GPIO = 'gpio';

declare module '../extension.js' {
  interface EdgeServices {
    /** The GPIO feature's LEDs and buttons (the UPS lights LEDs through it). */
    gpio?: GpioService;
  }
}

/** What the GPIO feature offers other features as `context.services.gpio`. */
export interface GpioService {
  /** Lights (or clears) an LED. A 'manual' LED shows exactly this; another lights for it in addition to its own cause. False when there is no such LED or GPIO is off. */
  setLed(name: string, on: boolean): boolean;
  /** The LED's state now; null when there is no such LED or GPIO is off. */
  led(name: string): boolean | null;
  /** Every change of the named button (true = pressed). Returns a function that stops listening. */
  onButton(name: string, listener: (pressed: boolean) => void): () => void;
}

/** The feature as seen by its routes: the board and the actor, or why there are none (→ 503). */
export interface GpioFeature {
  config: GpioConfig;
  /** Null when GPIO can be used; otherwise the reason it cannot. */
  unavailable(): string | null;
  board(): GpioBoard | null;
  snapshot(): GpioContext | null;
  send(event: GpioEvent): boolean;
  /** As GpioService.setLed (remembered across restart_service). */
  setLed(name: string, on: boolean): boolean;
}

export type GpioExtension = EdgeExtension & { feature: GpioFeature; service: GpioService };

export interface GpioExtensionOptions {
  /** How onoff is loaded (tests pass a fake Gpio class). */
  loadGpio?: ChooseBoardOptions['loadGpio'];
}

const FORWARDED = new Set(['line.state', 'line.alarm', 'ups.policy']);

export async function createGpioExtension(context: EdgeContext, options: GpioExtensionOptions = {}): Promise<GpioExtension> {
  const config = context.config.gpio;
  const logger = context.logger.child({ feature: GPIO });
  let board: GpioBoard | null = null;
  let failure: string | null = null;
  if (config.enabled) {
    try {
      board = await chooseBoard(config.board, config, {
        ...(options.loadGpio ? { loadGpio: options.loadGpio } : {}),
        onError: (error, pin) => logger.warn({ err: error, pin }, 'GPIO pin error'),
      });
      logger.info({ board: board.kind, buttons: config.buttons.length, leds: config.leds.length }, 'GPIO board ready');
    } catch (error) {
      // The rest of the edge runs without the cabinet's buttons; the routes say why.
      failure = (error as Error).message;
      logger.error({ err: error }, 'GPIO board unavailable');
    }
  }

  const actor = (): AnyActorRef | undefined => (board ? context.actor(GPIO) : undefined);
  // What must survive restart_service (a new actor starts from its input): an alarm not yet
  // acknowledged, the UPS state, LEDs switched through the service.
  let alarm: LineAlarm | null = null;
  let onBattery = false;
  const requested: Record<string, boolean> = {};

  const unsubscribe = context.bus.subscribe('*', (event) => {
    const type = event.type as string;
    if (type === 'line.alarm') {
      const { code, message, at } = event as unknown as LineAlarm;
      alarm = { code, message, at };
    }
    else if (type === 'line.alarmAcknowledged') alarm = null;
    else if (type === 'ups.policy') onBattery = upsOnBattery(event as unknown as { state: string; onBattery?: boolean });
    if (FORWARDED.has(type)) actor()?.send(event);
  });

  const feature: GpioFeature = {
    config,
    unavailable: () => {
      if (!config.enabled) return 'GPIO is not configured on this cabinet (gpio.enabled is false)';
      if (failure) return `GPIO board unavailable: ${failure}`;
      if (!actor()) return 'GPIO is starting';
      return null;
    },
    board: () => board,
    snapshot: () => (actor()?.getSnapshot() as { context: GpioContext } | undefined)?.context ?? null,
    send: (event) => {
      const ref = actor();
      ref?.send(event);
      return ref !== undefined;
    },
    setLed(name, on) {
      if (!config.leds.some((led) => led.name === name)) return false;
      requested[name] = on;
      return feature.send({ type: 'LED.SET', name, on });
    },
  };

  const service: GpioService = {
    setLed: (name, on) => feature.setLed(name, on),
    led: (name) => feature.snapshot()?.leds.find((led) => led.name === name)?.on ?? null,
    onButton: (name, listener) =>
      context.bus.subscribe('gpio.button', (event) => {
        if (event.name === name) listener(event.pressed);
      }),
  };
  context.services.gpio = service;

  const input = (): GpioInput => ({
    buttons: config.buttons,
    leds: config.leds,
    lineSystemId: SCAN_LINE,
    alarm,
    onBattery,
    requested: { ...requested },
  });

  return {
    name: GPIO,
    feature,
    service,
    ...(board ? { actors: { [GPIO]: gpioMachine.provide({ actors: { board: gpioBoardActor(board) } }) } } : {}),
    children: () => (board ? [{ id: GPIO, src: GPIO, systemId: GPIO, input: input() }] : []),
    routes: [gpioRoutes(context.tokens, feature)],
    started() {
      // The line announced its state before this actor listened; tell it what the line is doing now.
      const line = context.actor(SCAN_LINE);
      const state = line?.getSnapshot().value;
      if (typeof state === 'string') actor()?.send({ type: 'line.state', state, reason: null } satisfies GpioEvent);
    },
    async stop() {
      unsubscribe();
      await board?.close();
    },
  };
}

export const gpioExtension = (context: EdgeContext) => createGpioExtension(context);
