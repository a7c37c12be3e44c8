import { z } from 'zod';

/**
 * The cabinet's GPIO board: push buttons an operator presses (start/stop the line, acknowledge an
 * alarm) and indicator LEDs that show the line's state. Off unless configured; then the routes
 * answer 503 SERVICE_UNAVAILABLE.
 *
 * `pin` is the kernel's GPIO number (sysfs / onoff numbering, e.g. BCM on a Raspberry Pi), not the
 * header's physical pin. `activeLow` inverts the logic level: a button wired to ground with a
 * pull-up reads 0 when pressed, so it is active-low; an LED sunk by the pin is active-low too.
 */

const name = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ - (1-32)');
const pin = z.number().int().min(0).max(1023);

export const GPIO_BUTTON_ACTIONS = ['line_start', 'line_stop', 'ack_alarm', 'none'] as const;
export const GPIO_LED_SHOWS = ['running', 'alarm', 'on_battery', 'manual'] as const;

export type GpioButtonAction = (typeof GPIO_BUTTON_ACTIONS)[number];
export type GpioLedShows = (typeof GPIO_LED_SHOWS)[number];

const buttonSchema = z
  .object({
    name,
    pin,
    activeLow: z.boolean().default(false),
    /** Contacts bounce for a few ms; onoff reports a change only once the level held this long. */
    debounceMs: z.number().int().min(0).max(1000).default(20),
    action: z.enum(GPIO_BUTTON_ACTIONS).default('none'),
  })
  .strict();

const ledSchema = z
  .object({
    name,
    pin,
    activeLow: z.boolean().default(false),
    /** What lights it; 'manual' LEDs are switched through the API (or by another feature). */
    shows: z.enum(GPIO_LED_SHOWS).default('manual'),
  })
  .strict();

export const gpioConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** auto = onoff when the kernel's GPIO sysfs is writable (`Gpio.accessible`), else the simulated board. */
    board: z.enum(['auto', 'onoff', 'simulated']).default('auto'),
    buttons: z.array(buttonSchema).max(32).default([]),
    leds: z.array(ledSchema).max(32).default([]),
  })
  .strict()
  .superRefine((gpio, ctx) => {
    const unique = (list: Array<{ name: string }>, path: 'buttons' | 'leds') => {
      const seen = new Set<string>();
      list.forEach((item, i) => {
        if (seen.has(item.name)) ctx.addIssue({ code: 'custom', message: `${path} names must be unique ("${item.name}" twice)`, path: [path, i, 'name'] });
        seen.add(item.name);
      });
    };
    unique(gpio.buttons, 'buttons');
    unique(gpio.leds, 'leds');
    // One pin is either an input or an output: two owners would fight over its direction.
    const owners = new Map<number, string>();
    for (const [path, list] of [['buttons', gpio.buttons], ['leds', gpio.leds]] as const) {
      list.forEach((item, i) => {
        const owner = owners.get(item.pin);
        if (owner) ctx.addIssue({ code: 'custom', message: `pin ${item.pin} is already used by ${owner}`, path: [path, i, 'pin'] });
        owners.set(item.pin, `${path}.${item.name}`);
      });
    }
  })
  .prefault({});

export type GpioConfig = z.infer<typeof gpioConfigSchema>;
export type GpioButtonConfig = z.infer<typeof buttonSchema>;
export type GpioLedConfig = z.infer<typeof ledSchema>;
