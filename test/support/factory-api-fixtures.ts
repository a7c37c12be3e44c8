import path from 'node:path';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import knexFactory from 'knex';
import WebSocket from 'ws';
import { channelMessage, type ChannelMessageType, type ChannelPayload } from '../../src/domain/device-channel.js';
import { edgeSecret, expectData, expectError } from './api-expect.js';
import type { TestFactory } from './factory-harness.js';
import { openWs, type TestWsClient } from './ws-client.js';

/**
 * What the factory API tests share: sync items as an edge sends them, device tokens signed by
 * hand (forged, expired, of another kind), and the device channel as an edge opens it.
 */

export interface TestSyncItem {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
}

/** A `bottle.created` item shaped like the edge's outbox row; created now, so it counts for today. */
export function bottleItem(id: string, payload: Record<string, unknown> = {}): TestSyncItem {
  return {
    id,
    kind: 'bottle.created',
    payload: {
      bottleId: `bottle-${id}`,
      identifier: `0104600000000017215${id}`,
      identificationCode: `code-${id}`,
      gtin: '04600000000017',
      productionLineId: 'line-1',
      productId: 'product-1',
      party: 'P-1',
      deviceId: 'edge-001',
      createdAt: new Date().toISOString(),
      ...payload,
    },
  };
}

export function batchItem(id: string, payload: Record<string, unknown> = {}): TestSyncItem {
  return { id, kind: 'batch.created', payload: { id: `batch-${id}`, identifier: `B-2024-${id}`, status: 'in_progress', createdAt: new Date().toISOString(), ...payload } };
}

/** `n` bottle items with ids `${prefix}-0 … ${prefix}-(n-1)`. */
export const bottleItems = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => bottleItem(`${prefix}-${i}`));

/** POST /api/v1/sync as a device. */
export const postSync = (t: TestFactory, token: string, body: unknown) => t.request('POST', '/api/v1/sync', { token, body });

/** A sync that must succeed; returns `data` ({results, accepted, duplicates, rejected}). */
export async function syncOk(t: TestFactory, token: string, items: TestSyncItem[], extra: Record<string, unknown> = {}) {
  return expectData(await postSync(t, token, { items, ...extra }));
}

export const heartbeat = (t: TestFactory, deviceId: string, token: string, body: unknown = {}) =>
  t.request('POST', `/api/v1/devices/${deviceId}/heartbeat`, { token, body });

/** Issues a new token for a device (revoking its previous one). */
export async function reissue(t: TestFactory, deviceId: string): Promise<string> {
  return expectData(await t.request('POST', `/api/v1/devices/${deviceId}/token`, { token: t.tokens.manager }), 201).token as string;
}

export async function deleteDevice(t: TestFactory, deviceId: string): Promise<void> {
  expectData(await t.request('DELETE', `/api/v1/devices/${deviceId}`, { token: t.tokens.manager }));
}

export async function getDevice(t: TestFactory, deviceId: string): Promise<any> {
  return expectData(await t.request('GET', `/api/v1/devices/${deviceId}`, { token: t.tokens.operator }));
}

export async function overview(t: TestFactory): Promise<any> {
  return expectData(await t.request('GET', '/api/v1/dashboard/overview', { token: t.tokens.operator }));
}

/** Signs a device token with the factory's own secret (so only the registry's jti check can refuse it). */
export function signDeviceToken(t: TestFactory, claims: Record<string, unknown> = {}, options: jwt.SignOptions = {}): string {
  return jwt.sign({ sub: 'edge-forged', typ: 'device', ...claims }, edgeSecret(t), { algorithm: 'HS256', expiresIn: 600, jwtid: 'forged-jti', ...options });
}

/** Device tokens every device endpoint must refuse with 401, whoever the device. */
export function badDeviceTokens(t: TestFactory, deviceId: string): Array<[string, string]> {
  const secret = edgeSecret(t);
  const past = Math.floor(Date.now() / 1000) - 3600;
  return [
    ['garbage', 'not-a-jwt'],
    ['three dots', 'a.b.c'],
    ['another secret', jwt.sign({ sub: deviceId, typ: 'device' }, 'another-secret-that-is-long-enough-000000', { algorithm: 'HS256', jwtid: 'x' })],
    ['expired', jwt.sign({ sub: deviceId, typ: 'device', jti: 'x', iat: past - 60, exp: past }, secret, { algorithm: 'HS256' })],
    ['forged jti (right secret, not the current token)', signDeviceToken(t, { sub: deviceId })],
    ['no jti', jwt.sign({ sub: deviceId, typ: 'device' }, secret, { algorithm: 'HS256' })],
    ['no typ', jwt.sign({ sub: deviceId }, secret, { algorithm: 'HS256', jwtid: 'x' })],
    ['alg none', jwt.sign({ sub: deviceId, typ: 'device', jti: 'x' }, '', { algorithm: 'none' })],
    ['operator user token', t.tokens.operator],
    ['admin user token', t.tokens.admin],
  ];
}

export const UNAUTHORIZED = (res: Parameters<typeof expectError>[0]) => expectError(res, 401, 'UNAUTHORIZED');

/** The device channel as an edge opens it: the raw channel messages, and how it closed. */
export interface DeviceChannel {
  client: TestWsClient;
  /** Every channel message received so far (the envelope `{v, type, id, at, payload}`). */
  messages: Array<{ v: number; type: string; id: string; correlationId?: string; at: string; payload: any }>;
  next(type: string, predicate?: (payload: any) => boolean): Promise<{ type: string; payload: any; correlationId?: string }>;
  send<T extends ChannelMessageType>(type: T, payload: ChannelPayload<T>): void;
  sendRaw(text: string | Record<string, unknown>): void;
  /** Resolves with the close code once the server (or we) closed it. */
  closed: Promise<number>;
  close(): Promise<void>;
}

export const wsBase = (t: TestFactory) => t.url.replace(/^http/, 'ws');

export async function openDeviceChannel(t: TestFactory, token: string): Promise<DeviceChannel> {
  const client = await openWs(`${wsBase(t)}/ws/device?token=${encodeURIComponent(token)}`);
  const closed = new Promise<number>((resolve) => {
    if (client.ws.readyState === WebSocket.CLOSED) resolve(1006);
    client.ws.once('close', (code) => resolve(code));
  });
  const messages = client.messages as unknown as DeviceChannel['messages'];
  return {
    client,
    messages,
    next: async (type, predicate = () => true) => {
      const hit = (await client.next((m) => m.type === type && predicate((m as unknown as { payload: unknown }).payload))) as unknown as {
        type: string;
        payload: any;
      };
      return hit;
    },
    send: (type, payload) => client.ws.send(JSON.stringify(channelMessage(type, payload))),
    sendRaw: (text) => client.ws.send(typeof text === 'string' ? text : JSON.stringify(text)),
    closed,
    close: () => client.close(),
  };
}

/** Opens a channel and waits for the welcome (so the server has registered the session). */
export async function connectDevice(t: TestFactory, token: string): Promise<DeviceChannel> {
  const channel = await openDeviceChannel(t, token);
  const welcome = await channel.next('welcome');
  expect(welcome.payload.deviceId).to.be.a('string');
  return channel;
}

export interface StoredSyncItem {
  id: string;
  deviceId: string;
  lineId: string | null;
  kind: string;
  payload: Record<string, unknown>;
  day: string;
}

/**
 * Reads sync_items straight from the factory's storage (a second connection: SQLite in WAL mode
 * lets it read beside the server's writer; PostgreSQL in the factory's test schema).
 */
export async function storedSyncItems(t: TestFactory, ids: string[]): Promise<StoredSyncItem[]> {
  const db = t.config.databaseUrl
    ? knexFactory({ client: 'pg', connection: t.config.databaseUrl, searchPath: [t.schema!], pool: { min: 0, max: 1 } })
    : knexFactory({ client: 'sqlite3', connection: { filename: path.join(t.config.dataDir, 'factory.db') }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
  try {
    const rows: Array<{ id: string; device_id: string; line_id: string | null; kind: string; payload: string; day: string }> = await db('sync_items')
      .whereIn('id', ids)
      .orderBy('id');
    return rows.map((r) => ({ id: r.id, deviceId: r.device_id, lineId: r.line_id, kind: r.kind, payload: JSON.parse(r.payload), day: r.day }));
  } finally {
    await db.destroy();
  }
}
