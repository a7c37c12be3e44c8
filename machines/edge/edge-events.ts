import type { RejectionConfirmedEvent, ScanDecidedEvent } from './scan-line.machine.js';
import type { ScannerEmitted } from './scanner.machine.js';
import type { PrinterEmitted } from './printer.machine.js';
import type { ProvisioningEmitted } from './provisioning.machine.js';
import type { SyncQueueEmitted } from '../shared/sync-queue.machine.js';
import type { FactoryLinkEmitted } from './factory-link.machine.js';
import type { SupervisorEmitted } from '../shared/supervisor.machine.js';
import type { GpioEmitted } from './gpio.machine.js';
import type { PlcEmitted } from './plc.machine.js';
import type { RejectLoopEmitted } from './reject-loop.machine.js';
import type { ConnectionEmitted } from './connection.machine.js';
import type { OrderLineAlarm } from '../../src/domain/orders.js';
import type { PalletChangedEvent } from '../../src/domain/pallet.js';
import type { BatchChangedEvent } from '../../src/domain/aggregation.js';
import type { UpsEmitted } from './ups.machine.js';
import type { UpsPolicyEmitted } from './ups-policy.machine.js';
import type { JournalRecordEvent } from '../../src/domain/journal-record.js';

/** What `line.alarm` looks like when a PLC link is lost. */
export interface PlcLineAlarm {
  type: 'line.alarm';
  code: 'PLC_DISCONNECTED';
  message: string;
  at: string;
  source: 'plc';
  plcId: string;
  safeState: 'stop' | 'reject_all';
}

/**
 * Everything the edge's actors announce; the event bus carries these to the WebSocket hub and logs.
 * The machines' own events plus a few of the composition root's; here so that api/ (the WebSocket
 * feed) and src/edge both import it from below.
 */
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
  | ConnectionEmitted
  | JournalRecordEvent
  | { type: 'line.state'; state: string; reason: string | null }
  /** A firmware install switched `current`: the process must end so the new version starts (main.ts does it). */
  | { type: 'edge.restartRequested'; reason: string };
