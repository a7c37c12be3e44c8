import { z } from 'zod';
import { CONNECTION_MODES } from './connection-mode.js';
import { COMMAND_TYPES } from './device-commands.js';
import { nextId } from './ids.js';

/**
 * The device channel (`/ws/device`) between an edge and its factory server: one envelope for
 * every message in both directions, versioned so either side can refuse a peer it does not
 * understand instead of misreading it. Both the edge's factory link and the factory's device hub
 * build and parse messages only through this module.
 *
 *   { v: 1, type, id, correlationId?, at, payload }
 *
 * `id` is unique per message; a reply carries the id of the message it answers as `correlationId`.
 */
export const DEVICE_CHANNEL_VERSION = 1;

/** Close codes of the device channel (4000–4999 are the application's). */
export const CHANNEL_CLOSE = {
  /** The token was revoked (re-issued) or the device removed: reconnecting with it is pointless. */
  UNAUTHORIZED: 4401,
  /** The same device opened a newer channel; this one is superseded. */
  REPLACED: 4409,
  SHUTTING_DOWN: 1001,
} as const;

/** Largest message either side accepts; anything bigger is a protocol error, not data. */
export const DEVICE_CHANNEL_MAX_BYTES = 1024 * 1024;

export const connectionSettingsSchema = z
  .object({
    defaultMode: z.enum(CONNECTION_MODES),
    allowDeviceOverride: z.boolean(),
    cloudSyncEnabled: z.boolean(),
  })
  .strict();
export type ConnectionSettings = z.infer<typeof connectionSettingsSchema>;

/** What an edge reports about itself in hello / heartbeat / status. Every part is optional: an edge reports what it has. */
export const reportedStatusSchema = z
  .object({
    softwareVersion: z.string().max(64).optional(),
    mode: z.enum(CONNECTION_MODES).optional(),
    /** Why the mode is what it is when the factory imposed it. */
    modeReason: z.string().max(500).nullable().optional(),
    line: z
      .object({
        state: z.string().max(64),
        accepted: z.number().int().min(0).optional(),
        rejected: z.number().int().min(0).optional(),
      })
      .optional(),
    syncQueue: z.object({ state: z.string().max(64), pending: z.number().int().min(0) }).optional(),
  })
  .passthrough();
export type ReportedStatus = z.infer<typeof reportedStatusSchema>;

/**
 * Payload schemas by message type. Edge → factory: hello, heartbeat, status, command.ack (the
 * command arrived: DELIVERED), command.progress, command.result (its outcome). Factory → edge: welcome, settings,
 * command, error.
 */
export const channelPayloads = {
  hello: z.object({ deviceId: z.string().min(1).max(64), status: reportedStatusSchema }),
  heartbeat: z.object({ status: reportedStatusSchema }),
  status: z.object({ status: reportedStatusSchema }),
  welcome: z.object({
    deviceId: z.string(),
    serverTime: z.string(),
    heartbeatIntervalMs: z.number().int().positive(),
    settings: connectionSettingsSchema,
  }),
  settings: connectionSettingsSchema,
  error: z.object({ code: z.string(), message: z.string() }),
  command: z.object({
    commandId: z.string().min(1).max(100),
    type: z.enum(COMMAND_TYPES),
    /** Checked by the edge against commandParamsSchemas[type]. */
    params: z.record(z.string(), z.unknown()),
    /** The edge does not start a command past this time (it answers EXPIRED instead). */
    expiresAt: z.string().nullable(),
    timeoutMs: z.number().int().positive(),
  }),
  'command.ack': z.object({ commandId: z.string().min(1).max(100) }),
  /** A long command's stage (update_firmware: downloading, verifying, staging), for progress views. */
  'command.progress': z.object({ commandId: z.string().min(1).max(100), stage: z.string().min(1).max(64), detail: z.unknown().optional() }),
  'command.result': z.object({
    commandId: z.string().min(1).max(100),
    ok: z.boolean(),
    /** What the command did (JSON, at most a few hundred KB: e.g. log lines). */
    result: z.unknown().optional(),
    error: z.object({ code: z.string().max(64), message: z.string().max(2000) }).optional(),
  }),
} as const;

export type ChannelMessageType = keyof typeof channelPayloads;
export type ChannelPayload<T extends ChannelMessageType> = z.infer<(typeof channelPayloads)[T]>;

export interface ChannelMessage<T extends ChannelMessageType = ChannelMessageType> {
  v: typeof DEVICE_CHANNEL_VERSION;
  type: T;
  id: string;
  correlationId?: string;
  at: string;
  payload: ChannelPayload<T>;
}

const envelopeSchema = z.object({
  v: z.number().int(),
  type: z.string().min(1).max(64),
  id: z.string().min(1).max(64),
  correlationId: z.string().min(1).max(64).optional(),
  at: z.string(),
  payload: z.unknown(),
});

export function channelMessage<T extends ChannelMessageType>(type: T, payload: ChannelPayload<T>, correlationId?: string): ChannelMessage<T> {
  return { v: DEVICE_CHANNEL_VERSION, type, id: nextId('msg-'), ...(correlationId ? { correlationId } : {}), at: new Date().toISOString(), payload };
}

export function encodeChannelMessage(message: ChannelMessage): string {
  return JSON.stringify(message);
}

export type DecodedChannelMessage = { ok: true; message: ChannelMessage } | { ok: false; code: 'BAD_MESSAGE' | 'UNSUPPORTED_VERSION' | 'UNKNOWN_TYPE'; message: string };

/** Parses and checks one text frame. Never throws: a peer's bad frame is answered, not crashed on. */
export function decodeChannelMessage(text: string): DecodedChannelMessage {
  if (text.length > DEVICE_CHANNEL_MAX_BYTES) return { ok: false, code: 'BAD_MESSAGE', message: 'message too large' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, code: 'BAD_MESSAGE', message: 'not JSON' };
  }
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) return { ok: false, code: 'BAD_MESSAGE', message: `bad envelope: ${envelope.error.issues[0]?.message ?? 'invalid'}` };
  if (envelope.data.v !== DEVICE_CHANNEL_VERSION) return { ok: false, code: 'UNSUPPORTED_VERSION', message: `version ${envelope.data.v} not supported (this side speaks ${DEVICE_CHANNEL_VERSION})` };
  const schema = (channelPayloads as Record<string, z.ZodType>)[envelope.data.type];
  if (!schema) return { ok: false, code: 'UNKNOWN_TYPE', message: `unknown message type "${envelope.data.type}"` };
  const payload = schema.safeParse(envelope.data.payload);
  if (!payload.success) {
    const issue = payload.error.issues[0];
    return { ok: false, code: 'BAD_MESSAGE', message: `bad ${envelope.data.type} payload: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'invalid'}` };
  }
  return { ok: true, message: { ...(envelope.data as Omit<ChannelMessage, 'payload'>), payload: payload.data } as ChannelMessage };
}
