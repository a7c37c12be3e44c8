import type { SyncQueueEmitted } from '../shared/sync-queue.machine.js';
import type { SupervisorEmitted } from '../shared/supervisor.machine.js';
import type { DeviceSessionEmitted } from './device-session.machine.js';
import type { ConnectionSettings } from '../../src/domain/device-channel.js';
import type { DeviceRecord } from '../../src/domain/device-record.js';
import type { CommandChangedEvent } from '../../src/domain/ports/command-port.js';

/** Everything the factory's actors announce; the bus carries these to the hubs, the fleet and the logs. */
export type FactoryEvent =
  | SupervisorEmitted
  | SyncQueueEmitted
  | DeviceSessionEmitted
  | { type: 'device.registered'; device: DeviceRecord }
  | { type: 'device.updated'; device: DeviceRecord }
  | { type: 'device.removed'; deviceId: string }
  | { type: 'device.tokenIssued'; deviceId: string; tokenId: string }
  | { type: 'sync.ingested'; deviceId: string; lineId: string | null; accepted: number; duplicates: number; rejected: number; newByKind: Record<string, number> }
  | { type: 'connection.settingsChanged'; settings: ConnectionSettings }
  | CommandChangedEvent
  /** Anything a feature wants the control room to see live: broadcast as is on /ws/dashboard. */
  | { type: 'dashboard.push'; message: { type: string; data: unknown } };
