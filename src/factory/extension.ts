import type Router from '@koa/router';
import type { Knex } from 'knex';
import type { AnyActorRef } from 'xstate';
import type { FactoryDialect } from '../../adapters/store/factory/factory-database.js';
import type { TokenIssuer } from '../../api/http/auth.js';
import type { DeviceTokenIssuer } from '../auth/device-token-issuer.js';
import type { ChannelMessage, ChannelMessageType, ChannelPayload } from '../domain/device-channel.js';
import type { EventBus } from '../runtime/event-bus.js';
import type { Logger } from '../runtime/logger.js';
import type { FactoryConfig } from './config.js';
import type { DeviceRegistry } from './device-registry.js';
import type { FactoryEvent } from './factory-events.js';
import type { Fleet } from './fleet.js';

/** Sending to devices over their channel; usable once the server is listening (false until then, or when the device is not connected). */
export interface DeviceChannelPort {
  sendTo<T extends ChannelMessageType>(deviceId: string, type: T, payload: ChannelPayload<T>, correlationId?: string): boolean;
  isConnected(deviceId: string): boolean;
}

/** What a feature of the factory is built from: the core's storage, bus, auth and fleet. */
export interface FactoryContext {
  config: FactoryConfig;
  db: Knex;
  dialect: FactoryDialect;
  bus: EventBus<FactoryEvent>;
  logger: Logger;
  tokens: TokenIssuer;
  deviceTokens: DeviceTokenIssuer;
  registry: DeviceRegistry;
  fleet: Fleet;
  channel: DeviceChannelPort;
  /** Services features offer each other (filled in as extensions start, in list order). */
  services: FactoryServices;
  /**
   * Firmware deployments' machines, run under the root supervisor's `deployments` supervisor like
   * every other actor (spawned by key, restarted on failure, visible in its children). Optional:
   * without it a feature runs its machines itself.
   */
  deploymentActors?: SupervisedActors;
}

/**
 * The services features offer each other, by name, each with its type. Empty here and filled by
 * declaration merging, as the edge's EdgeServices: the feature that offers a service declares it
 * beside its code (`declare module '../extension.js' { interface FactoryServices { commands?: CommandPort } }`),
 * so this file imports no feature and every use is type-checked. Each entry is optional: a
 * feature that failed to start offers nothing, and its users must cope.
 */
export interface FactoryServices {}

/** A feature whose construction threw: left out, logged and audited, and shown in /health. */
export type { DisabledFeature } from '../runtime/start-features.js';

/** Spawning and removing children of one supervisor, by id. */
export interface SupervisedActors {
  /** Starts `src` as child `id` with `input`; returns it, or undefined when it could not start. */
  spawn(id: string, src: string, input: unknown): AnyActorRef | undefined;
  remove(id: string): void;
}

/**
 * A feature of the factory (commands, device groups, firmware, desired config, catalogs): its
 * routes, what it does with device messages, and how it stops. Like zigbee2mqtt's extensions, each
 * is independent and gets what it needs from the context; one failing to handle a message never
 * takes the others down.
 */
export interface FactoryExtension {
  name: string;
  routes?: Router[];
  /** Every device channel message other than heartbeats (command.ack, command.result, …). */
  onDeviceMessage?(deviceId: string, message: ChannelMessage): void;
  /** A device's channel just opened (queued work can be sent now). */
  onDeviceConnected?(deviceId: string): void;
  /** A device's channel closed (or a newer one replaced it). */
  onDeviceDisconnected?(deviceId: string): void;
  stop?(): Promise<void>;
}

export type ExtensionFactory = (context: FactoryContext) => FactoryExtension | Promise<FactoryExtension>;
