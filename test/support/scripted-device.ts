import type { DeviceChannel } from './factory-api-fixtures.js';
import { waitFor } from './wait-for.js';

/** A `command` message as the factory sends it. */
export interface ReceivedCommand {
  commandId: string;
  type: string;
  params: Record<string, unknown>;
  expiresAt: string | null;
  timeoutMs: number;
}

/**
 * How a scripted device answers one command: `silent` (never acks: stays SENT), `ack` (acks and
 * never answers: times out), or a result (acked first, then answered, with optional progress).
 */
export type ScriptedReply =
  | 'silent'
  | 'ack'
  | { ok: boolean; result?: unknown; error?: { code: string; message: string }; stages?: string[]; ack?: boolean };

/**
 * A raw device channel scripted to answer commands the way an edge would (no edge needed): tests
 * of the factory's command side drive every outcome from here. Commands received before it was
 * attached (sent right after the welcome) are answered too.
 */
export function scriptDevice(channel: DeviceChannel, reply: (command: ReceivedCommand) => ScriptedReply = () => ({ ok: true, result: { done: true } })) {
  const received: ReceivedCommand[] = [];
  const answer = (command: ReceivedCommand) => {
    received.push(command);
    const how = reply(command);
    if (how === 'silent') return;
    if (how === 'ack' || how.ack !== false) channel.send('command.ack', { commandId: command.commandId });
    if (how === 'ack') return;
    for (const stage of how.stages ?? []) channel.send('command.progress', { commandId: command.commandId, stage });
    channel.send('command.result', {
      commandId: command.commandId,
      ok: how.ok,
      ...(how.result !== undefined ? { result: how.result } : {}),
      ...(how.error ? { error: how.error } : {}),
    });
  };
  for (const message of channel.messages) if (message.type === 'command') answer(message.payload as ReceivedCommand);
  channel.client.ws.on('message', (raw) => {
    const message = JSON.parse(raw.toString()) as { type: string; payload: ReceivedCommand };
    if (message.type === 'command') answer(message.payload);
  });
  return {
    received,
    /** How many times the device was sent this command. */
    timesReceived: (commandId: string) => received.filter((c) => c.commandId === commandId).length,
    /** Waits until the device has been sent `commandId` (at least once). */
    waitFor: (commandId: string, timeoutMs = 5_000) => waitFor(() => received.find((c) => c.commandId === commandId), timeoutMs, `command ${commandId} at the device`),
  };
}

export type ScriptedDevice = ReturnType<typeof scriptDevice>;
