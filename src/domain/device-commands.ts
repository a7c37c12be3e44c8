import { z } from 'zod';
import { maintenanceWindowSchema } from './maintenance-window.js';
import { COMMAND_ROLE, COMMAND_STATUSES, COMMAND_TYPES, type CommandStatus, type CommandType, FINAL_COMMAND_STATUSES } from './command-types.js';

/**
 * The commands a factory can send an edge (spec: Server Management API, device commands), the
 * role each needs, and the shape of each one's params. One table, used by the factory to check a
 * dispatch and by the edge to check what it is asked to run.
 */
// The command table itself lives in command-types.ts (no zod: the browser console imports it).
export { COMMAND_ROLE, COMMAND_STATUSES, COMMAND_TYPES, type CommandStatus, type CommandType, FINAL_COMMAND_STATUSES };

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
      /** How long the new version has to say hello and be healthy before it is rolled back (else the edge's firmware.install.confirmTimeoutMs). */
      confirmTimeoutMs: z.number().int().min(1_000).max(3_600_000).optional(),
      /** Install (and restart) only inside this window; the download and checks happen at once. */
      maintenanceWindow: maintenanceWindowSchema.optional(),
      /** soft (default): the install also waits until the line is paused, disabled or idle; forced: it does not. */
      installMode: z.enum(['soft', 'forced']).optional(),
    })
    .strict(),
  exec_shell: z.object({ command: z.string().min(1).max(200), args: z.array(z.string().max(1000)).max(50).default([]) }).strict(),
  enable_device: empty,
  disable_device: z.object({ reason: z.string().min(1).max(500).optional() }).strict(),
  /**
   * A production order for the edge's line (src/domain/orders.ts; docs/EDGE.md "Production
   * orders"): created there unless one with this number exists (so a resent command does not make
   * two), and started when `start` (409-like failure CONFLICT while another order is active).
   */
  set_order: z
    .object({
      order: z
        .object({
          number: z.string().trim().min(1).max(64),
          productId: z.string().min(1).max(64).nullable().optional(),
          productName: z.string().min(1).max(200).nullable().optional(),
          gtins: z.array(z.string().regex(/^\d{14}$/)).min(1).max(20),
          lot: z.string().trim().min(1).max(64),
          productionDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
          expiryDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
          plannedQuantity: z.number().int().min(1).max(100_000_000),
          fields: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/), z.string().max(500)).optional(),
        })
        .strict(),
      start: z.boolean().default(false),
    })
    .strict(),
} satisfies Record<CommandType, z.ZodType>;

export type CommandParams<T extends CommandType> = z.infer<(typeof commandParamsSchemas)[T]>;
