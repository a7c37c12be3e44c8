import http from 'node:http';
import { DomainError } from '../../src/domain/domain-error.js';
import { queuedCommand } from './command-record.js';
import type { CommandStatus } from '../../src/domain/device-commands.js';
import type { CommandPort, CommandRecord, DispatchRequest } from '../../src/factory/commands/command-port.js';
import type { TestFactory } from './factory-harness.js';

/** What the firmware tests share: raw uploads, raw downloads, and a scriptable command port. */

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json: any;
}

/** A request with a raw body (Buffer), answered with the raw bytes and headers. */
export function rawRequest(
  t: TestFactory,
  method: string,
  path: string,
  options: { token?: string; body?: Buffer; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const url = new URL(path, t.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body) {
      if (headers['transfer-encoding'] === undefined) headers['content-length'] ??= options.body.length;
      headers['content-type'] ??= 'application/octet-stream';
    }
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        let json: unknown = null;
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export function upload(t: TestFactory, version: string, body: Buffer, options: { token?: string; filename?: string; headers?: Record<string, string> } = {}) {
  const query = new URLSearchParams({ version, filename: options.filename ?? `okto-edge-${version}.bin` });
  return rawRequest(t, 'POST', `/api/v1/firmware/releases?${query}`, { token: options.token ?? t.tokens.admin, body, ...(options.headers ? { headers: options.headers } : {}) });
}

/** Uploads and returns the release (the test fails on anything but 201). */
export async function uploadOk(t: TestFactory, version: string, body: Buffer): Promise<any> {
  const res = await upload(t, version, body);
  if (res.status !== 201) throw new Error(`upload ${version}: ${res.status} ${res.body.toString()}`);
  return res.json.data;
}

/** Deterministic bytes of a given size (no two offsets alike within 251). */
export const artifactBytes = (size: number, seed = 7) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed) % 251));

/**
 * A command port that stores dispatched commands in memory and lets a test play the device:
 * `progress` and `finish` change a command and publish `command.changed` on the factory's bus,
 * as the command service does.
 */
export function fakeCommandPort(t: () => TestFactory) {
  const commands = new Map<string, CommandRecord>();
  let n = 0;
  const publish = (command: CommandRecord) => t().factory.system.bus.publish({ type: 'command.changed', command: { ...command } });
  const update = (id: string, patch: Partial<CommandRecord>) => {
    const command = commands.get(id);
    if (!command) throw new Error(`no command ${id}`);
    Object.assign(command, patch);
    publish(command);
    return command;
  };
  const port: CommandPort & {
    dispatched: DispatchRequest[];
    commands: Map<string, CommandRecord>;
    commandFor(deviceId: string): CommandRecord;
    progress(deviceId: string, stage: string): CommandRecord;
    finish(deviceId: string, status: CommandStatus, error?: { code: string; message: string }): CommandRecord;
    failNextDispatch: Error | null;
  } = {
    dispatched: [],
    commands,
    failNextDispatch: null,
    async dispatch(request) {
      port.dispatched.push(request);
      if (port.failNextDispatch) {
        const error = port.failNextDispatch;
        port.failNextDispatch = null;
        throw error;
      }
      const existing = [...commands.values()].find((c) => c.deviceId === request.deviceId && c.idempotencyKey && c.idempotencyKey === request.idempotencyKey);
      if (existing) return { ...existing };
      const command: CommandRecord = { ...queuedCommand(`cmd-${++n}`, request), createdBy: null };
      commands.set(command.id, command);
      publish(command);
      return { ...command };
    },
    async waitForFinal(id) {
      return { ...commands.get(id)! };
    },
    /** Cancels a QUEUED command, as the service does; CONFLICT once it was sent. */
    async cancel(id) {
      const command = commands.get(id);
      if (!command) throw new DomainError('NOT_FOUND', `Command ${id} not found`);
      if (command.status !== 'QUEUED') throw new DomainError('CONFLICT', `Command ${id} is ${command.status}`);
      return { ...update(id, { status: 'CANCELED', completedAt: new Date().toISOString() }) };
    },
    async get(id) {
      const command = commands.get(id);
      return command ? { ...command } : null;
    },
    commandFor(deviceId) {
      const command = [...commands.values()].reverse().find((c) => c.deviceId === deviceId);
      if (!command) throw new Error(`no command for ${deviceId}`);
      return command;
    },
    progress(deviceId, stage) {
      return update(port.commandFor(deviceId).id, { status: 'DELIVERED', stage });
    },
    finish(deviceId, status, error) {
      return update(port.commandFor(deviceId).id, { status, completedAt: new Date().toISOString(), error: error ?? null });
    },
  };
  return port;
}

export type FakeCommandPort = ReturnType<typeof fakeCommandPort>;
