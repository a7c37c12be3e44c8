import type { AnyActorRef } from 'xstate';
import type { WorkReply } from '../../machines/shared/serial-worker.machine.js';
import type { ConnectionMode } from '../domain/connection-mode.js';
import type { ConnectionSettings } from '../domain/device-channel.js';
import { ask } from '../runtime/ask.js';
import type { EventBus } from '../runtime/event-bus.js';
import type { Logger } from '../runtime/logger.js';
import type { EdgeEvent } from './edge-events.js';

/**
 * Applies the factory's connection settings on this edge. When the factory does not allow a
 * device override, its default mode wins: the edge switches through the connection actor (which
 * persists the mode and announces it, so the sync queue re-targets), says why in the log, and
 * keeps the reason for GET /api/v1/connection/status (`modeReason`). With overrides allowed, the
 * local choice stands and there is no reason to show.
 */
export function createFactorySettings(options: {
  bus: EventBus<EdgeEvent>;
  mode: () => ConnectionMode;
  connection: () => AnyActorRef | undefined;
  logger: Logger;
}) {
  const { bus, logger } = options;
  let settings: ConnectionSettings | null = null;
  let modeReason: string | null = null;

  const imposedReason = (mode: ConnectionMode) => `Set by the factory server: its default mode is ${mode} and it does not allow a device override`;

  /** Switches the mode through the connection actor, as PUT /connection/mode does. */
  async function switchTo(mode: ConnectionMode, from: ConnectionMode) {
    const connection = options.connection();
    if (!connection) throw new Error('the connection actor is not running');
    const reply = await ask<WorkReply<{ mode: ConnectionMode }>>(connection, (replyTo) => ({ type: 'work', request: { op: 'setMode', mode }, replyTo }), { timeoutMs: 10_000 });
    if (!reply.ok) throw new Error(reply.error.message);
    logger.warn({ from, to: mode, reason: imposedReason(mode) }, `connection mode switched from ${from} to ${mode} by the factory server`);
  }

  /** The settings' effect on the mode; returns once any switch is done (tests await it). */
  async function apply(next: ConnectionSettings): Promise<void> {
    settings = next;
    if (next.allowDeviceOverride) {
      modeReason = null;
      return;
    }
    modeReason = imposedReason(next.defaultMode);
    const current = options.mode();
    if (current === next.defaultMode) return;
    try {
      await switchTo(next.defaultMode, current);
    } catch (error) {
      logger.error({ err: error, mode: next.defaultMode }, 'could not switch to the connection mode the factory server requires');
    }
  }

  let applying: Promise<void> = Promise.resolve();
  const off = bus.subscribe('factory.settings', (event) => {
    // In arrival order: two quick settings changes must not race each other's switch.
    applying = applying.then(() => apply(event.settings));
  });

  return {
    /** Why the mode is what it is when the factory imposes it; null when the local choice stands. */
    modeReason: () => modeReason,
    /** The last settings the factory sent, or null before any. */
    settings: () => settings,
    /** A mode an operator may not choose locally right now, with the reason; null if allowed. */
    refusal(mode: ConnectionMode): string | null {
      if (!settings || settings.allowDeviceOverride || mode === settings.defaultMode) return null;
      return `${imposedReason(settings.defaultMode)}; ${mode} cannot be chosen on this edge`;
    },
    /** Settles once every settings message received so far has been applied. */
    idle: () => applying,
    dispose: off,
  };
}

export type FactorySettings = ReturnType<typeof createFactorySettings>;
