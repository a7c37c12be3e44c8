import type { Knex } from 'knex';
import type { AnyActorRef } from 'xstate';
import type { DashboardQueries } from '../../adapters/store/factory/dashboard-queries.js';
import type { DeviceStore } from '../../adapters/store/factory/device-store.js';
import type { DeviceStatus } from '../../machines/factory/device-session.machine.js';
import type { DevicePrincipal, DeviceTokenIssuer } from '../../src/auth/device-token-issuer.js';
import type { ReportedStatus } from '../../src/domain/device-channel.js';
import type { TokenIssuer } from '../http/auth.js';

/**
 * The pieces of the factory its routers ask for, declared by the api (koa style): each router takes
 * the intersection it needs, and the composition root (src/factory) passes its system, which has
 * all of them. No router imports the composition root.
 */

/** Checks a user's token. */
export interface WithTokens {
  tokens: TokenIssuer;
}

/** Checks a device's token, and whether it is still the device's current one. */
export interface WithDeviceAuth {
  deviceTokens: DeviceTokenIssuer;
  registry: { isCurrent(device: DevicePrincipal): boolean };
}

/** One device's live session as the fleet reports it (src/factory/fleet.ts). */
export interface FleetSessionView {
  deviceId: string;
  status: DeviceStatus;
  /** Epoch ms, null if never seen. */
  lastSeenAt: number | null;
  reported: ReportedStatus | null;
  connected: boolean;
}

/** The live device sessions. */
export interface WithFleet {
  fleet: {
    status(deviceId: string): FleetSessionView | undefined;
    list(): FleetSessionView[];
    counts(): { online: number; stale: number; offline: number };
  };
}

/** Marks a device seen (a heartbeat or a sync). */
export interface WithPresence {
  presence: { heartbeat(deviceId: string, reported?: ReportedStatus): void };
}

/** Read-only queries (devices, dashboard figures). */
export interface WithQueries {
  queries: { devices: Pick<DeviceStore, 'get' | 'list'>; dashboard: DashboardQueries };
}

/** The running actor tree (a new one after a restart). */
export interface WithRoot {
  readonly root: AnyActorRef;
}

/** The factory database, for the refused-call audit (api/factory/forbidden-audit.ts) that writes its own row. */
export interface WithDatabase {
  db: Knex;
}
