import { z } from 'zod';
import type { Role } from './roles.js';

/**
 * The commands a factory can send an edge (spec: Server Management API, device commands), the
 * role each needs, and the shape of each one's params. One table, used by the factory to check a
 * dispatch and by the edge to check what it is asked to run.
 */
export const COMMAND_TYPES = [
  'restart_service',
  'reboot_os',
  'shutdown_os',
  'force_sync',
  'clear_queue',
  'pull_logs',
  'push_config',
  'update_firmware',
  'exec_shell',
  'enable_device',
  'disable_device',
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

/** Routine commands are MANAGER's; what can stop a line, lose data or run code is ADMIN's. */
export const COMMAND_ROLE: Record<CommandType, Role> = {
  restart_service: 'MANAGER',
  force_sync: 'MANAGER',
  pull_logs: 'MANAGER',
  push_config: 'MANAGER',
  enable_device: 'MANAGER',
  disable_device: 'MANAGER',
  reboot_os: 'ADMIN',
  shutdown_os: 'ADMIN',
  clear_queue: 'ADMIN',
  update_firmware: 'ADMIN',
  exec_shell: 'ADMIN',
};

/** QUEUED → SENT → DELIVERED → SUCCEEDED | FAILED | TIMED_OUT; EXPIRED (never delivered in time); CANCELED. */
export const COMMAND_STATUSES = ['QUEUED', 'SENT', 'DELIVERED', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'EXPIRED', 'CANCELED'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];
export const FINAL_COMMAND_STATUSES: ReadonlySet<CommandStatus> = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'EXPIRED', 'CANCELED']);

/** What a factory may change on an edge at run time (desired config, push_config). */
export const edgeRuntimeConfigSchema = z
  .object({
    line: z
      .object({
        productId: z.string().min(1).max(64).nullable().optional(),
        party: z.string().min(1).max(64).nullable().optional(),
        batchSize: z.number().int().min(1).max(100_000).nullable().optional(),
      })
      .strict()
      .optional(),
    sync: z
      .object({
        batchSize: z.number().int().min(1).max(10_000).optional(),
        pollIntervalMs: z.number().int().min(10).max(60_000).optional(),
      })
      .strict()
      .optional(),
    log: z.object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional() }).strict().optional(),
  })
  .strict();
export type EdgeRuntimeConfig = z.infer<typeof edgeRuntimeConfigSchema>;

const empty = z.object({}).strict();

export const commandParamsSchemas = {
  restart_service: empty,
  reboot_os: z.object({ delaySeconds: z.number().int().min(0).max(3600).optional() }).strict(),
  shutdown_os: z.object({ delaySeconds: z.number().int().min(0).max(3600).optional() }).strict(),
  force_sync: empty,
  clear_queue: empty,
  pull_logs: z.object({ lines: z.number().int().min(1).max(5000).default(200), level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).optional() }).strict(),
  push_config: z.object({ version: z.number().int().min(1), config: edgeRuntimeConfigSchema }).strict(),
  update_firmware: z
    .object({
      releaseId: z.string().min(1).max(100),
      version: z.string().min(1).max(64),
      /** Path on the factory, e.g. /api/v1/firmware/releases/{id}/artifact; the edge downloads it with its device token. */
      artifactPath: z.string().regex(/^\/api\/v1\/firmware\/releases\/[^/]+\/artifact$/),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      size: z.number().int().min(0),
      /** Ed25519 signature (base64) of the release manifest (version, sha256, size) and the id of its key; edges verify it against firmware.trustedKeys. */
      signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'base64 of a 64-byte Ed25519 signature').optional(),
      signatureKeyId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
      deploymentId: z.string().min(1).max(100).optional(),
    })
    .strict(),
  exec_shell: z.object({ command: z.string().min(1).max(200), args: z.array(z.string().max(1000)).max(50).default([]) }).strict(),
  enable_device: empty,
  disable_device: z.object({ reason: z.string().min(1).max(500).optional() }).strict(),
} satisfies Record<CommandType, z.ZodType>;

export type CommandParams<T extends CommandType> = z.infer<(typeof commandParamsSchemas)[T]>;
