import { fromPromise } from 'xstate';
import type { WorkOutcome } from '../../src/domain/ports/work-outcome.js';
import type { ConnectionMode } from '../../src/domain/connection-mode.js';
import type { SettingsStore } from './settings-store.js';

export const CONNECTION_MODE_KEY = 'connection.mode';
export type ConnectionRequest = { op: 'setMode'; mode: ConnectionMode };

/** Persists the connection mode, then announces it (the sync queue re-targets on the event). */
export function createConnectionExecutor(settings: SettingsStore) {
  return fromPromise<WorkOutcome<{ mode: ConnectionMode }>, ConnectionRequest>(async ({ input }) => {
    await settings.set(CONNECTION_MODE_KEY, input.mode);
    return { ok: true, result: { mode: input.mode }, events: [{ type: 'connection.modeChanged', mode: input.mode }] };
  });
}
