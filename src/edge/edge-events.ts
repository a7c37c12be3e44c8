import type { RejectionConfirmedEvent, ScanDecidedEvent } from '../../machines/edge/scan-line.machine.js';
import type { ScannerEmitted } from '../../machines/edge/scanner.machine.js';
import type { PrinterEmitted } from '../../machines/edge/printer.machine.js';
import type { ProvisioningEmitted } from '../../machines/edge/provisioning.machine.js';
import type { SyncQueueEmitted } from '../../machines/shared/sync-queue.machine.js';
import type { FactoryLinkEmitted } from '../../machines/edge/factory-link.machine.js';
import type { SupervisorEmitted } from '../../machines/shared/supervisor.machine.js';
import type { GpioEmitted } from '../../machines/edge/gpio.machine.js';
import type { PlcEmitted } from '../../machines/edge/plc.machine.js';
import type { RejectLoopEmitted } from '../../machines/edge/reject-loop.machine.js';
import type { PlcLineAlarm } from './hardware/plcs.extension.js';
import type { OrderLineAlarm } from '../domain/orders.js';
import type { ConnectionMode } from '../domain/connection-mode.js';
import type { BatchChangedEvent } from '../domain/aggregation.js';
import type { PalletChangedEvent } from '../domain/pallet.js';
import type { UpsEmitted } from '../../machines/edge/ups.machine.js';
import type { UpsPolicyEmitted } from '../../machines/edge/ups-policy.machine.js';
import type { JournalRecordEvent } from '../domain/journal-record.js';

/** Everything the edge's actors announce; the event bus carries these to the WebSocket hub and logs. */
export type EdgeEvent =
  | ScanDecidedEvent
  | RejectionConfirmedEvent
  | BatchChangedEvent
  | PalletChangedEvent
  | ScannerEmitted
  | PrinterEmitted
  | SupervisorEmitted
  | ProvisioningEmitted
  | SyncQueueEmitted
  | FactoryLinkEmitted
  | UpsEmitted
  | UpsPolicyEmitted
  | GpioEmitted
  | PlcEmitted
  | PlcLineAlarm
  | OrderLineAlarm
  | RejectLoopEmitted
  | { type: 'connection.modeChanged'; mode: ConnectionMode }
  | JournalRecordEvent
  | { type: 'line.state'; state: string; reason: string | null }
  /** A firmware install switched `current`: the process must end so the new version starts (main.ts does it). */
  | { type: 'edge.restartRequested'; reason: string };
