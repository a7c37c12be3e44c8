import type Router from '@koa/router';
import type { AnyActorLogic, AnyActorRef } from 'xstate';
import type { SettingsStore } from '../../adapters/store/settings-store.js';
import type { SqliteDatabase } from '../../adapters/store/sqlite-database.js';
import type { TokenIssuer } from '../../api/http/auth.js';
import type { ChildSpec } from '../../machines/shared/supervisor.machine.js';
import type { EventBus } from '../runtime/event-bus.js';
import type { Logger } from '../runtime/logger.js';
import type { EdgeConfig } from './config.js';
import type { EdgeEvent } from './edge-events.js';

/** What a line-hardware feature of the edge is built from. */
export interface EdgeContext {
  config: EdgeConfig;
  bus: EventBus<EdgeEvent>;
  logger: Logger;
  tokens: TokenIssuer;
  db: SqliteDatabase;
  settingsStore: SettingsStore;
  /** The running actor with this systemId (the new one after restart_service), if any. */
  actor(systemId: string): AnyActorRef | undefined;
  /** Sends an event to the root supervisor (supervisor.spawn / supervisor.remove to add or drop a device actor at run time). */
  sendToRoot(event: { type: string; [key: string]: unknown }): void;
  /** Services features offer each other (filled in as extensions start, in list order). */
  services: EdgeServices;
}

/**
 * The services features offer each other, by name, each with its type. The interface is empty
 * here and filled by declaration merging: the feature that offers a service declares it beside
 * its code (`declare module '../extension.js' { interface EdgeServices { gpio?: GpioService } }`),
 * so this file imports no feature and every use is type-checked. Each entry is optional: a
 * feature that is off (or failed to start) offers nothing, and its users must cope.
 */
export interface EdgeServices {}

/** A feature whose construction threw: left out, journaled, and shown in /health. */
export type { DisabledFeature } from '../runtime/start-features.js';

/**
 * A feature of the edge (printers, PLCs and the reject loop, UPS, GPIO, …): the actor logic it adds
 * to the root supervisor, the children it starts there, its routes, and how it stops. Like the
 * factory's extensions (and zigbee2mqtt's), each is independent; one failing never takes the
 * others down. A feature that is not configured still mounts its routes and answers 503
 * SERVICE_UNAVAILABLE, as the spec asks of an installation where a service is not wired.
 */
export interface EdgeExtension {
  name: string;
  /** Actor logic by key, registered on the root supervisor (keys must be unique across features). */
  actors?: Record<string, AnyActorLogic>;
  /** The children to start under the root; asked again at every restart_service. */
  children?(): ChildSpec[] | Promise<ChildSpec[]>;
  routes?: Router[];
  /** Called once the actor tree runs (and again after each restart_service). */
  started?(): void;
  stop?(): Promise<void>;
}

export type EdgeExtensionFactory = (context: EdgeContext) => EdgeExtension | Promise<EdgeExtension>;
