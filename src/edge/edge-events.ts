import type { ScanDecidedEvent } from '../../machines/edge/scan-line.machine.js';
import type { ScannerEmitted } from '../../machines/edge/scanner.machine.js';
import type { ProvisioningEmitted } from '../../machines/edge/provisioning.machine.js';
import type { SyncQueueEmitted } from '../../machines/shared/sync-queue.machine.js';
import type { FactoryLinkEmitted } from '../../machines/edge/factory-link.machine.js';
import type { SupervisorEmitted } from '../../machines/shared/supervisor.machine.js';
import type { ConnectionMode } from '../domain/connection-mode.js';
import type { BatchChangedEvent } from '../domain/aggregation.js';

/** Everything the edge's actors announce; the event bus carries these to the WebSocket hub and logs. */
export type EdgeEvent =
  | ScanDecidedEvent
  | BatchChangedEvent
  | ScannerEmitted
  | SupervisorEmitted
  | ProvisioningEmitted
  | SyncQueueEmitted
  | FactoryLinkEmitted
  | { type: 'connection.modeChanged'; mode: ConnectionMode }
  | { type: 'line.state'; state: string; reason: string | null };
